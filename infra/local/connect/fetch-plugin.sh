#!/usr/bin/env bash
# Fetches Kafka Connect plugins (infra/local/connect/pom.xml, one Maven profile each) into the cache, once:
#   ${WEBLOG_CACHE_DIR:-~/.cache/weblog}/connect-plugins/<plugin>/   (the worker's plugin.path is the parent)
# Usage: fetch-plugin.sh [plugin...]   (default: aiven-s3 file)
# Idempotent and quiet when a plugin's folder matches the pom (a stamp of the pom's hash). A plugin the registry
# does not serve is reported once (its stamp says so) and does not fail the setup: the stack then runs Connect
# without it and says so. FETCH_PLUGIN_RETRY=1 tries again. Exit 1 only when mvn itself is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${WEBLOG_CACHE_DIR:-$HOME/.cache/weblog}
root="$cache/connect-plugins"
stamp=$(sha256sum "$here/pom.xml" | cut -c1-16)
command -v mvn >/dev/null 2>&1 || { echo "fetch-plugin: mvn not found: run bash scripts/setup.sh" >&2; exit 1; }
[ "$#" -gt 0 ] || set -- aiven-s3 file
mkdir -p "$root"
for plugin in "$@"; do
  dest="$root/$plugin"
  marker="$root/.$plugin.unavailable"
  if [ -f "$dest/.complete" ] && [ "$(cat "$dest/.complete")" = "$stamp" ]; then continue; fi
  if [ -z "${FETCH_PLUGIN_RETRY:-}" ] && [ -f "$marker" ] && [ "$(head -n1 "$marker")" = "$stamp" ]; then continue; fi
  echo "fetch-plugin: Connect plugin $plugin from Maven Central -> $dest (once)" >&2
  rm -rf "$dest.tmp"
  mkdir -p "$dest.tmp"
  log="$root/.$plugin.mvn.log"
  if ! mvn -B -q -Dstyle.color=never -U -f "$here/pom.xml" -P "$plugin" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$dest.tmp" >"$log" 2>&1; then
    rm -rf "$dest.tmp"
    missing=$(grep -o 'Could not find artifact [^ ]*' "$log" | head -n1 | sed 's/Could not find artifact /not on Maven Central: /' || true)
    { echo "$stamp"; echo "${missing:-mvn failed, see $log}"; } >"$marker"
    echo "fetch-plugin: $plugin not available (${missing:-see $log}); Connect runs without it. FETCH_PLUGIN_RETRY=1 bash infra/local/connect/fetch-plugin.sh $plugin tries again" >&2
    continue
  fi
  rm -f "$marker"
  echo "$stamp" >"$dest.tmp/.complete"
  rm -rf "$dest"
  mv "$dest.tmp" "$dest"
done
