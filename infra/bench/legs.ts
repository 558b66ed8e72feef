/**
 * The legs of the side-by-side bench, each run for one engine on a shared broker and S3 (its own bucket):
 * - throughput: sink `records` already in the topic at a flush.size; records/s from the engine ready (ours spawned,
 *   Connect's task RUNNING) to the last commit, CPU seconds over that span and peak RSS of the engine's processes,
 *   objects, the verifier's verdict;
 * - kill: records trickle in, the engine is killed (kill -9) halfway and restarted; missing / duplicated;
 * - trickle: one record at a time into an idle pipeline; how long until it is in S3 (the worst of `samples`).
 */
import { createS3Client, listAllObjects } from "@weblog/s3";
import { type KafkaHandle, type LocalS3Server, runCli, spawnCli, uniqueName } from "@weblog/testkit";
import { Kafka, logLevel } from "kafkajs";
import { REPO_ROOT } from "../test/paths";
import { creds, type Engine, type Running } from "./engines";
import { sampleUsage } from "./proc-usage";

const PRODUCER = `${REPO_ROOT}/apps/producer/dist/main.js`;
const VERIFIER = `${REPO_ROOT}/apps/s3-verifier/dist/main.js`;
export const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

async function admin<T>(kafka: KafkaHandle, fn: (a: ReturnType<Kafka["admin"]>) => Promise<T>): Promise<T> {
  const a = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
  await a.connect();
  try {
    return await fn(a);
  } finally {
    await a.disconnect();
  }
}

export async function topicWith(kafka: KafkaHandle, name: string): Promise<string> {
  const topic = uniqueName(name);
  await admin(kafka, (a) => a.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true }));
  return topic;
}

export async function produce(kafka: KafkaHandle, topic: string, count: number, rate = 0) {
  const r = await runCli(
    PRODUCER,
    ["--brokers", kafka.bootstrap, "--topic", topic, "--count", String(count), "--rate", String(rate)],
    { timeoutMs: 1_800_000 },
  );
  if (r.code !== 0) throw new Error(`producer failed: ${r.stderr}`);
}

async function committed(kafka: KafkaHandle, group: string, topic: string): Promise<number> {
  const [t] = await admin(kafka, (a) => a.fetchOffsets({ groupId: group, topics: [topic] }));
  return (t?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
}

/** Polls (bounded) until the engine's group has committed `total` records of `topic`; the time it did. */
async function waitCommitted(
  kafka: KafkaHandle,
  r: Running,
  topic: string,
  total: number,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; round < timeoutMs / 500 && Date.now() < deadline; round++) {
    const failed = r.failure();
    if (failed) throw new Error(failed);
    const n = await committed(kafka, r.group, topic).catch(() => 0);
    if (n >= total) return Date.now();
    if (round % 30 === 29) say(`${r.group}: ${n}/${total} committed`);
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new Error(`${r.group} did not commit ${total} records of ${topic} within ${timeoutMs / 1000} s`);
}

function s3Client(s3: LocalS3Server) {
  return createS3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    pathStyle: true,
    credentials: s3.credentials,
  });
}

async function objectCount(s3: LocalS3Server, bucket: string): Promise<number> {
  const client = s3Client(s3);
  return objectCountWith(client, bucket).finally(() => client.destroy());
}

/**
 * The verifier's verdict: `missing` offsets, `duplicates` = offsets written into more than one object (what a sink
 * writes twice), `twins` = identical records at different offsets (the producer's own, not the sink's).
 */
export type Verdict = { ok: boolean; text: string; missing: number; duplicates: number; twins: number };

async function verify(
  kafka: KafkaHandle,
  s3: LocalS3Server,
  bucket: string,
  topic: string,
  r: Running,
  extra: string[],
): Promise<Verdict> {
  const res = await runCli(
    VERIFIER,
    [
      ...["--bucket", bucket, "--endpoint", s3.endpoint, "--topic", topic],
      ...["--brokers", kafka.bootstrap, "--group", r.group, "--json"],
      ...r.verifierArgs,
      ...extra,
    ],
    { env: creds(s3), timeoutMs: 600_000 },
  );
  const report = JSON.parse(res.stdout) as {
    totals: { duplicateRecords: number; missing: number | null };
    partitions: { overlaps: number; gaps: { from: number; to: number }[] }[];
  };
  const gaps = report.partitions.reduce(
    (n, p) => n + p.gaps.reduce((g, x) => g + Number(x.to) - Number(x.from) + 1, 0),
    0,
  );
  const overlaps = report.partitions.reduce((n, p) => n + Number(p.overlaps), 0);
  const missing = gaps + Number(report.totals.missing ?? 0);
  const twins = Number(report.totals.duplicateRecords);
  const why = [
    missing ? `${missing} missing` : "",
    overlaps ? `${overlaps} written twice` : "",
    twins ? `${twins} twin records (the producer's)` : "",
  ].filter(Boolean);
  return {
    ok: res.code === 0,
    text: res.code === 0 ? "ok" : `FAIL (exit ${res.code}${why.length ? `: ${why.join(", ")}` : ""})`,
    missing,
    duplicates: overlaps,
    twins,
  };
}

