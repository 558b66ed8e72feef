#!/usr/bin/env bash
# Fetches the local stack's jars (infra/local/pom.xml) from Maven Central into the cache, once:
#   ${WEBLOG_CACHE_DIR:-~/.cache/weblog}/kafka-<version>/libs
# Idempotent and quiet when the cache already matches the pom (a stamp of the pom's hash). Needs java and mvn.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${WEBLOG_CACHE_DIR:-$HOME/.cache/weblog}
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
dest="$cache/kafka-$version"
stamp=$(sha256sum "$here/pom.xml" | cut -c1-16)
if [ -f "$dest/.complete" ] && [ "$(cat "$dest/.complete")" = "$stamp" ]; then exit 0; fi

echo "fetch: Apache Kafka $version jars from Maven Central -> $dest (once)" >&2
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
log="$dest.tmp/mvn.log"
if ! mvn -B -q -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$dest.tmp/libs" >"$log" 2>&1; then
  echo "fetch: mvn could not fetch the Kafka jars (is Maven Central reachable?); its last lines:" >&2
  tail -n 15 "$log" >&2
  exit 1
fi
echo "$stamp" >"$dest.tmp/.complete"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
