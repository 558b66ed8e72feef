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

# Debian ships python3's venv (ensurepip) apart: install it with apt-get as scripts/setup.sh does its packages.
if ! command -v python3 >/dev/null || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  if command -v apt-get >/dev/null 2>&1; then
    as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
    echo "infra/local/moto/setup.sh: installing python3 python3-venv (apt-get)" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3 python3-venv >/dev/null
  else
    echo "infra/local/moto/setup.sh: python3 with its venv module not found: install Python 3.9+ (brew install python)" >&2
    exit 2
  fi
fi

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
