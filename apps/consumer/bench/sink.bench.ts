/**
 * `pnpm --filter consumer bench`: the S3 sink's throughput beside the two raw legs it is made of, measured in the
 * same run on the same records and objects:
 *   - raw consume: a bare kafkajs group consumer reading the records (eachBatch, nothing else);
 *   - raw PUT: bare PutObjects of the same objects (one stream per partition, as the sink serializes them);
 *   - sink: the engine (decode + validate + partition + buffer + PUT + commit per object).
 * For reference (not a target leg) also a bare consume that decodes + validates every record with log-schema, the
 * per-record work the raw legs skip and the sink cannot.
 * Target: sink records/s within 25% of the slower raw leg. Then the sink's peak RSS (VmHWM) with 64 partitions
 * (16 topics x 4 partitions), as a separate process.
 *
 * Env: BENCH_RECORDS_SMALL (records for flush.size 10, default 8000), BENCH_RECORDS_LARGE (flush.size 10000,
 * default 40000), BENCH_RSS_PER_PARTITION (default 1000).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { createFakeLog } from "@weblog/fake-log";
import { ensureTopic } from "@weblog/kafka-client";
import { decode, encode } from "@weblog/log-schema";
import {
  defaultSinkSettings,
  encodeRecordLines,
  formatObjectKey,
  type SinkSettings,
} from "@weblog/sink-contract";
import { type KafkaHandle, type S3Handle, spawnCli, startKafka, startS3, uniqueName } from "@weblog/testkit";
import kafkajs from "kafkajs";
import { createSinkEngine } from "../src/sink";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const PARTITIONS = 4;
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as const;

const kafkaOf = (h: KafkaHandle) =>
  new kafkajs.Kafka({
    clientId: "bench",
    brokers: h.bootstrap.split(","),
    logLevel: kafkajs.logLevel.NOTHING,
  });

async function produceAll(h: KafkaHandle, topic: string, lines: string[]) {
  // created first, with its leaders elected: producing into a topic being auto-created can duplicate a batch
  await ensureTopic(kafkaOf(h), { topic, partitions: PARTITIONS });
  const producer = kafkaOf(h).producer();
  await producer.connect();
  const chunk = 2000;
  for (let i = 0; i < lines.length; i += chunk) {
    await producer.send({
      topic,
      acks: -1,
      messages: lines.slice(i, i + chunk).map((value, j) => ({ partition: (i + j) % PARTITIONS, value })),
    });
  }
  await producer.disconnect();
}

async function until(what: string, check: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function rawConsume(h: KafkaHandle, topic: string, n: number, validate = false): Promise<number> {
  const consumer = kafkaOf(h).consumer({ groupId: uniqueName("raw"), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let count = 0;
  let started = 0;
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      if (started === 0) started = performance.now();
      if (validate)
        for (const m of batch.messages) if (m.value && !decode(m.value).ok) throw new Error("bad record");
      count += batch.messages.length;
    },
  });
  await until("raw consume", () => count >= n, 120_000);
  const ms = performance.now() - started;
  await consumer.disconnect();
  return ms;
}

async function rawPut(
  s3: S3Handle,
  client: S3Client,
  topic: string,
  lines: string[],
  flushSize: number,
): Promise<number> {
  const byPartition: string[][] = Array.from({ length: PARTITIONS }, () => []);
  for (const [i, l] of lines.entries()) byPartition[i % PARTITIONS]?.push(l);
  const started = performance.now();
  await Promise.all(
    byPartition.map(async (plines, partition) => {
      for (let off = 0; off < plines.length; off += flushSize) {
        const key = formatObjectKey({
          topic: `raw-${topic}`,
          encodedPartition: `partition=${partition}`,
          kafkaPartition: partition,
          startOffset: BigInt(off),
          compression: "none",
        });
        await client.send(
          new PutObjectCommand({
            Bucket: s3.bucket,
            Key: key,
            Body: encodeRecordLines(plines.slice(off, off + flushSize), "none"),
            ContentType: "application/json",
          }),
        );
      }
    }),
  );
  return performance.now() - started;
}

async function sinkRun(
  h: KafkaHandle,
  s3: S3Handle,
  client: S3Client,
  topic: string,
  n: number,
  flushSize: number,
): Promise<number> {
  const settings: SinkSettings = {
    ...defaultSinkSettings(),
    topics: [topic],
    bucket: s3.bucket,
    storeUrl: s3.endpoint,
    flushSize,
    rotateScheduleIntervalMs: -1,
    groupId: uniqueName("sink"),
  };
  const engine = createSinkEngine({
    kafka: kafkaOf(h),
    s3: client,
    settings,
    logger: silent,
    endpoint: s3.endpoint,
  });
  const running = engine.run();
  let started = 0;
  await until("first record", () => engine.stats().recordsIn > 0, 60_000);
  started = performance.now();
  await until("sink read", () => engine.stats().recordsIn >= n, 300_000);
  const readMs = performance.now() - started;
  await until("sink", () => engine.stats().recordsWritten >= n, 300_000);
  const ms = performance.now() - started;
  if (process.env.BENCH_DEBUG) console.error({ flushSize, readMs, ms });
  await engine.stop();
  await running;
  return ms;
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? "0");
  return kb / 1024;
}

async function rss64(h: KafkaHandle, s3: S3Handle, perPartition: number, bufferMaxBytes?: number) {
  const topics = Array.from({ length: 16 }, (_, i) => `${uniqueName("rss")}-${i}`);
  const lines = createFakeLog({ seed: 5 })
    .batch(perPartition * PARTITIONS)
    .map((r) => encode(r));
  for (const t of topics) await produceAll(h, t, lines);
  const main = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
  const args = [
    "--sink",
    "--topics",
    topics.join(","),
    "--group",
    uniqueName("rss"),
    "--flush-size",
    "10000",
    "--rotate-schedule-interval-ms",
    "3000",
    ...(bufferMaxBytes ? ["--buffer-max-bytes", String(bufferMaxBytes)] : []),
  ];
  const cli = spawnCli(main, args, {
    env: {
      KAFKA_BROKERS: h.bootstrap,
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      WEBLOG_LOG_LEVEL: "info",
    },
  });
  const total = topics.length * PARTITIONS * perPartition;
  const started = performance.now();
  // Progress logs every 5 s carry recordsWritten.
  const deadline = Date.now() + 180_000;
  let written = 0;
  while (written < total && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const matches = [...cli.stderr().matchAll(/"recordsWritten":(\d+)/g)];
    written = Number(matches.at(-1)?.[1] ?? 0);
    if (cli.child.exitCode !== null) throw new Error(`sink exited: ${cli.stderr().slice(-500)}`);
  }
  const ms = performance.now() - started;
  const peak = cli.pid ? peakRssMiB(cli.pid) : Number.NaN;
  cli.kill("SIGTERM");
  await cli.waitForExit(15_000);
  return { total, written, ms, peak };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function main() {
  const small = Number(process.env.BENCH_RECORDS_SMALL ?? 8000);
  const large = Number(process.env.BENCH_RECORDS_LARGE ?? 40_000);
  const perPartition = Number(process.env.BENCH_RSS_PER_PARTITION ?? 1000);
  const [h, s3] = await Promise.all([startKafka(), startS3()]);
  const client = s3.client();
  const rows: string[][] = [];
  try {
    for (const [flushSize, n] of [
      [10, small],
      [10_000, large],
    ] as const) {
      const topic = uniqueName("bench");
      const lines = createFakeLog({ seed: flushSize })
        .batch(n)
        .map((r) => encode(r));
      await produceAll(h, topic, lines);
      const consumeMs = await rawConsume(h, topic, n);
      const decodeMs = await rawConsume(h, topic, n, true);
      const putFirstMs = await rawPut(s3, client, topic, lines, flushSize);
      const sinkMs = await sinkRun(h, s3, client, topic, n, flushSize);
      // Raw PUT twice (before and after the sink, the machine is shared): the faster run is the baseline.
      const putMs = Math.min(putFirstMs, await rawPut(s3, client, `${topic}-again`, lines, flushSize));
      const rate = (ms: number) => n / (ms / 1000);
      const slower = Math.min(rate(consumeMs), rate(putMs));
      rows.push([
        String(flushSize),
        fmt(n),
        fmt(rate(consumeMs)),
        fmt(rate(putMs)),
        fmt(rate(decodeMs)),
        fmt(rate(sinkMs)),
        (rate(sinkMs) / slower).toFixed(2),
        rate(sinkMs) >= 0.75 * slower ? "yes" : "NO",
      ]);
    }
    const header = [
      "flush.size",
      "records",
      "raw consume rec/s",
      "raw PUT rec/s",
      "consume+decode rec/s (ref)",
      "sink rec/s",
      "sink/slower raw leg",
      ">= 0.75",
    ];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
    const line = (r: string[]) => `| ${r.map((c, i) => c.padStart(widths[i] ?? 0)).join(" | ")} |`;
    console.log(`\nS3 sink throughput (kafka: ${h.backend}, s3: ${s3.backend}, ${PARTITIONS} partitions)`);
    console.log(line(header));
    console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
    for (const r of rows) console.log(line(r));

    const baseline = process.memoryUsage().rss / 1024 / 1024;
    const capped = await rss64(h, s3, perPartition, 8 * 1024 * 1024);
    const uncapped = await rss64(h, s3, perPartition);
    console.log(
      `\nPeak RSS of the sink process, 64 partitions (16 topics x 4), flush.size 10000, ${perPartition} records/partition:`,
    );
    console.log("| buffer cap | records written | seconds | peak RSS MiB |");
    console.log("|---|---|---|---|");
    console.log(
      `| 64 MiB (default) | ${fmt(uncapped.written)}/${fmt(uncapped.total)} | ${(uncapped.ms / 1000).toFixed(1)} | ${uncapped.peak.toFixed(0)} |`,
    );
    console.log(
      `| 8 MiB | ${fmt(capped.written)}/${fmt(capped.total)} | ${(capped.ms / 1000).toFixed(1)} | ${capped.peak.toFixed(0)} |`,
    );
    console.log(`(this bench process, for scale: ${baseline.toFixed(0)} MiB RSS)`);
  } finally {
    await Promise.all([h.stop(), s3.stop()]);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
