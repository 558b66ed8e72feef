#!/bin/sh
# Waits for Kafka Connect's REST API, then creates-or-updates the connector from the JSON file with
# PUT /connectors/<name>/config (idempotent), and waits until it and its task are RUNNING.
#
#   register.sh                       register, then exit (0 = running); CONNECT_URL (http://connect:8083) and
#                                     CONNECTOR_FILE (/infra/connect/s3-sink.json) say where
#   register.sh --stay                register, touch /tmp/weblog-registered (the compose healthcheck), then idle until
#                                     stopped: `docker compose up --wait` counts a one-shot that exited as a failure
#                                     unless a long-running service depends on it, and nothing can depend on this one
#   register.sh --print-config FILE   prints the "config" object of FILE (what is PUT)
#   register.sh --print-name FILE     prints the connector name of FILE
#
# Only sh, sed and curl (curlimages/curl has no jq): the JSON file keeps the layout this script reads, two-space
# indentation with "name" and "config" at the top level; infra/test checks the extraction against a JSON parser.
set -eu

extract_config() { sed -n '/^  "config": {$/,/^  }$/p' "$1" | sed '1s/.*/{/;$s/.*/}/'; }
extract_name() { sed -n 's/^  "name": "\([^"]*\)",\{0,1\}$/\1/p' "$1"; }

STAY=0
case "${1:-}" in
  --print-config) extract_config "$2"; exit 0 ;;
  --print-name) extract_name "$2"; exit 0 ;;
  --stay) STAY=1 ;;
  "") ;;
  *) echo "register: unknown argument '$1' (use --stay, --print-config FILE or --print-name FILE)" >&2; exit 2 ;;
esac

done_ok() {
  [ "$STAY" = 1 ] || exit 0
  touch /tmp/weblog-registered
  trap 'exit 0' TERM INT
  while :; do sleep 3600 & wait $!; done
}

CONNECT_URL="${CONNECT_URL:-http://connect:8083}"
FILE="${CONNECTOR_FILE:-/infra/connect/s3-sink.json}"
[ -r "$FILE" ] || { echo "register: cannot read $FILE" >&2; exit 2; }
NAME="$(extract_name "$FILE")"
[ -n "$NAME" ] || { echo "register: no top-level \"name\" in $FILE" >&2; exit 2; }

echo "register: waiting for Kafka Connect at $CONNECT_URL"
i=0
until curl -fsS -o /dev/null "$CONNECT_URL/connectors"; do
  i=$((i + 1))
  [ "$i" -lt 120 ] || { echo "register: Kafka Connect did not answer at $CONNECT_URL within 240 s" >&2; exit 1; }
  sleep 2
done

echo "register: PUT $CONNECT_URL/connectors/$NAME/config from $FILE"
extract_config "$FILE" | curl -fsS -X PUT -H "Content-Type: application/json" --data-binary @- \
  "$CONNECT_URL/connectors/$NAME/config" >/dev/null

i=0
while :; do
  status="$(curl -fsS "$CONNECT_URL/connectors/$NAME/status" || true)"
  case "$status" in
    *FAILED*) echo "register: $NAME failed: $status" >&2; exit 1 ;;
    *'"tasks":[{'*RUNNING*) echo "register: $NAME is running: $status"; done_ok ;;
  esac
  i=$((i + 1))
  [ "$i" -lt 60 ] || { echo "register: $NAME not RUNNING within 120 s: $status" >&2; exit 1; }
  sleep 2
done
