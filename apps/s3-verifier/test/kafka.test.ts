import { createKafka, loadKafkaSettings } from "@weblog/kafka-client";
import { encode } from "@weblog/log-schema";
import {
  type KafkaHandle,
  produceWithKcat,
  readTopicWithKcat,
  runCli,
  type S3Handle,
  startKafka,
  startS3,
  uniqueName,
} from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confluentKey, type PlantedObject, putAll, record, s3Env, VERIFIER } from "./fixtures";

let kafka: KafkaHandle;
let s3: S3Handle;

beforeAll(async () => {
  [kafka, s3] = await Promise.all([startKafka(), startS3()]);
});
afterAll(async () => {
  await Promise.all([kafka?.stop(), s3?.stop()]);
});

/** Produces `n` records keyed across partitions and reads them back with their real partitions and offsets. */
async function produce(topic: string, n: number) {
  const lines = Array.from({ length: n }, (_, i) => `k${i}\t${encode(record(i, 7))}`);
  await produceWithKcat({ bootstrap: kafka.bootstrap, topic, lines, keyDelimiter: "\t" });
  const messages = await readTopicWithKcat({
    bootstrap: kafka.bootstrap,
    topic,
    count: n,
    timeoutMs: 20_000,
  });
  expect(messages).toHaveLength(n);
  const byPartition = new Map<number, { offset: number; value: string }[]>();
  for (const m of messages) {
    const list = byPartition.get(m.partition) ?? [];
    list.push({ offset: m.offset, value: m.value ?? "" });
    byPartition.set(m.partition, list);
  }
  for (const list of byPartition.values()) list.sort((a, b) => a.offset - b.offset);
  return byPartition;
}

/** What a sink would write with flush.size 3: consecutive runs of 3 records per partition. */
function objectsOf(
  topic: string,
  byPartition: Map<number, { offset: number; value: string }[]>,
): PlantedObject[] {
  const out: PlantedObject[] = [];
  for (const [partition, list] of byPartition) {
    for (let i = 0; i < list.length; i += 3) {
      const chunk = list.slice(i, i + 3);
      out.push({
        key: confluentKey(topic, partition, chunk[0]?.offset ?? 0),
        lines: chunk.map((m) => m.value),
      });
    }
  }
  return out;
}

/** Commits `offsets` for `group` the way a sink does: a group member consumes the topic, then commits. */
async function commit(group: string, topic: string, offsets: Map<number, number>, expected: number) {
  const client = createKafka(loadKafkaSettings({ env: {}, flags: { brokers: kafka.bootstrap } }));
  const consumer = client.consumer({ groupId: group });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachMessage: async () => {
          seen += 1;
          if (seen === expected) resolve();
        },
      });
    });
    await Promise.race([
      done,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`consumed ${seen}`)), 30_000)),
    ]);
    await consumer.commitOffsets(
      [...offsets].map(([partition, offset]) => ({ topic, partition, offset: String(offset) })),
    );
  } finally {
    await consumer.disconnect();
  }
}

async function bucketWith(objects: PlantedObject[]): Promise<string> {
  const bucket = uniqueName("vk");
  await s3.createBucket(bucket);
  await putAll(s3.client(), bucket, objects);
  return bucket;
}

const verify = (args: string[]) =>
  runCli(VERIFIER, [...args, "--brokers", kafka.bootstrap, "--json"], { env: s3Env(s3), timeoutMs: 60_000 });

describe("s3-verifier compared with Kafka (watermarks and the sink group's committed offsets)", () => {
  it("passes when S3 holds everything the group committed, and names committed-but-missing records as loss", async () => {
    const topic = uniqueName("t");
    const group = uniqueName("g");
    const byPartition = await produce(topic, 40);
    const ends = new Map([...byPartition].map(([p, list]) => [p, (list.at(-1)?.offset ?? -1) + 1]));
    await commit(group, topic, ends, 40);
    const objects = objectsOf(topic, byPartition);

    const clean = await verify(["--bucket", await bucketWith(objects), "--topic", topic, "--group", group]);
    expect(clean.stderr).toBe("");
    expect(clean.code).toBe(0);
    const doc = JSON.parse(clean.stdout);
    expect(doc.totals).toMatchObject({ records: 40, lag: 0, missing: 0 });
    for (const p of doc.partitions) expect(p.kafka.committed).toBe(p.kafka.high);

    // Drop the last object of the busiest partition: its records were committed, so they are lost.
    const [busiest] = [...byPartition].sort((a, b) => b[1].length - a[1].length)[0] ?? [];
    const last = objects.filter((o) => o.key.includes(`+${busiest}+`)).at(-1);
    const lossy = await verify([
      "--bucket",
      await bucketWith(objects.filter((o) => o !== last)),
      "--topic",
      topic,
      "--group",
      group,
    ]);
    expect(lossy.code).toBe(1);
    const lost = JSON.parse(lossy.stdout);
    expect(lost.findings.map((f: { kind: string }) => f.kind)).toEqual(["committed-but-missing"]);
    expect(lost.findings[0]).toMatchObject({ partition: busiest, count: last?.lines.length });
    expect(lost.verdict).toMatch(/^FAIL: 1 discrepancy \(1 committed-but-missing\)/);
  });

  it("reports records not yet delivered as lag (exit 0), and --max-lag turns it into a failure", async () => {
    const topic = uniqueName("t");
    const byPartition = await produce(topic, 24);
    const objects = objectsOf(topic, byPartition);
    const partial = objects.slice(0, -1); // the newest object of one partition not uploaded yet, nothing committed
    const bucket = await bucketWith(partial);
    const r = await verify(["--bucket", bucket, "--topic", topic]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.totals.lag).toBe(objects.at(-1)?.lines.length);
    expect(doc.totals.missing).toBe(0);
    const limited = await verify(["--bucket", bucket, "--topic", topic, "--max-lag", "0"]);
    expect(limited.code).toBe(1);
    expect(JSON.parse(limited.stdout).findings[0].kind).toBe("lag-over-limit");
  });

  it("exits 2 with one line when the brokers are unreachable", async () => {
    const bucket = await bucketWith([]);
    const r = await runCli(VERIFIER, ["--bucket", bucket, "--brokers", "127.0.0.1:9"], {
      env: s3Env(s3),
      timeoutMs: 60_000,
    });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("127.0.0.1:9");
  });
});
