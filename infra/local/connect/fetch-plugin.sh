#!/usr/bin/env bash
# Fetches Kafka Connect plugins into the cache, once:
#   ${WEBLOG_CACHE_DIR:-~/.cache/weblog}/connect-plugins/<plugin>/   (the worker's plugin.path is the parent)
# A plugin's jars are those of its own pom, infra/local/connect/<plugin>/pom.xml (iceberg: Apache Iceberg's sink),
# or else of the Maven profile <plugin> of infra/local/connect/pom.xml (aiven-s3, file).
# Usage: fetch-plugin.sh [plugin...]   (default: aiven-s3 file iceberg)
# Idempotent and quiet when a plugin's folder matches its pom (a stamp of that pom's hash).
#
# Where Aiven's S3 sink comes from: Maven Central, like every other jar. Only where the Maven Central this machine
# reaches lacks the connector's own jar (the development machines and CI: their mirror does not serve that one
# artifact) is it installed into the local Maven repository from ../shared/connect-plugins/ beside the repository
# (WEBLOG_SHARED_DIR overrides ../shared), after checking its sha256; its dependencies still come from Maven Central.
# A user's machine never needs ../shared. The plugin's folder records which source was used (.source), and this
# script says it once. Exit 1 when a plugin cannot be installed (the message says why and what to do).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cache=${WEBLOG_CACHE_DIR:-$HOME/.cache/weblog}
root="$cache/connect-plugins"
m2=${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}
aiven_version=$(sed -n 's:.*<aiven.s3.version>\(.*\)</aiven.s3.version>.*:\1:p' "$here/pom.xml")
# sha256 of s3-connector-for-apache-kafka-2.15.0.jar as ../shared/connect-plugins/README.md gives it
aiven_sha256=7af9759d3948ad7d3bc4fa5af3b9e1892de9edca9bad043d2e42aa828098b06b
shared=${WEBLOG_SHARED_DIR:-$(dirname "$repo")/shared}/connect-plugins/aiven-s3-$aiven_version
command -v mvn >/dev/null 2>&1 || { echo "fetch-plugin: mvn not found: run bash scripts/setup.sh" >&2; exit 1; }
[ "$#" -gt 0 ] || set -- aiven-s3 file iceberg
mkdir -p "$root"

# The pom a plugin comes from, and the Maven arguments that select it.
pom_of() { if [ -f "$here/$1/pom.xml" ]; then echo "$here/$1/pom.xml"; else echo "$here/pom.xml"; fi; }
copy_deps() { # plugin dest log
  local pom profile=()
  pom=$(pom_of "$1")
  [ "$pom" = "$here/pom.xml" ] && profile=(-P "$1")
  mvn -B -q -U -Dstyle.color=never -f "$pom" "${profile[@]}" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$2" >"$3" 2>&1
}

# Installs Aiven's jar from ../shared into the local Maven repository; fails (1) on a missing or altered jar.
install_aiven_from_shared() { # log
  local jar="$shared/s3-connector-for-apache-kafka-$aiven_version.jar"
  local pom="$shared/s3-connector-for-apache-kafka-$aiven_version.pom"
  [ -f "$jar" ] && [ -f "$pom" ] || return 1
  local got
  got=$(sha256sum "$jar" | cut -d' ' -f1)
  if [ "$got" != "$aiven_sha256" ]; then
    echo "fetch-plugin: $jar has sha256 $got, expected $aiven_sha256: not installing it" >&2
    return 1
  fi
  mvn -B -q -Dstyle.color=never install:install-file -Dfile="$jar" -DpomFile="$pom" >>"$1" 2>&1
}

# Where the local Maven repository got Aiven's jar: Maven Central (a download records its repository id) or an
# install-file (no repository id).
aiven_source() {
  local marker="$m2/io/aiven/s3-connector-for-apache-kafka/$aiven_version/_remote.repositories"
  if [ -f "$marker" ] && grep -q "\.jar>=" "$marker"; then
    echo "the local Maven repository, installed from $shared (sha256 checked): the Maven Central this machine reaches lacks it"
  else
    echo "Maven Central"
  fi
}

failed=0
for plugin in "$@"; do
  dest="$root/$plugin"
  stamp=$(sha256sum "$(pom_of "$plugin")" | cut -c1-16)
  marker="$root/.$plugin.unavailable"
  if [ -f "$dest/.complete" ] && [ "$(cat "$dest/.complete")" = "$stamp" ]; then continue; fi
  echo "fetch-plugin: Connect plugin $plugin from Maven Central -> $dest (once)" >&2
  rm -rf "$dest.tmp"
  mkdir -p "$dest.tmp"
  log="$root/.$plugin.mvn.log"
  ok=1
  if ! copy_deps "$plugin" "$dest.tmp" "$log"; then
    ok=0
    if [ "$plugin" = aiven-s3 ] && grep -q "io.aiven:s3-connector-for-apache-kafka:jar" "$log" &&
      install_aiven_from_shared "$log" && copy_deps "$plugin" "$dest.tmp" "$log"; then
      ok=1
    fi
  fi
  if [ "$ok" = 0 ]; then
    rm -rf "$dest.tmp"
    missing=$(grep -o 'Could not find artifact [^ ]*' "$log" | head -n1 | sed 's/Could not find artifact /not on Maven Central: /' || true)
    { echo "$stamp"; echo "${missing:-mvn failed, see $log}"; } >"$marker"
    echo "fetch-plugin: $plugin not installed (${missing:-see $log}); bash infra/local/connect/fetch-plugin.sh $plugin tries again" >&2
    failed=1
    continue
  fi
  rm -f "$marker"
  source="Maven Central"
  [ "$plugin" = aiven-s3 ] && source=$(aiven_source)
  echo "$source" >"$dest.tmp/.source"
  echo "$stamp" >"$dest.tmp/.complete"
  rm -rf "$dest"
  mv "$dest.tmp" "$dest"
  echo "fetch-plugin: $plugin installed from $source" >&2
done
exit "$failed"
