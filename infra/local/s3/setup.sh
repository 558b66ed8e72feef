#!/usr/bin/env bash
# Installs the local S3 server (S3Proxy 4.1.0, from Maven Central) into ~/.cache/weblog/s3proxy-4.1.0/lib.
# Idempotent and silent when already installed. Needs java (17+) and mvn.
set -euo pipefail
VERSION=4.1.0
CACHE="${WEBLOG_CACHE_DIR:-$HOME/.cache/weblog}"
DEST="$CACHE/s3proxy-$VERSION"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

[ -f "$DEST/.complete" ] && exit 0

command -v java >/dev/null || { echo "infra/local/s3/setup.sh: java not found: apt-get install openjdk-17-jre-headless" >&2; exit 2; }
command -v mvn >/dev/null || { echo "infra/local/s3/setup.sh: mvn not found: apt-get install maven" >&2; exit 2; }

echo "installing S3Proxy $VERSION into $DEST"
rm -rf "$DEST.tmp"
mkdir -p "$DEST.tmp"
if ! mvn -q -B -f "$HERE/pom.xml" dependency:copy-dependencies -DoutputDirectory="$DEST.tmp/lib" >"$DEST.tmp/mvn.log" 2>&1; then
  tail -20 "$DEST.tmp/mvn.log" >&2
  echo "infra/local/s3/setup.sh: mvn could not fetch org.gaul:s3proxy:$VERSION (log above)" >&2
  exit 1
fi
ls "$DEST.tmp/lib/s3proxy-$VERSION.jar" >/dev/null
touch "$DEST.tmp/.complete"
rm -rf "$DEST"
mv "$DEST.tmp" "$DEST"
