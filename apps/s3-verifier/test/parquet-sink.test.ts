/**
 * format.class=ParquetFormat end to end: the real sink (apps/consumer) writes typed Parquet, killed with kill -9
 * between an upload and its commit and restarted; then DuckDB, a second Parquet implementation, reads every object
 * (exact column types, rows = the records Kafka holds) and the verifier passes on the bucket.
 */
import { fileURLToPath } from "node:url";
import { ensureTopic } from "@weblog/kafka-client";
import { encode } from "@weblog/log-schema";
import {
  type KafkaHandle,
  runCli,
  type S3Handle,
  spawnCli,
  startKafka,
  startS3,
  uniqueName,
} from "@weblog/testkit";
import kafkajs from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readParquetBucket } from "./duckdb-reader";
import { record, s3Env, VERIFIER } from "./fixtures";

const CONSUMER = fileURLToPath(new URL("../../consumer/dist/main.js", import.meta.url));
const PARTITIONS = 4;

let kafka: KafkaHandle;
let s3: S3Handle;

beforeAll(async () => {
  [kafka, s3] = await Promise.all([startKafka(), startS3()]);
});
afterAll(async () => {
  await Promise.all([kafka?.stop(), s3?.stop()]);
});

const client = () =>
  new kafkajs.Kafka({
    clientId: "pq-test",
    brokers: kafka.bootstrap.split(","),
    logLevel: kafkajs.logLevel.NOTHING,
  });

/** `count` valid records round-robin over the partitions of a topic created with PARTITIONS partitions. */
async function produce(topic: string, count: number, seed: number): Promise<void> {
  await ensureTopic(client(), { topic, partitions: PARTITIONS });
  const producer = client().producer();
  await producer.connect();
  try {
    const messages = Array.from({ length: count }, (_, i) => ({
      partition: i % PARTITIONS,
      value: encode(record(i, seed)),
    }));
    for (let i = 0; i < messages.length; i += 500)
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
  } finally {
    await producer.disconnect();
  }
}

/** The verifier's findings in one line each (for a failure message). */
function summarize(stdout: string): string {
  try {
    const doc = JSON.parse(stdout) as { findings?: { message?: string }[] };
    return (doc.findings ?? [])
      .map((f) => f.message)
      .join(" | ")
      .slice(0, 1500);
  } catch {
    return stdout.slice(-600);
  }
}

/** Runs the verifier until everything Kafka holds is in S3 and committed (exit 0), bounded. */
async function verifyUntilOk(args: string[], timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const r = await runCli(VERIFIER, [...args, "--max-lag", "0", "--json"], {
      env: s3Env(s3),
      timeoutMs: 30_000,
    });
    if (r.code === 0) return JSON.parse(r.stdout);
    last = r.stderr || summarize(r.stdout);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`verifier never passed within ${timeoutMs} ms: ${last}`);
}

const EXPECTED_TYPES = {
  ip: ["VARCHAR"],
  timestamp: ["TIMESTAMP WITH TIME ZONE"],
  method: ["VARCHAR"],
  url: ["VARCHAR"],
  status_code: ["INTEGER"],
  user_agent: ["VARCHAR"],
};

describe("format.class=ParquetFormat with the real sink", () => {
  const cases = [
    { codec: undefined, ext: ".snappy.parquet", duck: "SNAPPY", crash: true },
    { codec: "gzip", ext: ".gz.parquet", duck: "GZIP", crash: false },
    { codec: "zstd", ext: ".zstd.parquet", duck: "ZSTD", crash: false },
    { codec: "none", ext: ".parquet", duck: "UNCOMPRESSED", crash: false },
  ] as const;
  for (const { codec, ext, duck, crash } of cases) {
    const title = `${codec ?? "default (snappy)"}${crash ? ", kill -9 between upload and commit, restart" : ""}`;
    it(`parquet.codec ${title}: DuckDB reads every object, typed, rows = records in Kafka; the verifier passes`, {
      timeout: 150_000,
    }, async () => {
      const topic = uniqueName("pq");
      const group = uniqueName("g");
      const bucket = uniqueName("pq");
      await s3.createBucket(bucket);
      const count = crash ? 600 : 200;
      await produce(topic, count, 21);
      const args = [
        "--sink",
        ...["--brokers", kafka.bootstrap, "--group", group, "--topics", topic],
        ...["--bucket", bucket, "--store-url", s3.endpoint, "--format", "parquet"],
        ...(codec ? ["--parquet-codec", codec] : []),
        ...["--flush-size", "25", "--rotate-schedule-interval-ms", "1000"],
      ];
      const env = { ...s3Env(s3), KAFKA_BROKERS: kafka.bootstrap, WEBLOG_SINK_SESSION_TIMEOUT_MS: "6000" };
      if (crash) {
        const first = spawnCli(CONSUMER, args, {
          env: { ...env, WEBLOG_SINK_CRASH_AT: "after-upload-before-commit:3" },
        });
        const crashed = await first.waitForExit(60_000);
        expect(crashed.signal).toBe("SIGKILL");
        expect(crashed.stderr).toMatch(/crash hook: SIGKILL/);
        await produce(topic, 100, 22); // more records after the crash, read by the restarted sink
      }
      const total = count + (crash ? 100 : 0);
      const sink = spawnCli(CONSUMER, args, { env });
      let doc: Record<string, unknown>;
      try {
        doc = await verifyUntilOk(
          ["--bucket", bucket, "--topic", topic, "--brokers", kafka.bootstrap, "--group", group],
          90_000,
        ).catch((err: Error) => {
          throw new Error(`${err.message}; sink stderr: ${sink.stderr().slice(-1500)}`);
        });
      } finally {
        sink.kill("SIGTERM");
        await sink.waitForExit(15_000);
      }
      expect(doc.ok).toBe(true);
      expect(doc.totals).toMatchObject({
        records: total,
        invalidRecords: 0,
        duplicateRecords: 0,
        missing: 0,
      });

      const read = await readParquetBucket(s3.client(), bucket, `topics/${topic}/`);
      expect(read.keys.length).toBeGreaterThanOrEqual(total / 25);
      for (const key of read.keys) expect(key.endsWith(ext) && !key.endsWith(`.${ext}`)).toBe(true);
      expect(read.types).toEqual(EXPECTED_TYPES);
      expect(read.codecs).toEqual([duck]);
      expect(read.footer.timestamp).toEqual([
        expect.stringMatching(/^INT64 TimestampType\(isAdjustedToUTC=1, unit=TimeUnit\(MILLIS=/),
      ]);
      expect(read.footer.status_code).toEqual(["INT32 -"]);
      expect(read.rows).toBe(total);
      expect(read.rowsPerKey.size).toBe(read.keys.length);
      expect([...read.rowsPerKey.values()].every((n) => n >= 1 && n <= 25)).toBe(true);

      // The readable verdict agrees, against Kafka's committed offsets.
      const text = await runCli(
        VERIFIER,
        [
          "--bucket",
          bucket,
          "--topic",
          topic,
          "--brokers",
          kafka.bootstrap,
          "--group",
          group,
          "--flush-size",
          "25",
        ],
        { env: s3Env(s3), timeoutMs: 60_000 },
      );
      expect(text.code).toBe(0);
      expect(text.stdout.trim().split("\n").at(-1)).toMatch(new RegExp(`^OK: ${total} records in`));
    });
  }
});
