/**
 * A bucket written by the real sink with errors.tolerance=all and behavior.on.null.values=ignore (as in
 * infra/connect/s3-sink.json): bad records went to the dead-letter topic and tombstones were skipped, so their
 * offsets have no line in S3. The verifier must account for both (DLQ read from Kafka, tombstones read from Kafka),
 * in its first pass and in its second (commits ahead of the listing: a live sink uploaded during it).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createKafka, loadKafkaSettings } from "@weblog/kafka-client";
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
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { record, s3Env, VERIFIER } from "./fixtures";
import { type ProxiedRequest, type S3Proxy, startS3Proxy } from "./s3-proxy";

const CONSUMER = fileURLToPath(new URL("../../consumer/dist/main.js", import.meta.url));
const PARTITIONS = 2;

let kafka: KafkaHandle;
let s3: S3Handle;
let proxy: S3Proxy | undefined;
const dir = mkdtempSync(join(tmpdir(), "verifier-dlq-"));
/** Called on the proxy's first listing of the bucket, before it is answered. */
let onFirstList: (() => Promise<void>) | null = null;

beforeAll(async () => {
  [kafka, s3] = await Promise.all([startKafka(), startS3()]);
  proxy = await startS3Proxy(s3.endpoint, async (req: ProxiedRequest) => {
    if (req.kind !== "list" || !onFirstList) return;
    const hook = onFirstList;
    onFirstList = null;
    await hook();
  });
});
afterAll(async () => {
  await proxy?.stop();
  await Promise.all([kafka?.stop(), s3?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const client = () => createKafka(loadKafkaSettings({ env: {}, flags: { brokers: kafka.bootstrap } }));

/**
 * Per partition `good` valid records with `bad` non-JSON values and `tombstones` null values spread among them
 * (some inside what become objects, one at the very end). Returns the counts produced.
 */
async function produceMix(topic: string, seed: number, good: number, bad: number, tombstones: number) {
  const producer = client().producer();
  await producer.connect();
  try {
    for (let p = 0; p < PARTITIONS; p++) {
      const values: (string | null)[] = Array.from({ length: good }, (_, i) =>
        encode(record(i, seed * 10 + p)),
      );
      for (let b = 0; b < bad; b++)
        values.splice(Math.floor(((b + 0.5) * values.length) / bad), 0, `not json ${seed}/${p}/${b}`);
      for (let t = 0; t < tombstones - 1; t++)
        values.splice(Math.floor(((t + 0.3) * values.length) / tombstones), 0, null);
      values.push(null); // the partition ends in a tombstone
      for (let i = 0; i < values.length; i += 500) {
        await producer.send({
          topic,
          acks: -1,
          messages: values.slice(i, i + 500).map((value) => ({ partition: p, value })),
        });
      }
    }
  } finally {
    await producer.disconnect();
  }
  return { good: good * PARTITIONS, bad: bad * PARTITIONS, tombstones: tombstones * PARTITIONS };
}

/** Waits (bounded) until `group` committed every partition of `topic` up to its high watermark. */
async function waitCommitted(topic: string, group: string, timeoutMs: number): Promise<void> {
  const admin = client().admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      const highs = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      const done = highs.every(
        (h) => committed?.partitions.find((c) => c.partition === h.partition)?.offset === h.high,
      );
      if (done) return;
      last = JSON.stringify({ highs, committed });
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`group ${group} did not commit everything of ${topic} within ${timeoutMs} ms: ${last}`);
  } finally {
    await admin.disconnect();
  }
}

describe("dead-lettered records and ignored tombstones (real sink, errors.tolerance=all)", () => {
  it("are accounted for, in the first pass and after a top-up read of objects uploaded during the listing", {
    timeout: 180_000,
  }, async () => {
    const topic = uniqueName("vdt");
    const dlq = uniqueName("vdt-dlq");
    const group = uniqueName("vdt-g");
    const bucket = uniqueName("vdt");
    await s3.createBucket(bucket);
    const admin = client().admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          { topic, numPartitions: PARTITIONS },
          { topic: dlq, numPartitions: 1 },
        ],
      });
    } finally {
      await admin.disconnect();
    }
    // The shape of infra/connect/s3-sink.json, pointed at this test's topic, bucket and S3.
    const config = join(dir, `${topic}.json`);
    writeFileSync(
      config,
      JSON.stringify({
        name: "weblogs-s3-sink",
        config: {
          "connector.class": "io.confluent.connect.s3.S3SinkConnector",
          topics: topic,
          "s3.bucket.name": bucket,
          "s3.region": s3.region,
          "store.url": s3.endpoint,
          "s3.path.style.access.enabled": "true",
          "flush.size": "10",
          "rotate.schedule.interval.ms": "1000",
          "topics.dir": "topics",
          "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
          "partitioner.class": "io.confluent.connect.storage.partitioner.DefaultPartitioner",
          "behavior.on.null.values": "ignore",
          "errors.tolerance": "all",
          "errors.deadletterqueue.topic.name": dlq,
          "errors.deadletterqueue.context.headers.enable": "true",
        },
      }),
    );

    const first = await produceMix(topic, 1, 1000, 50, 8);
    const sink = spawnCli(
      CONSUMER,
      ["--sink", "--config", config, "--group", group, "--brokers", kafka.bootstrap],
      {
        env: s3Env(s3),
      },
    );
    let second = { good: 0, bad: 0, tombstones: 0 };
    try {
      await waitCommitted(topic, group, 90_000).catch((err: Error) => {
        throw new Error(`${err.message}; sink stderr: ${sink.stderr().slice(-1500)}`);
      });
      // While the verifier's first listing is in flight, the live sink uploads and commits more: the commits it
      // then reads are ahead of its listing, which makes it read the objects uploaded since (its second pass).
      onFirstList = async () => {
        second = await produceMix(topic, 2, 100, 5, 3);
        await waitCommitted(topic, group, 90_000);
      };
      const r = await runCli(
        VERIFIER,
        [
          ...["--config", config, "--endpoint", proxy?.endpoint ?? "", "--topic", topic],
          ...["--brokers", kafka.bootstrap, "--group", group, "--json"],
        ],
        { env: { ...s3Env(s3), WEBLOG_LOG_LEVEL: "info" }, timeoutMs: 150_000 },
      );
      expect(onFirstList).toBeNull(); // the listing was held while more was uploaded
      expect(r.stderr).toContain("committed offsets ahead of the listing"); // second pass
      const doc = JSON.parse(r.stdout);
      expect(doc.findings.map((f: { message: string }) => f.message)).toEqual([]);
      expect(r.code).toBe(0);
      const sum = (pick: (k: { deadLettered: number; tombstones: number }) => number) =>
        doc.partitions.reduce(
          (n: number, p: { kafka: { deadLettered: number; tombstones: number } }) => n + pick(p.kafka),
          0,
        );
      expect(doc.totals).toMatchObject({ records: first.good + second.good, missing: 0, lag: 0 });
      expect(sum((k) => k.deadLettered)).toBe(first.bad + second.bad);
      expect(sum((k) => k.tombstones)).toBe(first.tombstones + second.tombstones);
      expect(r.stderr).toContain("looking for tombstones"); // read from Kafka, not guessed
    } finally {
      onFirstList = null;
      sink.kill("SIGTERM");
      await sink.waitForExit(15_000);
    }
  });
});