export type Throughput = {
  recordsPerSec: number;
  cpuSeconds: number;
  peakRssMiB: number;
  objects: number;
  verdict: Verdict;
};

export async function throughputLeg(
  kafka: KafkaHandle,
  s3: LocalS3Server,
  engine: Engine,
  topic: string,
  records: number,
  flushSize: number,
): Promise<Throughput> {
  const bucket = uniqueName("bench").toLowerCase();
  const r = await engine.start(topic, bucket, flushSize); // ours: spawned; Connect: its task RUNNING
  const began = Date.now();
  const usage = sampleUsage(r.root);
  try {
    const done = await waitCommitted(kafka, r, topic, records, 3_600_000);
    const { cpuSeconds, peakRssMiB } = usage.stop();
    await r.stop();
    const verdict = await verify(kafka, s3, bucket, topic, r, ["--expect-count", String(records)]);
    const recordsPerSec = Math.round(records / ((done - began) / 1000));
    return { recordsPerSec, cpuSeconds, peakRssMiB, objects: await objectCount(s3, bucket), verdict };
  } finally {
    usage.stop();
    await r.stop();
  }
}

export type Crash = { records: number; verdict: Verdict };

export async function killLeg(
  kafka: KafkaHandle,
  s3: LocalS3Server,
  engine: Engine,
  records: number,
  rate: number,
): Promise<Crash> {
  const topic = await topicWith(kafka, "bench-kill");
  const bucket = uniqueName("bench-kill").toLowerCase();
  const c = await engine.start(topic, bucket, 10);
  try {
    const producer = spawnCli(PRODUCER, [
      ...["--brokers", kafka.bootstrap, "--topic", topic],
      ...["--count", String(records), "--rate", String(rate)],
    ]);
    const half = Date.now() + (records / rate / 2) * 1000;
    while (Date.now() < half) await new Promise((res) => setTimeout(res, 250));
    c.kill();
    await c.restart();
    await producer.waitForExit(600_000);
    await waitCommitted(kafka, c, topic, records, 600_000);
    await c.stop();
    return { records, verdict: await verify(kafka, s3, bucket, topic, c, ["--allow-duplicates"]) };
  } finally {
    await c.stop();
  }
}

/** Worst time from one record acknowledged by the broker to an object holding it listed in S3, over `samples`. */
export async function trickleLeg(
  kafka: KafkaHandle,
  s3: LocalS3Server,
  engine: Engine,
  samples: number,
): Promise<{ worstMs: number; samplesMs: number[] }> {
  const topic = await topicWith(kafka, "bench-trickle");
  const bucket = uniqueName("bench-trickle").toLowerCase();
  const r = await engine.start(topic, bucket, 10);
  const producer = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  const client = s3Client(s3);
  const delays: number[] = [];
  try {
    // one warm-up record: the engine has joined and written once before anything is timed
    for (let i = 0; i <= samples; i++) {
      const before = await objectCountWith(client, bucket);
      const record = {
        ip: "203.0.113.7",
        timestamp: new Date().toISOString(),
        method: "GET",
        url: `/trickle/${i}`,
        status_code: 200,
        user_agent: "weblog-bench/1.0",
      }; // a valid web log: our sink would stop on anything else (errors.tolerance=none)
      await producer.send({ topic, acks: -1, messages: [{ key: record.ip, value: JSON.stringify(record) }] });
      const sent = Date.now();
      const deadline = sent + 120_000;
      while ((await objectCountWith(client, bucket)) <= before) {
        if (Date.now() > deadline) throw new Error(`${engine.name}: record ${i} not in S3 within 120 s`);
        const failed = r.failure();
        if (failed) throw new Error(failed);
        await new Promise((res) => setTimeout(res, 100));
      }
      if (i > 0) delays.push(Date.now() - sent);
    }
  } finally {
    client.destroy();
    await producer.disconnect();
    await r.stop();
  }
  return { worstMs: Math.max(...delays), samplesMs: delays };
}

async function objectCountWith(client: ReturnType<typeof s3Client>, bucket: string): Promise<number> {
  let n = 0;
  for await (const _ of listAllObjects(client, bucket, "topics/")) n++;
  return n;
}
