#!/usr/bin/env bash
# Installs moto's S3 server (PyPI `moto[server]`, pinned below, every dependency pinned by constraints.txt) into a
# venv of its own at ~/.cache/weblog/moto-$VERSION (WEBLOG_CACHE_DIR overrides ~/.cache/weblog). The testkit starts
# it as the second real S3 implementation (TESTKIT_S3=moto). Idempotent and silent when already installed.
# Needs python3 (3.9+) with the venv module.
set -euo pipefail
VERSION=5.2.6
CACHE="${WEBLOG_CACHE_DIR:-$HOME/.cache/weblog}"
DEST="$CACHE/moto-$VERSION"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STAMP="$(sha256sum "$HERE/constraints.txt" | cut -c1-16)"

[ -f "$DEST/.complete" ] && [ "$(cat "$DEST/.complete")" = "$STAMP" ] && exit 0

command -v python3 >/dev/null || { echo "infra/local/moto/setup.sh: python3 not found: apt-get install python3 python3-venv" >&2; exit 2; }
python3 -c 'import venv, ensurepip' 2>/dev/null || { echo "infra/local/moto/setup.sh: python3's venv module is missing: apt-get install python3-venv" >&2; exit 2; }

echo "installing moto $VERSION (S3 server) into $DEST"
rm -rf "$DEST"
mkdir -p "$CACHE"
python3 -m venv "$DEST" # in place: a venv's scripts name their interpreter by absolute path, so it cannot be moved
if ! "$DEST/bin/pip" install -q --disable-pip-version-check -c "$HERE/constraints.txt" "moto[server]==$VERSION" >"$DEST/pip.log" 2>&1; then
  tail -20 "$DEST/pip.log" >&2
  echo "infra/local/moto/setup.sh: pip could not install moto[server]==$VERSION (log above)" >&2
  exit 1
fi
"$DEST/bin/python3" -c 'import moto.server' # .complete (written last) marks an install that imports
echo "$STAMP" >"$DEST/.complete"
