/**
 * The verifier at scale, against baselines measured in the same run on the same bucket (objects of 10 records over
 * 4 partitions; window BENCH_CONCURRENCY, default 16):
 * - a bare parallel list + get of the same objects with the same window (the SDK, reads start while listing), at
 *   the sizes in BENCH_BARE (default: the first size): once with one listing of topics/, once with the partition
 *   directories listed side by side as the verifier does (the baseline its speed is given against);
 * - the verifier's full run at each size in BENCH_OBJECTS (comma-separated, ascending; default 20,000), its own
 *   process, its peak RSS from its --json `peakRssBytes`: flat across sizes is the point;
 * - at the first size, after 1% new objects: the incremental run (--checkpoint) against a full run of that bucket
 *   (BENCH_INCREMENTAL=0 leaves it out).
 *
 * The objects are written as files straight into S3Proxy's filesystem store (jclouds filesystem-nio2: one file per
 * key under <basedir>/<bucket>/, LastModified from the file's mtime; no ETag, which the verifier does not use): a
 * million PUTs would take longer than the runs measured. Every read of the baseline and the verifier still goes
 * through S3. The bare run checks that it read every object the bench wrote.
 *
 *   pnpm --filter s3-verifier bench          BENCH_OBJECTS=100000,300000,1000000 pnpm --filter s3-verifier bench
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { encode } from "@weblog/log-schema";
import { runCli, startLocalS3Server } from "@weblog/testkit";
import { confluentKey, record, s3Env } from "../test/fixtures";

/** This file runs bundled as dist/bench/verify-scale.js: the verifier is dist/main.js. */
const VERIFIER = fileURLToPath(new URL("../main.js", import.meta.url));

const SIZES = (process.env.BENCH_OBJECTS ?? "20000").split(",").map(Number);
const BARE = (process.env.BENCH_BARE ?? String(SIZES[0])).split(",").map(Number);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PARTITIONS = 4;
const PER_OBJECT = 10;
const BUCKET = "verifier-bench";

/**
 * List and get every object under `prefixes` (listed side by side) with at most `window` GETs in flight, reads
 * starting while listing.
 */
async function bareListGet(
  client: S3Client,
  bucket: string,
  prefixes: string[],
  window: number,
): Promise<number> {
  const inflight = new Set<Promise<void>>();
  let n = 0;
  const listOne = async (prefix: string) => {
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
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
        while (inflight.size >= window) await Promise.race(inflight);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  };
  await Promise.all(prefixes.map(listOne));
  await Promise.all(inflight);
  return n;
}

const PARTITION_DIRS = Array.from({ length: PARTITIONS }, (_, p) => `topics/weblogs/partition=${p}/`);

interface Run {
  ms: number;
  read: number;
  rssMiB: number;
}

async function verifier(env: Record<string, string | undefined>, extra: string[]): Promise<Run> {
  const r = await runCli(
    VERIFIER,
    [
      "--bucket",
      BUCKET,
      "--flush-size",
      String(PER_OBJECT),
      "--concurrency",
      String(CONCURRENCY),
      "--json",
      ...extra,
    ],
    { env, timeoutMs: 4 * 3_600_000 },
  );
  if (r.code !== 0) throw new Error(`verifier exit ${r.code}: ${r.stderr}${r.stdout.slice(0, 2000)}`);
  const doc = JSON.parse(r.stdout);
  return { ms: r.durationMs, read: doc.read, rssMiB: doc.peakRssBytes / 2 ** 20 };
}

/**
 * Writes objects [from, to) of each partition (object i of a partition starts at offset i * 10) as files in the
 * store's bucket directory, as the sink would have PUT them. Returns how many.
 */
function writeObjects(bucketDir: string, from: number, to: number): number {
  let n = 0;
  for (let p = 0; p < PARTITIONS; p++) {
    mkdirSync(join(bucketDir, "topics", "weblogs", `partition=${p}`), { recursive: true });
    for (let i = from; i < to; i++) {
      const start = i * PER_OBJECT;
      const lines = Array.from({ length: PER_OBJECT }, (_, j) => `${encode(record(start + j, p))}\n`);
      writeFileSync(join(bucketDir, confluentKey("weblogs", p, start)), lines.join(""));
      n += 1;
    }
  }
  return n;
}

const secs = (ms: number) => (ms / 1000).toFixed(2);

