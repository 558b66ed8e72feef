/**
 * How long the verifier takes on a bucket of many small objects (default 20,000 objects of 10 records, the demo's
 * flush.size), against two baselines measured in the same run on the same bucket: listing only, and listing +
 * reading every object with the bare SDK at the same concurrency. BENCH_OBJECTS overrides the object count.
 *
 *   pnpm --filter s3-verifier bench
 */

import { fileURLToPath } from "node:url";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { runCli, startS3 } from "@weblog/testkit";
import { cleanObjects, plantMany, s3Env } from "../test/fixtures";

/** This file runs bundled as dist/bench/verify-20k.js: the verifier is dist/main.js. */
const VERIFIER = fileURLToPath(new URL("../main.js", import.meta.url));

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 20_000);
const PARTITIONS = 4;
const PER_OBJECT = 10;
const CONCURRENCY = 16;

async function main() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const s3 = await startS3();
  try {
    const perPartition = Math.ceil(OBJECTS / PARTITIONS) * PER_OBJECT;
    const objects = cleanObjects("weblogs", PARTITIONS, perPartition, PER_OBJECT);
    let t = performance.now();
    await plantMany(s3, s3.bucket, objects);
    const writeMs = performance.now() - t;
    console.log(`wrote ${objects.length} objects to ${s3.backend} in ${(writeMs / 1000).toFixed(1)}s`);

    const client = s3.client();
    t = performance.now();
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: "topics/", ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    const listMs = performance.now() - t;

    t = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (;;) {
          const key = keys[next++];
          if (!key) return;
          const out = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
          await out.Body?.transformToByteArray();
        }
      }),
    );
    const readMs = performance.now() - t + listMs;

    const r = await runCli(
      VERIFIER,
      [
        "--bucket",
        s3.bucket,
        "--flush-size",
        String(PER_OBJECT),
        "--concurrency",
        String(CONCURRENCY),
        "--json",
      ],
      { env: s3Env(s3), timeoutMs: 600_000 },
    );
    if (r.code !== 0) throw new Error(`verifier exit ${r.code}: ${r.stderr}`);
    const doc = JSON.parse(r.stdout);
    if (doc.totals.objects !== objects.length) throw new Error(`verifier saw ${doc.totals.objects} objects`);

    const rows = [
      ["list only (SDK, baseline)", listMs],
      ["list + get every object (SDK, baseline)", readMs],
      ["s3-verifier (process, list+read+validate+analyze)", r.durationMs],
    ] as const;
    console.log(
      `\n${objects.length} objects, ${doc.totals.records} records, concurrency ${CONCURRENCY}, backend ${s3.backend}`,
    );
    console.log(
      `${"case".padEnd(52)} ${"seconds".padStart(8)} ${"objects/s".padStart(10)} ${"vs list+get".padStart(11)}`,
    );
    for (const [name, ms] of rows) {
      console.log(
        `${name.padEnd(52)} ${(ms / 1000).toFixed(2).padStart(8)} ${Math.round(objects.length / (ms / 1000))
          .toString()
          .padStart(10)} ${(ms / readMs).toFixed(2).padStart(10)}x`,
      );
    }
  } finally {
    await s3.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
