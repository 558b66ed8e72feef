import { compareExactlyOnce, uniqueName, waitFor } from "@weblog/testkit";
import { useBrokerAndS3 } from "@weblog/testkit/vitest";
import { describe, expect, it } from "vitest";
import { produce, readObjects, startSink, testKafka, webLogLines } from "./helpers";

describe("memory cap and graceful stop (broker + S3)", () => {
  const env = useBrokerAndS3();

  it("--buffer-max-bytes: a huge flush.size cannot grow the buffer past the cap; objects are cut early, none lost", async () => {
    const topic = uniqueName("mem");
    const lines = webLogLines(240, 21);
    const messages = lines.map((value, i) => ({ partition: i % 4, value }));
    await produce(env.kafka.bootstrap, topic, messages);
    const cap = 8192;
    const group = uniqueName("g");
    const sinkArgs = (rotateMs: string) => [
      "--group",
      group,
      "--topics",
      topic,
      "--flush-size",
      "10000",
      "--rotate-schedule-interval-ms",
      rotateMs,
      "--buffer-max-bytes",
      String(cap),
    ];
    const sink = startSink(env.kafka, env.s3, sinkArgs("-1"));
    try {
      // Without the cap nothing would be uploaded before the stop (flush.size 10000, no rotation).
      await waitFor("objects cut by the cap", async () => {
        const got = await readObjects(env.s3.client(), env.s3.bucket, topic);
        return got.reduce((n, o) => n + o.lines.length, 0) >= 150 ? got : undefined;
      });
    } finally {
      sink.kill("SIGTERM");
    }
    expect((await sink.waitForExit(12_000)).code).toBe(0);
    // The stop uploaded and committed what it had fetched; it may not have fetched every record yet, so a second
    // sink in the same group (wall-clock rotation on, to upload the tail) picks up from the committed offsets.
    const again = startSink(env.kafka, env.s3, sinkArgs("1000"));
    try {
      await again.waitForOutput(/joined the group/, 30_000); // its SIGTERM handler is in place from here on
      await waitFor("every record in S3 after the restart", async () => {
        const got = await readObjects(env.s3.client(), env.s3.bucket, topic);
        return got.reduce((n, o) => n + o.lines.length, 0) >= lines.length ? got : undefined;
      });
    } finally {
      again.kill("SIGTERM");
    }
    expect((await again.waitForExit(12_000)).code).toBe(0);
    // Every record exactly once across the stop and restart, no object above the cap (plus one record).
    const objects = await readObjects(env.s3.client(), env.s3.bucket, topic);
    const expected = new Map<number, string[]>();
    for (const m of messages) expected.set(m.partition, [...(expected.get(m.partition) ?? []), m.value]);
    expect(compareExactlyOnce(objects, expected)).toEqual([]);
    for (const o of objects) {
      const bytes = o.lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
      expect(bytes).toBeLessThanOrEqual(cap + 400);
    }
    expect(objects.length).toBeGreaterThan(4);
  });

  it("SIGTERM uploads and commits what is buffered, then exits 0 within 10 s", async () => {
    const topic = uniqueName("term");
    const group = uniqueName("g");
    const lines = webLogLines(15, 22);
    await produce(
      env.kafka.bootstrap,
      topic,
      lines.map((value) => ({ partition: 2, value })),
    );
    // Nothing would be uploaded before the stop: flush.size 1000, wall clock 10 min.
    const sink = startSink(env.kafka, env.s3, [
      "--topics",
      topic,
      "--group",
      group,
      "--flush-size",
      "1000",
      "--rotate-schedule-interval-ms",
      "600000",
    ]);
    await sink.waitForOutput(/joined the group/, 30_000);
    // it has fetched the 15 records (its progress log says so) and, by its settings, uploaded none of them
    await sink.waitForOutput(/"recordsIn":15\b/, 30_000);
    expect(await readObjects(env.s3.client(), env.s3.bucket, topic)).toEqual([]);
    const stopAt = Date.now();
    sink.kill("SIGTERM");
    const res = await sink.waitForExit(12_000);
    expect(res.code).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(10_000);
    const objects = await readObjects(env.s3.client(), env.s3.bucket, topic);
    expect(objects.map((o) => o.key)).toEqual([`topics/${topic}/partition=2/${topic}+2+0000000000.json`]);
    expect(objects[0]?.lines).toEqual(lines);
    const admin = testKafka(env.kafka.bootstrap).admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      expect(offsets[0]?.partitions.find((p) => p.partition === 2)?.offset).toBe("15");
    } finally {
      await admin.disconnect();
    }
  });
});
