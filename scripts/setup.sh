#!/usr/bin/env bash
# Set up a fresh machine for weblog: pnpm at the pinned version, kcat (the test/demo Kafka where no Docker engine
# answers), and the workspace's dependencies. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# kcat brings librdkafka's mock Kafka cluster, the broker tests and the demo use where no Docker engine answers.
if ! command -v kcat >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing kcat (apt-get)" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq kcat >/dev/null
  else
    echo "setup: kcat not found and no apt-get: install kcat (brew install kcat), or run Docker, or set KAFKA_BROKERS" >&2
  fi
fi

# pnpm, at the version package.json pins (packageManager).
want_pnpm=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$want_pnpm" ]; then
  echo "setup: installing pnpm@${want_pnpm} (npm -g)" >&2
  npm install -g "pnpm@${want_pnpm}" >/dev/null
fi

pnpm install --frozen-lockfile
