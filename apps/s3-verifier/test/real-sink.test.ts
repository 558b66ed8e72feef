import { fileURLToPath } from "node:url";
import { encode } from "@weblog/log-schema";
import {
  type KafkaHandle,
  produceWithKcat,
  runCli,
  type S3Handle,
  spawnCli,
  startKafka,
  startS3,
  uniqueName,
} from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { record, s3Env, VERIFIER } from "./fixtures";

const CONSUMER = fileURLToPath(new URL("../../consumer/dist/main.js", import.meta.url));
const RECORDS = 1000;

let kafka: KafkaHandle;
let s3: S3Handle;

beforeAll(async () => {
  [kafka, s3] = await Promise.all([startKafka(), startS3()]);
});
afterAll(async () => {
  await Promise.all([kafka?.stop(), s3?.stop()]);
});

/** Runs the verifier until it says every record Kafka holds is in S3 (--max-lag 0), bounded. */
async function waitLanded(
  bucket: string,
  topic: string,
  timeoutMs: number,
  extra: readonly string[],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const r = await runCli(
      VERIFIER,
      ["--bucket", bucket, "--topic", topic, "--brokers", kafka.bootstrap, "--max-lag", "0", ...extra],
      {
        env: s3Env(s3),
        timeoutMs: 30_000,
      },
    );
    if (r.code === 0) return;
    last = r.stdout.trim().split("\n").at(-1) ?? r.stderr;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the sink did not deliver everything within ${timeoutMs} ms: ${last}`);
}

describe("a bucket written by the real consumer sink (apps/consumer)", () => {
  const cases = [
    { name: "s3.compression.type none", compression: "none", args: [], bad: 0 },
    { name: "s3.compression.type gzip", compression: "gzip", args: [], bad: 0 },
    {
      name: "FieldPartitioner on status_code",
      compression: "none",
      args: ["--partitioner", "field", "--partition-field", "status_code"],
      bad: 0,
    },
    {
      name: "bad records sent to the dead-letter topic",
      compression: "none",
      args: ["--errors-tolerance", "all"],
      bad: 7,
    },
  ] as const;
  for (const { name, compression, args, bad } of cases) {
    it(`passes with correct counts (${name})`, { timeout: 120_000 }, async () => {
      const topic = uniqueName("t");
      const group = uniqueName("g");
      const bucket = uniqueName("vs");
      await s3.createBucket(bucket);
      // `bad` of them are not JSON: the sink sends those to its dead-letter topic, leaving holes in S3's offsets.
      const lines = Array.from(
        { length: RECORDS },
        (_, i) => `k${i % 37}\t${i % 97 === 5 && i / 97 < bad ? `not json ${i}` : encode(record(i, 11))}`,
      );
      const dlq = uniqueName("dlq");
      const dlqArgs = bad > 0 ? ["--dlq-topic", dlq] : [];
      const good = RECORDS - bad;
      await produceWithKcat({ bootstrap: kafka.bootstrap, topic, lines, keyDelimiter: "\t" });

      const env = { ...s3Env(s3), KAFKA_BROKERS: kafka.bootstrap };
      const sink = spawnCli(
        CONSUMER,
        [
          "--sink",
          ...["--brokers", kafka.bootstrap, "--group", group, "--topics", topic],
          ...["--bucket", bucket, "--store-url", s3.endpoint, "--compression", compression],
          ...["--flush-size", "10", "--rotate-schedule-interval-ms", "1000"],
          ...args,
          ...dlqArgs,
        ],
        { env },
      );
      try {
        await waitLanded(bucket, topic, 60_000, dlqArgs).catch((err: Error) => {
          throw new Error(`${err.message}; sink stderr: ${sink.stderr().slice(-1500)}`);
        });
      } finally {
        sink.kill("SIGTERM"); // the sink commits what it uploaded when it stops
        await sink.waitForExit(15_000);
      }

      const r = await runCli(
        VERIFIER,
        [
          ...["--bucket", bucket, "--topic", topic, "--brokers", kafka.bootstrap, "--group", group],
          ...["--flush-size", "10", "--expect-count", String(good), "--json"],
          ...dlqArgs,
        ],
        { env: s3Env(s3), timeoutMs: 60_000 },
      );
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.ok).toBe(true);
      expect(doc.totals).toMatchObject({
        records: good,
        invalidRecords: 0,
        duplicateRecords: 0,
        lag: 0,
        missing: 0,
      });
      expect(doc.totals.objects).toBeGreaterThanOrEqual(good / 10);
      const deadLettered = doc.partitions.reduce(
        (n: number, p: { kafka: { deadLettered: number } }) => n + p.kafka.deadLettered,
        0,
      );
      expect(deadLettered).toBe(bad);
      if (bad > 0) {
        // Without the dead-letter topic the same bucket shows the holes as committed records missing from S3.
        const blind = await runCli(
          VERIFIER,
          ["--bucket", bucket, "--topic", topic, "--brokers", kafka.bootstrap, "--group", group, "--json"],
          { env: s3Env(s3), timeoutMs: 60_000 },
        );
        expect(blind.code).toBe(1);
        expect(JSON.parse(blind.stdout).totals.missing).toBe(bad);
      }
      const interleaved = doc.notes.some((n: { kind: string }) => n.kind === "interleaved-partitioner");
      expect(interleaved).toBe(name.startsWith("FieldPartitioner"));
      const ext = compression === "gzip" ? ".json.gz" : ".json";
      expect(doc.partitions.every((p: { maxRecordsPerObject: number }) => p.maxRecordsPerObject <= 10)).toBe(
        true,
      );
      expect(doc.partitions.reduce((n: number, p: { records: number }) => n + p.records, 0)).toBe(good);
      expect(
        doc.partitions.every(
          (p: { kafka: { committed: number; high: number } }) => p.kafka.committed === p.kafka.high,
        ),
      ).toBe(true);
      // The readable report agrees (without Kafka, dead-lettered holes would be gaps: give it the DLQ).
      const withDlq = bad > 0 ? ["--brokers", kafka.bootstrap, ...dlqArgs] : [];
      const text = await runCli(VERIFIER, ["--bucket", bucket, "--topic", topic, ...withDlq], {
        env: s3Env(s3),
        timeoutMs: 60_000,
      });
      expect(text.code).toBe(0);
      expect(text.stdout.trim().split("\n").at(-1)).toMatch(new RegExp(`^OK: ${good} records in`));
      expect(ext === ".json.gz" ? doc.totals.bytes < RECORDS * 150 : doc.totals.bytes > RECORDS * 150).toBe(
        true,
      );
    });
  }
});
