import { uniqueName, waitFor } from "@weblog/testkit";
import { useBrokerAndS3 } from "@weblog/testkit/vitest";
import type { KafkaMessage } from "kafkajs";
import { describe, expect, it } from "vitest";
import { produce, readObjects, startSink, testKafka, webLogLines } from "./helpers";

async function readAll(bootstrap: string, topic: string, count: number): Promise<KafkaMessage[]> {
  const consumer = testKafka(bootstrap).consumer({ groupId: uniqueName("reader"), maxWaitTimeInMs: 200 });
  const got: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        got.push(message);
      },
    });
    await waitFor(
      `${count} messages on ${topic}`,
      async () => (got.length >= count ? true : undefined),
      30_000,
    );
  } finally {
    await consumer.disconnect();
  }
  return got;
}

describe("bad records, tombstones (broker + S3)", () => {
  const env = useBrokerAndS3();

  it("errors.tolerance=all: bad records and tombstones go to the DLQ with Connect-style headers; good ones to S3", async () => {
    const topic = uniqueName("dlq");
    const dlqTopic = uniqueName("dlq-out");
    const good = webLogLines(12, 5);
    const input = [
      { partition: 0, value: good[0] as string },
      { partition: 0, value: "this is not json" },
      { partition: 0, value: good[1] as string },
      { partition: 0, value: '{"ip":"1.2.3.4"}' },
      { partition: 0, value: null, key: "tomb" },
      ...good.slice(2).map((value) => ({ partition: 0, value })),
    ];
    await produce(env.kafka.bootstrap, topic, input);
    const sink = startSink(env.kafka, env.s3, [
      "--topics",
      topic,
      "--flush-size",
      "5",
      "--rotate-schedule-interval-ms",
      "1000",
      "--errors-tolerance",
      "all",
      "--dlq-topic",
      dlqTopic,
      "--behavior-on-null-values",
      "fail",
    ]);
    try {
      const objects = await waitFor("12 good records in S3", async () => {
        const got = await readObjects(env.s3.client(), env.s3.bucket, topic);
        return got.reduce((n, o) => n + o.lines.length, 0) >= 12 ? got : undefined;
      });
      expect(objects.flatMap((o) => o.lines)).toEqual(good);
      // Start offsets are Kafka offsets: the bad records (1, 3, 4) take offsets but no lines.
      expect(objects.map((o) => Number(o.startOffset))).toEqual([0, 8, 13]);
      const h = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();
      // The DLQ topic has several partitions: order by the original offset.
      const dead = (await readAll(env.kafka.bootstrap, dlqTopic, 3)).sort(
        (a, b) => Number(h(a, "__connect.errors.offset")) - Number(h(b, "__connect.errors.offset")),
      );
      expect(dead).toHaveLength(3);
      expect(dead.map((m) => m.value?.toString() ?? null)).toEqual([
        "this is not json",
        '{"ip":"1.2.3.4"}',
        null,
      ]);
      expect(dead.map((m) => h(m, "__connect.errors.offset"))).toEqual(["1", "3", "4"]);
      expect(dead.map((m) => h(m, "weblog.errors.reason"))).toEqual([
        "NOT_JSON",
        "INVALID_FIELDS",
        "NULL_VALUE",
      ]);
      for (const m of dead) {
        expect(h(m, "__connect.errors.topic")).toBe(topic);
        expect(h(m, "__connect.errors.partition")).toBe("0");
        expect(h(m, "__connect.errors.exception.message")).toMatch(/\S/);
      }
      expect(dead[2]?.key?.toString()).toBe("tomb");
      expect(h(dead[1] as KafkaMessage, "weblog.errors.issues")).toMatch(/method|timestamp|url/);
    } finally {
      sink.kill("SIGTERM");
    }
    const res = await sink.waitForExit(12_000);
    expect(res.code).toBe(0);
    // Each rejected record is logged: where and why, never its value.
    const rejected = res.stderr
      .split("\n")
      .filter((l) => l.includes("record rejected"))
      .map((l) => JSON.parse(l) as { topic: string; partition: number; offset: string; reason: string });
    // (A re-read after a group hiccup rejects a record again: the DLQ is at-least-once, so is its log line.)
    const distinct = [
      ...new Set(rejected.map((r) => JSON.stringify([r.topic, r.partition, r.offset, r.reason]))),
    ];
    expect(distinct.map((r) => JSON.parse(r))).toEqual([
      [topic, 0, "1", "NOT_JSON"],
      [topic, 0, "3", "INVALID_FIELDS"],
      [topic, 0, "4", "NULL_VALUE"],
    ]);
    expect(res.stderr).not.toContain("this is not json");
    expect(res.stderr).not.toContain("1.2.3.4");
  });

  it("skipped tail: a partition whose last records went to the DLQ gets their offset committed (lag reaches 0)", async () => {
    const topic = uniqueName("tail");
    const group = uniqueName("g");
    const good = webLogLines(2, 21);
    await produce(env.kafka.bootstrap, topic, [
      { partition: 0, value: good[0] as string },
      { partition: 0, value: good[1] as string },
    ]);
    const sink = startSink(env.kafka, env.s3, [
      "--topics",
      topic,
      "--group",
      group,
      "--flush-size",
      "100",
      "--rotate-schedule-interval-ms",
      "500",
      "--errors-tolerance",
      "all",
      "--dlq-topic",
      uniqueName("tail-dlq"),
    ]);
    const admin = testKafka(env.kafka.bootstrap).admin();
    await admin.connect();
    try {
      const objects = await waitFor("2 good records in S3", async () => {
        const got = await readObjects(env.s3.client(), env.s3.bucket, topic);
        return got.reduce((n, o) => n + o.lines.length, 0) >= 2 ? got : undefined;
      });
      expect(objects.flatMap((o) => o.lines)).toEqual(good);
      // Then only bad records (offsets 2 and 3), and no traffic after them: no object will ever carry their
      // offsets, yet the group must get past them.
      await produce(env.kafka.bootstrap, topic, [
        { partition: 0, value: "not json" },
        { partition: 0, value: "{also broken" },
      ]);
      const committed = await waitFor(
        "committed offset 4",
        async () => {
          const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
          const o = offsets[0]?.partitions.find((p) => p.partition === 0)?.offset;
          return o === "4" ? o : undefined;
        },
        15_000,
      );
      expect(committed).toBe("4");
    } finally {
      await admin.disconnect();
      sink.kill("SIGTERM");
    }
    expect((await sink.waitForExit(12_000)).code).toBe(0);
  });

  it("errors.tolerance=none: stops with one clear line, exit 1, and commits nothing past the bad record", async () => {
    const topic = uniqueName("none");
    const good = webLogLines(8, 9);
    await produce(env.kafka.bootstrap, topic, [
      ...good.slice(0, 5).map((value) => ({ partition: 0, value })),
      { partition: 0, value: "{broken" },
      ...good.slice(5).map((value) => ({ partition: 0, value })),
    ]);
    const group = uniqueName("g");
    const args = [
      "--topics",
      topic,
      "--group",
      group,
      "--flush-size",
      "2",
      "--rotate-schedule-interval-ms",
      "60000",
    ];
    const sink = startSink(env.kafka, env.s3, args);
    const res = await sink.waitForExit(45_000);
    expect(res.code).toBe(1);
    const errorLines = res.stderr.split("\n").filter((l) => l.startsWith("consumer: "));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(new RegExp(`${topic}/0@5 \\(NOT_JSON`));
    expect(errorLines[0]).toMatch(/--errors-tolerance all/);
    const objects = await readObjects(env.s3.client(), env.s3.bucket, topic);
    expect(objects.flatMap((o) => o.lines)).toEqual(good.slice(0, 5));
    // Committed offset = the bad record's: a restart reads it again (and stops again).
    const admin = testKafka(env.kafka.bootstrap).admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      expect(offsets[0]?.partitions.find((p) => p.partition === 0)?.offset).toBe("5");
    } finally {
      await admin.disconnect();
    }
  });

  it("behavior.on.null.values=ignore skips tombstones; write stores them as null lines", async () => {
    const topic = uniqueName("nulls");
    const good = webLogLines(3, 13);
    await produce(env.kafka.bootstrap, topic, [
      { partition: 0, value: good[0] as string },
      { partition: 0, value: null },
      { partition: 0, value: good[1] as string },
      { partition: 1, value: null },
      { partition: 1, value: good[2] as string },
    ]);
    const sink = startSink(env.kafka, env.s3, [
      "--topics",
      topic,
      "--flush-size",
      "100",
      "--rotate-schedule-interval-ms",
      "800",
      "--behavior-on-null-values",
      "ignore",
    ]);
    try {
      const objects = await waitFor("3 records in S3", async () => {
        const got = await readObjects(env.s3.client(), env.s3.bucket, topic);
        return got.reduce((n, o) => n + o.lines.length, 0) >= 3 ? got : undefined;
      });
      expect(objects.map((o) => [o.kafkaPartition, Number(o.startOffset), o.lines])).toEqual([
        [0, 0, [good[0], good[1]]],
        [1, 1, [good[2]]],
      ]);
    } finally {
      sink.kill("SIGTERM");
    }
    expect((await sink.waitForExit(12_000)).code).toBe(0);

    const topic2 = uniqueName("nullw");
    await produce(env.kafka.bootstrap, topic2, [
      { partition: 0, value: good[0] as string },
      { partition: 0, value: null },
    ]);
    const writer = startSink(env.kafka, env.s3, [
      "--topics",
      topic2,
      "--flush-size",
      "2",
      "--behavior-on-null-values",
      "write",
    ]);
    try {
      const objects = await waitFor("2 lines in S3", async () => {
        const got = await readObjects(env.s3.client(), env.s3.bucket, topic2);
        return got.length > 0 ? got : undefined;
      });
      expect(objects[0]?.lines).toEqual([good[0], "null"]);
    } finally {
      writer.kill("SIGTERM");
    }
    expect((await writer.waitForExit(12_000)).code).toBe(0);
  });
});
