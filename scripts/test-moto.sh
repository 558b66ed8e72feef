#!/usr/bin/env bash
# The sink, verifier, query and multipart suites against moto, the second real S3 implementation (TESTKIT_S3=moto:
# one broker and one moto server for all of them, started and stopped by the testkit's stack). `pnpm test` runs the
# small set after the main run; `pnpm test:moto` the full one. Run `pnpm build` first (pnpm test does).
#   bash scripts/test-moto.sh [--small|--full]
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:---full}" in
  --small) # what differs most between servers: multipart, the sink's keys and objects, listing, reading back
    sets=("apps/consumer test/multipart.test.ts test/sink.test.ts" "apps/s3-verifier test/cli.test.ts" "apps/query test/query.test.ts") ;;
  --full)
    sets=("apps/consumer test/multipart.test.ts test/multipart-sink.test.ts test/sink.test.ts"
      "apps/s3-verifier test/cli.test.ts test/real-sink.test.ts" "apps/query test/query.test.ts") ;;
  *) echo "scripts/test-moto.sh: unknown argument '$1': use --small or --full" >&2; exit 2 ;;
esac
script=""
for s in "${sets[@]}"; do
  read -r root files <<<"$s"
  script+="npx vitest run --root $root $files && "
done
TESTKIT_S3=moto exec node packages/testkit/dist/stack.js run -- bash -c "${script}true"
