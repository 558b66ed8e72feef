/**
 * The sink against S3 servers that are not quite S3, and S3 that stops answering: a real HTTP gateway (testkit's
 * `startS3Gateway`) in front of the real S3 server answers ListMultipartUploads with 501 NotImplemented, as s3rver
 * and some gateways do; the sink talks HTTP to it like to any endpoint (nothing of the SDK is mocked).
 */
import {
  refuseListMultipartUploads,
  type S3Handle,
  startS3,
  startS3Gateway,
  uniqueName,
  waitFor,
} from "@weblog/testkit";
import { useBrokerAndS3 } from "@weblog/testkit/vitest";
import { describe, expect, it } from "vitest";
import { compareMultiset, createTopic, produce, readObjects, startSink, webLogLines } from "./helpers";

const linesIn = async (s3: S3Handle, bucket: string, topic: string) =>
  (await readObjects(s3.client(), bucket, topic)).reduce((n, o) => n + o.lines.length, 0);

describe("S3 servers without an operation, S3 that stops answering (broker + S3)", () => {
  const env = useBrokerAndS3();

  // Issue 25, item 8: explainS3Error called the 501 a retriable server error; the sink retried for ever, wrote
  // nothing and logged nothing, even at debug level.
  it("an S3 answering ListMultipartUploads with 501: one warning, and the sink carries on (every record in S3)", async () => {
    const gateway = await startS3Gateway({ target: env.s3.endpoint, refuse: refuseListMultipartUploads });
    const topic = uniqueName("no-mpu-list");
    const lines = webLogLines(40, 41);
    const sink = startSink(
      env.kafka,
      env.s3,
      ["--topics", topic, "--flush-size", "10", "--rotate-schedule-interval-ms", "1000"],
      { S3_ENDPOINT: gateway.endpoint },
    );
    try {
      await produce(
        env.kafka.bootstrap,
        topic,
        lines.map((value, i) => ({ partition: i % 4, value })),
      );
      await waitFor(
        "40 records in S3",
        async () => ((await linesIn(env.s3, env.s3.bucket, topic)) >= 40 ? true : undefined),
        60_000,
      );
      const objects = await readObjects(env.s3.client(), env.s3.bucket, topic);
      const expected = new Map<number, string[]>();
      for (const [i, l] of lines.entries()) expected.set(i % 4, [...(expected.get(i % 4) ?? []), l]);
      expect(compareMultiset(objects, expected)).toEqual([]);
      expect(gateway.refused).toBeGreaterThanOrEqual(1);
    } finally {
      sink.kill("SIGTERM");
    }
    const res = await sink.waitForExit(15_000);
    await gateway.close();
    expect(res.code).toBe(0);
    const warnings = res.stderr.split("\n").filter((l) => l.includes("no ListMultipartUploads on this S3"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/does not implement this request \(NotImplemented, HTTP 501\)/);
  }, 120_000);

  // Issue 25, item 8: "every retry loop logs at least once per minute what it is waiting for". The leftovers
  // listing, the first request for a partition, retried S3 down in silence.
  it("S3 down when a partition's first batch lists its leftovers: the wait is logged; the records land after", async () => {
    const s3 = await startS3({ dedicated: true }); // a server this test takes down
    const topic = uniqueName("mpu-wait");
    const lines = webLogLines(8, 43);
    await createTopic(env.kafka.bootstrap, topic); // the sink needs its topic at start
    const sink = startSink(env.kafka, s3, [
      "--topics",
      topic,
      "--flush-size",
      "4",
      "--rotate-schedule-interval-ms",
      "60000",
    ]);
    try {
      await sink.waitForOutput(/sink running/, 60_000);
      await s3.pause();
      await produce(
        env.kafka.bootstrap,
        topic,
        lines.map((value) => ({ partition: 0, value })),
      );
      await sink.waitForOutput(
        /listing or aborting incomplete multipart uploads failed; the partition waits for S3, retrying/,
        60_000,
      );
      await s3.resume();
      await waitFor(
        "8 records in S3",
        async () => ((await linesIn(s3, s3.bucket, topic)) >= 8 ? true : undefined),
        60_000,
      );
      expect((await readObjects(s3.client(), s3.bucket, topic)).flatMap((o) => o.lines)).toEqual(lines);
    } finally {
      sink.kill("SIGTERM");
      await s3.resume().catch(() => {});
    }
    expect((await sink.waitForExit(20_000)).code).toBe(0);
    await s3.stop();
  }, 180_000);

  // Issue 25, item 9: a bucket deleted mid-run got the message of a bucket missing at start ("does not exist ...:
  // create it"), which hides that what the sink committed to it may be gone.
  it("a bucket deleted while the sink runs: its own line (vanished while running, committed objects may be gone), exit 2", async () => {
    const bucket = uniqueName("vanishing");
    await env.s3.createBucket(bucket);
    const topic = uniqueName("vanish");
    const lines = webLogLines(8, 45);
    await createTopic(env.kafka.bootstrap, topic);
    const sink = startSink(
      env.kafka,
      env.s3,
      ["--topics", topic, "--flush-size", "4", "--rotate-schedule-interval-ms", "60000"],
      { S3_BUCKET: bucket },
    );
    const c = env.s3.client();
    await produce(
      env.kafka.bootstrap,
      topic,
      lines.slice(0, 4).map((value) => ({ partition: 0, value })),
    );
    const first = await waitFor("the first object", async () => {
      const got = await readObjects(c, bucket, topic);
      return got.length > 0 ? got : undefined;
    });
    // The sink is idle (its one object committed); the bucket goes away, then more records come.
    const { DeleteBucketCommand, DeleteObjectCommand } = await import("@aws-sdk/client-s3");
    for (const o of first) await c.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.key }));
    await c.send(new DeleteBucketCommand({ Bucket: bucket }));
    await produce(
      env.kafka.bootstrap,
      topic,
      lines.slice(4).map((value) => ({ partition: 0, value })),
    );
    const res = await sink.waitForExit(60_000);
    expect(res.code).toBe(2);
    const errorLines = res.stderr.split("\n").filter((l) => l.startsWith("consumer: "));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(new RegExp(`bucket '${bucket}' .*vanished while the sink was running`));
    expect(errorLines[0]).toMatch(/objects already committed to it may be gone/);
  }, 120_000);
});
