import { parseArgs } from "node:util";
/**
 * The bench's bare legs, each measured on the same records / objects as the sink in the same run: producing a
 * topic, a bare kafkajs consume, and bare PutObjects of the sink's objects at a fixed concurrency.
 */
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ensureTopic } from "@weblog/kafka-client";
import { decode, quickAccept } from "@weblog/log-schema";
import { encodeRecordLines, formatObjectKey } from "@weblog/sink-contract";
import type { KafkaHandle, S3Handle } from "@weblog/testkit";
import kafkajs from "kafkajs";
import type { DecodePool } from "./decode-pool";

export const PARTITIONS = 4;
export const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as const;
export const uid = () => Math.random().toString(36).slice(2, 10);

export const kafkaOf = (h: KafkaHandle) =>
  new kafkajs.Kafka({
    clientId: "bench",
    brokers: h.bootstrap.split(","),
    logLevel: kafkajs.logLevel.NOTHING,
  });

/** An S3 client for `endpoint` (the latency proxy) with the handle's credentials. */
export function clientVia(s3: Pick<S3Handle, "region" | "credentials">, endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: s3.region,
    credentials: s3.credentials,
    forcePathStyle: true,
  });
}

export async function produceAll(h: KafkaHandle, topic: string, lines: string[], partitions = PARTITIONS) {
  // created first, with its leaders elected: producing into a topic being auto-created can duplicate a batch
  await ensureTopic(kafkaOf(h), { topic, partitions });
  const producer = kafkaOf(h).producer();
  await producer.connect();
  const chunk = 2000;
  for (let i = 0; i < lines.length; i += chunk) {
    await producer.send({
      topic,
      acks: -1,
      messages: lines.slice(i, i + chunk).map((value, j) => ({ partition: (i + j) % partitions, value })),
    });
  }
  await producer.disconnect();
}

export async function until(what: string, check: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * How a raw consume treats each record: `bare` nothing; `decode-bytes` log-schema decode of the bytes;
 * `decode` the sink's path before quickAccept (toString + decode); `quick` the sink's path now (toString +
 * quickAccept, else decode); a DecodePool: the batch's values checked on worker threads.
 */
export type ConsumeMode = "bare" | "decode-bytes" | "decode" | "quick" | DecodePool;

function checkOnLoop(mode: "decode-bytes" | "decode" | "quick", messages: { value: Buffer | null }[]) {
  for (const m of messages) {
    if (!m.value) continue;
    const ok =
      mode === "decode-bytes"
        ? decode(m.value).ok
        : mode === "decode"
          ? decode(m.value.toString("utf8")).ok
          : quickAccept(m.value.toString("utf8")) || decode(m.value.toString("utf8")).ok;
    if (!ok) throw new Error("bad record");
  }
}

/** Bare kafkajs group consume of `n` records, each checked as `mode` says (the sink's CPU floor). */
export async function rawConsume(
  h: KafkaHandle,
  topic: string,
  n: number,
  mode: ConsumeMode = "bare",
): Promise<number> {
  const consumer = kafkaOf(h).consumer({ groupId: `raw-${uid()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let count = 0;
  let started = 0;
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      if (started === 0) started = performance.now();
      if (typeof mode === "object") {
        const values = batch.messages.flatMap((m) => (m.value ? [m.value] : []));
        const verdicts = await mode.check(values);
        if (verdicts.includes(0)) throw new Error("bad record");
      } else if (mode !== "bare") checkOnLoop(mode, batch.messages);
      count += batch.messages.length;
    },
  });
  await until("raw consume", () => count >= n, 120_000);
  const ms = performance.now() - started;
  await consumer.disconnect();
  return ms;
}

/** The sink's objects for `lines` produced round-robin over PARTITIONS: flushSize records each, per partition. */
export function objectsOf(prefix: string, lines: string[], flushSize: number) {
  const byPartition: string[][] = Array.from({ length: PARTITIONS }, () => []);
  for (const [i, l] of lines.entries()) byPartition[i % PARTITIONS]?.push(l);
  const objects: { key: string; lines: string[] }[] = [];
  for (const [partition, plines] of byPartition.entries()) {
    for (let off = 0; off < plines.length; off += flushSize) {
      const key = formatObjectKey({
        topic: prefix,
        encodedPartition: `partition=${partition}`,
        kafkaPartition: partition,
        startOffset: BigInt(off),
        compression: "none",
      });
      objects.push({ key, lines: plines.slice(off, off + flushSize) });
    }
  }
  return objects;
}

/** Bare PutObjects of `objects` with `concurrency` PUTs in flight (bodies encoded as the sink does, inside the timing). */
export async function rawPut(
  client: S3Client,
  bucket: string,
  objects: { key: string; lines: string[] }[],
  concurrency: number,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < objects.length; i = next++) {
      const o = objects[i] as { key: string; lines: string[] };
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: o.key,
          Body: encodeRecordLines(o.lines, "none"),
          ContentType: "application/json",
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - started;
}

/**
 * The S3 latency every bench leg runs behind: `--s3-latency-ms` (env WEBLOG_BENCH_S3_LATENCY_MS), default 25 ms,
 * 0 = loopback. Tolerant of other flags: `pnpm bench -- <flags>` hands the same flags to every package's bench.
 */
export function latencyMs(): number {
  const { values } = parseArgs({ options: { "s3-latency-ms": { type: "string" } }, strict: false });
  const raw = values["s3-latency-ms"] ?? process.env.WEBLOG_BENCH_S3_LATENCY_MS ?? "25";
  const n = Number(raw);
  if (typeof raw !== "string" || !Number.isInteger(n) || n < 0) {
    console.error(`--s3-latency-ms '${String(raw)}': give a whole number of milliseconds (0 = none)`);
    process.exit(2);
  }
  return n;
}
