/**
 * The verifier at scale, against baselines measured in the same run on the same bucket (BENCH_OBJECTS objects of 10
 * records over 4 partitions, default 20,000; window BENCH_CONCURRENCY, default 16):
 * - a bare parallel list + get of the same objects with the same window (the SDK, reads start while listing);
 * - the verifier's full run (its own process; its peak RSS from its --json `peakRssBytes`);
 * - after 1% new objects: the incremental run (--checkpoint) against a full run of the same bucket.
 *
 *   pnpm --filter s3-verifier bench                 BENCH_OBJECTS=100000 pnpm --filter s3-verifier bench
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { runCli, startS3 } from "@weblog/testkit";
import { cleanObjects, type PlantedObject, plantMany, s3Env } from "../test/fixtures";

/** This file runs bundled as dist/bench/verify-scale.js: the verifier is dist/main.js. */
const VERIFIER = fileURLToPath(new URL("../main.js", import.meta.url));

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PARTITIONS = 4;
const PER_OBJECT = 10;

/** List and get every object under topics/ with at most `window` GETs in flight, reads starting while listing. */
async function bareListGet(client: S3Client, bucket: string, window: number): Promise<number> {
  const inflight = new Set<Promise<void>>();
  let token: string | undefined;
  let n = 0;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: "topics/", ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      const task: Promise<void> = client
        .send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }))
        .then(async (out) => {
          await out.Body?.transformToByteArray();
          n += 1;
        })
        .finally(() => inflight.delete(task));
      inflight.add(task);
      if (inflight.size >= window) await Promise.race(inflight);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  await Promise.all(inflight);
  return n;
}

interface Run {
  ms: number;
  read: number;
  unread: number;
  objects: number;
  rssMiB: number;
}

async function verifier(
  env: Record<string, string | undefined>,
  bucket: string,
  extra: string[],
): Promise<Run> {
  const r = await runCli(
    VERIFIER,
    [
      "--bucket",
      bucket,
      "--flush-size",
      String(PER_OBJECT),
      "--concurrency",
      String(CONCURRENCY),
      "--json",
      ...extra,
    ],
    { env, timeoutMs: 3_600_000 },
  );
  if (r.code !== 0) throw new Error(`verifier exit ${r.code}: ${r.stderr}${r.stdout.slice(0, 2000)}`);
  const doc = JSON.parse(r.stdout);
  return {
    ms: r.durationMs,
    read: doc.read,
    unread: doc.unread,
    objects: doc.totals.objects,
    rssMiB: doc.peakRssBytes / 2 ** 20,
  };
}

/** `count` more objects per partition after the first `perPartition` records of each. */
function moreObjects(perPartition: number, count: number): PlantedObject[] {
  const all = cleanObjects(
    "weblogs",
    PARTITIONS,
    perPartition + Math.ceil(count / PARTITIONS) * PER_OBJECT,
    PER_OBJECT,
  );
  return all.filter((o) => Number(o.key.match(/\+(\d+)\.json$/)?.[1]) >= perPartition);
}

async function main() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const s3 = await startS3();
  const dir = await mkdtemp(join(tmpdir(), "verifier-bench-"));
  const env = s3Env(s3);
  try {
    const perPartition = Math.ceil(OBJECTS / PARTITIONS) * PER_OBJECT;
    const objects = cleanObjects("weblogs", PARTITIONS, perPartition, PER_OBJECT);
    let t = performance.now();
    await plantMany(s3, s3.bucket, objects);
    console.log(
      `wrote ${objects.length} objects to ${s3.backend} in ${((performance.now() - t) / 1000).toFixed(1)}s`,
    );

    const client = s3.client();
    t = performance.now();
    const got = await bareListGet(client, s3.bucket, CONCURRENCY);
    const bareMs = performance.now() - t;
    if (got !== objects.length) throw new Error(`bare list+get read ${got} objects`);

    const checkpoint = join(dir, "checkpoint.json");
    const full = await verifier(env, s3.bucket, ["--checkpoint", checkpoint]);
    const added = moreObjects(perPartition, Math.max(PARTITIONS, Math.round(objects.length / 100)));
    await plantMany(s3, s3.bucket, added);
    const incremental = await verifier(env, s3.bucket, ["--checkpoint", checkpoint]);
    if (incremental.read !== added.length)
      throw new Error(`incremental run read ${incremental.read}, not ${added.length}`);
    const fullAfter = await verifier(env, s3.bucket, []);

    const rows: [string, number, number, string, string][] = [
      ["bare parallel list + get (SDK, same window)", bareMs, got, "1.00x", "-"],
      [
        "s3-verifier full run",
        full.ms,
        full.read,
        `${(bareMs / full.ms).toFixed(2)}x`,
        full.rssMiB.toFixed(0),
      ],
      [
        `s3-verifier full run after +${added.length} objects`,
        fullAfter.ms,
        fullAfter.read,
        `${(bareMs / fullAfter.ms).toFixed(2)}x`,
        fullAfter.rssMiB.toFixed(0),
      ],
      [
        `s3-verifier --checkpoint after +${added.length} objects`,
        incremental.ms,
        incremental.read,
        `${(incremental.ms / fullAfter.ms).toFixed(3)}x of full`,
        incremental.rssMiB.toFixed(0),
      ],
    ];
    console.log(
      `\n${objects.length} objects (+${added.length}), ${objects.length * PER_OBJECT} records, window ${CONCURRENCY}, backend ${s3.backend}, ${PARTITIONS} partitions`,
    );
    console.log(
      `${"case".padEnd(54)} ${"seconds".padStart(8)} ${"read".padStart(8)} ${"objects/s".padStart(10)} ${"speed".padStart(14)} ${"peak RSS MiB".padStart(12)}`,
    );
    for (const [name, ms, read, ratio, rss] of rows) {
      console.log(
        `${name.padEnd(54)} ${(ms / 1000).toFixed(2).padStart(8)} ${String(read).padStart(8)} ${String(Math.round(read / (ms / 1000))).padStart(10)} ${ratio.padStart(14)} ${rss.padStart(12)}`,
      );
    }
    console.log(
      "speed: bare list+get seconds / verifier seconds (>= 0.9x is the target); incremental: its seconds / the full run's",
    );
    client.destroy();
  } finally {
    await rm(dir, { recursive: true, force: true });
    await s3.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
