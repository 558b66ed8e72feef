#!/usr/bin/env bash
# Installs the local Iceberg REST catalog (infra/local/iceberg/pom.xml, from Maven Central) and compiles its
# launcher (Launcher.java) into ${WEBLOG_CACHE_DIR:-~/.cache/weblog}/iceberg-rest/{lib,classes}, once.
# Idempotent and silent when the cache matches the pom and the launcher (a stamp of their hash). Needs a JDK and mvn.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${WEBLOG_CACHE_DIR:-$HOME/.cache/weblog}
dest="$cache/iceberg-rest"
stamp=$(cat "$here/pom.xml" "$here/Launcher.java" | sha256sum | cut -c1-16)
if [ -f "$dest/.complete" ] && [ "$(cat "$dest/.complete")" = "$stamp" ]; then exit 0; fi

command -v mvn >/dev/null || { echo "infra/local/iceberg/fetch.sh: mvn not found: apt-get install maven" >&2; exit 2; }
command -v javac >/dev/null || { echo "infra/local/iceberg/fetch.sh: javac not found: apt-get install openjdk-17-jdk-headless" >&2; exit 2; }

echo "installing the Iceberg REST catalog into $dest (once)" >&2
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp/classes"
if ! mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
  -DoutputDirectory="$dest.tmp/lib" >"$dest.tmp/mvn.log" 2>&1; then
  tail -20 "$dest.tmp/mvn.log" >&2
  echo "infra/local/iceberg/fetch.sh: mvn could not fetch the Iceberg REST catalog's jars (log above)" >&2
  exit 1
fi
javac -nowarn -d "$dest.tmp/classes" -cp "$dest.tmp/lib/*" "$here/Launcher.java"
echo "$stamp" >"$dest.tmp/.complete"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
