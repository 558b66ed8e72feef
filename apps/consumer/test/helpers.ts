import { fileURLToPath } from "node:url";
import type { S3Client } from "@aws-sdk/client-s3";
import { createFakeLog } from "@weblog/fake-log";
import { ensureTopic } from "@weblog/kafka-client";
import { encode } from "@weblog/log-schema";
import { listSinkObjects, readRecordsFromObject } from "@weblog/s3";
import type { CliHandle, KafkaHandle, S3Handle } from "@weblog/testkit";
import { runCli, spawnCli, uniqueName } from "@weblog/testkit";
import kafkajs from "kafkajs";

export const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** A quiet kafkajs client for tests (real broker; producing and reading back only). */
export function testKafka(bootstrap: string) {
  return new kafkajs.Kafka({
    clientId: "consumer-test",
    brokers: bootstrap.split(","),
    logLevel: kafkajs.logLevel.NOTHING,
  });
}

export interface Produced {
  partition: number;
  value: string | null;
  key?: string;
  headers?: Record<string, string>;
}

/** Partitions of the topics tests create (the sink tests spread records over partitions 0-3). */
export const TEST_PARTITIONS = 4;
const created = new Set<string>();

/**
 * Creates `topic` with `partitions` partitions (CreateTopics, waiting for leaders) unless this process already did.
 * Producing into a topic that a broker auto-creates races its leader elections: kafkajs (idempotence off) may then
 * retry a request that was in fact written, and the topic holds those records twice.
 */
export async function createTopic(
  bootstrap: string,
  topic: string,
  partitions = TEST_PARTITIONS,
): Promise<void> {
  const key = `${bootstrap}/${topic}`;
  if (created.has(key)) return;
  await ensureTopic(testKafka(bootstrap), { topic, partitions });
  created.add(key);
}

/** Produces `messages` (acks=all) in order, each to its given partition, into a topic created first if needed. */
export async function produce(bootstrap: string, topic: string, messages: Produced[]): Promise<void> {
  await createTopic(bootstrap, topic);
  // Idempotent: a produce retried under load (a partition's answer timed out after the broker appended it) must not
  // put a batch into Kafka twice, or the ledger, and every exactly-once comparison against it, would be wrong.
  const producer = testKafka(bootstrap).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const chunk = 500;
    for (let i = 0; i < messages.length; i += chunk) {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.slice(i, i + chunk).map((m) => ({
          partition: m.partition,
          value: m.value,
          key: m.key ?? null,
          ...(m.headers ? { headers: m.headers } : {}),
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** n valid web-log JSON lines (deterministic by seed). */
export function webLogLines(n: number, seed = 1): string[] {
  return createFakeLog({ seed, startTime: "2026-11-25T06:00:00Z" })
    .batch(n)
    .map((r) => encode(r));
}

export interface StoredObject {
  key: string;
  kafkaPartition: number;
  encodedPartition: string;
  startOffset: bigint;
  lines: string[];
}

export async function readObjects(
  client: S3Client,
  bucket: string,
  topic: string,
  topicsDir = "topics",
): Promise<StoredObject[]> {
  const out: StoredObject[] = [];
  for await (const o of listSinkObjects(client, bucket, `${topicsDir}/${topic}/`)) {
    if (!o.parts) throw new Error(`bad key ${o.key}: ${o.reason}`);
    out.push({
      key: o.key,
      kafkaPartition: o.parts.kafkaPartition,
      encodedPartition: o.parts.encodedPartition,
      startOffset: o.parts.startOffset,
      lines: await readRecordsFromObject(client, bucket, o.key),
    });
  }
  return out.sort((a, b) => a.kafkaPartition - b.kafkaPartition || Number(a.startOffset - b.startOffset));
}

export function sinkEnv(kafka: KafkaHandle, s3: S3Handle, extra: Record<string, string | undefined> = {}) {
  return {
    KAFKA_BROKERS: kafka.bootstrap,
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: s3.bucket,
    S3_REGION: s3.region,
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    WEBLOG_LOG_LEVEL: "info",
    ...extra,
  };
}

/**
 * Starts `consumer --sink`. Each test gets its own consumer group unless it passes --group: a killed member keeps
 * its slot until its session times out, which would stall the next test's join.
 */
export function startSink(
  kafka: KafkaHandle,
  s3: S3Handle,
  args: string[],
  extra: Record<string, string | undefined> = {},
): CliHandle {
  const group = args.includes("--group") ? [] : ["--group", uniqueName("sink")];
  return spawnCli(MAIN, ["--sink", ...group, ...args], { env: sinkEnv(kafka, s3, extra) });
}

/**
 * An independent check of the same claim: the multiset of every line in S3 for the topic equals the multiset of
 * lines produced (no order, no partition, no key parsing: a line twice or missing shows up whatever its object).
 */
export function compareMultiset(objects: StoredObject[], expected: Map<number, string[]>): string[] {
  const count = new Map<string, number>();
  for (const lines of expected.values()) for (const l of lines) count.set(l, (count.get(l) ?? 0) + 1);
  for (const o of objects) for (const l of o.lines) count.set(l, (count.get(l) ?? 0) - 1);
  const off = [...count.entries()].filter(([, n]) => n !== 0);
  const missing = off.filter(([, n]) => n > 0).reduce((s, [, n]) => s + n, 0);
  const extra = off.filter(([, n]) => n < 0).reduce((s, [, n]) => s - n, 0);
  return off.length === 0 ? [] : [`multiset: ${missing} produced lines missing, ${extra} extra lines in S3`];
}

const VERIFIER = fileURLToPath(new URL("../../s3-verifier/dist/main.js", import.meta.url));

/** The s3-verifier against S3 and the group's commits: its JSON totals (exit 0 = everything holds). */
export async function runVerifier(
  kafka: KafkaHandle,
  s3: S3Handle,
  topic: string,
  group: string,
  extra: string[] = [],
) {
  const args = [
    "--bucket",
    s3.bucket,
    "--endpoint",
    s3.endpoint,
    "--topic",
    topic,
    "--brokers",
    kafka.bootstrap,
  ];
  const result = await runCli(VERIFIER, [...args, "--group", group, ...extra, "--json"], {
    env: sinkEnv(kafka, s3),
    timeoutMs: 60_000,
  });
  const report = JSON.parse(result.stdout || "{}") as {
    ok?: boolean;
    verdict?: string;
    totals?: { missing: number | null; duplicateRecords: number; records: number };
  };
  return { code: result.code, report, stderr: result.stderr };
}