async function main() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const dataDir = await mkdtemp(join(tmpdir(), "verifier-bench-"));
  const s3 = await startLocalS3Server({ dataDir: join(dataDir, "s3") });
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    credentials: s3.credentials,
    forcePathStyle: true,
  });
  const env = s3Env(s3);
  const bucketDir = join(dataDir, "s3", "buckets", BUCKET);
  const rows: string[][] = [];
  const row = (objects: number, name: string, ms: number, read: number, ratio: string, rss: string) => {
    rows.push([
      String(objects),
      name,
      secs(ms),
      String(read),
      String(Math.round(read / (ms / 1000))),
      ratio,
      rss,
    ]);
    console.log(rows[rows.length - 1]?.join(" | "));
  };
  try {
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    let perPartition = 0;
    for (const [i, size] of SIZES.entries()) {
      const target = Math.ceil(size / PARTITIONS);
      const t = performance.now();
      const wrote = writeObjects(bucketDir, perPartition, target);
      perPartition = target;
      const objects = perPartition * PARTITIONS;
      console.log(`wrote ${wrote} objects (now ${objects}) in ${secs(performance.now() - t)}s`);
      let bareMs: number | undefined;
      if (BARE.includes(size)) {
        // Two baselines: one listing of the prefix (what a naive tool does), and the partition directories listed
        // side by side (the verifier's own listing; the fair baseline, the one "speed" is against).
        let t0 = performance.now();
        let got = await bareListGet(client, BUCKET, ["topics/"], CONCURRENCY);
        const singleMs = performance.now() - t0;
        if (got !== objects) throw new Error(`bare list+get read ${got} objects, not ${objects}`);
        t0 = performance.now();
        got = await bareListGet(client, BUCKET, PARTITION_DIRS, CONCURRENCY);
        bareMs = performance.now() - t0;
        if (got !== objects) throw new Error(`bare list+get read ${got} objects, not ${objects}`);
        row(
          objects,
          "bare list + get, one listing of topics/ (SDK, same window)",
          singleMs,
          got,
          `${(bareMs / singleMs).toFixed(2)}x`,
          "-",
        );
        row(
          objects,
          `bare list + get, ${PARTITIONS} partition listings side by side`,
          bareMs,
          got,
          "1.00x",
          "-",
        );
      }
      const speed = (ms: number) => (bareMs === undefined ? "-" : `${(bareMs / ms).toFixed(2)}x`);
      const checkpoint = join(dataDir, "checkpoint.json");
      const full = await verifier(env, i === 0 ? ["--checkpoint", checkpoint] : []);
      if (full.read !== objects) throw new Error(`verifier read ${full.read}, not ${objects}`);
      row(objects, "s3-verifier full run", full.ms, full.read, speed(full.ms), full.rssMiB.toFixed(0));
      if (i !== 0 || process.env.BENCH_INCREMENTAL === "0") continue;
      // +1%: the incremental run reads only those, against a full run of the same bucket.
      const added = Math.max(1, Math.round(perPartition / 100));
      writeObjects(bucketDir, perPartition, perPartition + added);
      perPartition += added;
      const incremental = await verifier(env, ["--checkpoint", checkpoint]);
      if (incremental.read !== added * PARTITIONS)
        throw new Error(`incremental run read ${incremental.read}, not ${added * PARTITIONS}`);
      const fullAfter = await verifier(env, []);
      const n = perPartition * PARTITIONS;
      row(
        n,
        `s3-verifier full run after +${added * PARTITIONS} objects`,
        fullAfter.ms,
        fullAfter.read,
        speed(fullAfter.ms),
        fullAfter.rssMiB.toFixed(0),
      );
      row(
        n,
        `s3-verifier --checkpoint after +${added * PARTITIONS} objects`,
        incremental.ms,
        incremental.read,
        `${(incremental.ms / fullAfter.ms).toFixed(3)}x of full`,
        incremental.rssMiB.toFixed(0),
      );
    }
    console.log(
      `\n${PER_OBJECT} records an object, ${PARTITIONS} partitions, window ${CONCURRENCY}, S3Proxy (filesystem store, objects written as files)`,
    );
    console.log("| objects | case | seconds | read | objects/s | speed | peak RSS MiB |");
    console.log("| --- | --- | --- | --- | --- | --- | --- |");
    for (const r of rows) console.log(`| ${r.join(" | ")} |`);
    console.log(
      "speed: bare list+get seconds / verifier seconds at the same size (>= 0.9x is the target); incremental: its seconds / the full run's",
    );
  } finally {
    client.destroy();
    await s3.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
