/**
 * The sink with `--s3-part-size 5242880` and objects of ~5.6 MiB (flush.size 24,000 records of ~245 bytes): the
 * objects go up as multipart uploads and complete, every record once; and a kill -9 after a part is stored leaves
 * no visible partial object, the restart aborts the leftover upload, the verifier finds 0 missing / 0 duplicates.
 * Against the shared stack's broker and S3 (or the ones startKafka/startS3 start).
 */
import { HeadObjectCommand, ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { compareExactlyOnce, uniqueName, waitFor } from "@weblog/testkit";
import { useBrokerAndS3 } from "@weblog/testkit/vitest";
import { describe, expect, it } from "vitest";
import {
  compareMultiset,
  createTopic,
  produce,
  readObjects,
  runVerifier,
  startSink,
  webLogLines,
} from "./helpers";

const FAST_GROUP = { WEBLOG_SINK_SESSION_TIMEOUT_MS: "6000" };
const PART = 5 * 1024 * 1024;
const FLUSH = 24_000; // ~5.6 MiB of JSON lines: two parts
const RECORDS = 2 * FLUSH + 1_500; // two multipart objects, and a small rest cut at shutdown

describe("multipart uploads in the sink (broker + S3)", () => {
  const env = useBrokerAndS3();

  async function setUp() {
    const topic = uniqueName("big");
    await createTopic(env.kafka.bootstrap, topic, 1);
    const lines = webLogLines(RECORDS, 7);
    await produce(
      env.kafka.bootstrap,
      topic,
      lines.map((value) => ({ partition: 0, value })),
    );
    const group = uniqueName("g");
    const args = [
      "--topics",
      topic,
      "--group",
      group,
      "--flush-size",
      String(FLUSH),
      "--rotate-schedule-interval-ms",
      "-1",
      "--s3-part-size",
      String(PART),
    ];
    return { topic, group, args, expected: new Map([[0, lines]]) };
  }
  const incomplete = async (topic: string) =>
    (
      await env.s3
        .client()
        .send(new ListMultipartUploadsCommand({ Bucket: env.s3.bucket, Prefix: `topics/${topic}/` }))
    ).Uploads ?? [];
  const recordsIn = async (topic: string) =>
    (await readObjects(env.s3.client(), env.s3.bucket, topic)).reduce((n, o) => n + o.lines.length, 0);

  it("objects above the part size complete as multipart uploads; records intact; the verifier passes", async () => {
    const { topic, group, args, expected } = await setUp();
    const sink = startSink(env.kafka, env.s3, args, FAST_GROUP);
    try {
      await waitFor(
        "two big objects",
        async () => ((await recordsIn(topic)) >= 2 * FLUSH ? true : undefined),
        90_000,
      );
    } finally {
      sink.kill("SIGTERM");
    }
    expect((await sink.waitForExit(30_000)).code).toBe(0);
    const objects = await readObjects(env.s3.client(), env.s3.bucket, topic);
    expect(objects.map((o) => o.lines.length)).toEqual([FLUSH, FLUSH, RECORDS - 2 * FLUSH]);
    for (const o of objects.slice(0, 2)) {
      const head = await env.s3.client().send(new HeadObjectCommand({ Bucket: env.s3.bucket, Key: o.key }));
      expect(head.ContentLength ?? 0).toBeGreaterThan(PART);
      expect(head.Metadata?.["weblog-records"]).toBe(String(FLUSH));
      expect(head.ETag, "a multipart ETag names its part count").toMatch(/-2"$/);
    }
    const rest = objects[2]?.key as string;
    const small = await env.s3.client().send(new HeadObjectCommand({ Bucket: env.s3.bucket, Key: rest }));
    expect(small.ETag, "below the part size: one PutObject").not.toMatch(/-\d+"$/);
    expect(compareExactlyOnce(objects, expected)).toEqual([]);
    expect(compareMultiset(objects, expected)).toEqual([]);
    expect(await incomplete(topic)).toEqual([]);
    const verified = await runVerifier(env.kafka, env.s3, topic, group);
    expect(verified.report.verdict, verified.stderr).toMatch(/^OK/);
    expect(verified.report.totals).toMatchObject({ missing: 0, duplicateRecords: 0, records: RECORDS });
  }, 180_000);

  it("kill -9 mid multipart upload: no visible partial object; the restart aborts the leftover; every record exactly once", async () => {
    const { topic, group, args, expected } = await setUp();
    const first = startSink(env.kafka, env.s3, args, {
      ...FAST_GROUP,
      WEBLOG_SINK_CRASH_AT: "mid-multipart-upload:1",
    });
    const crashed = await first.waitForExit(90_000);
    expect(crashed.signal).toBe("SIGKILL");
    expect(crashed.stderr).toMatch(/crash hook: SIGKILL at mid-multipart-upload/);
    // What the crash left: an incomplete upload (a stored part), and no object that is not whole.
    expect((await incomplete(topic)).length).toBeGreaterThanOrEqual(1);
    for (const o of await readObjects(env.s3.client(), env.s3.bucket, topic))
      expect(o.lines.length).toBe(FLUSH);

    const second = startSink(env.kafka, env.s3, args, FAST_GROUP);
    try {
      await second.waitForOutput(/aborted incomplete multipart uploads left by a crash/, 30_000);
      await waitFor(
        "two big objects",
        async () => ((await recordsIn(topic)) >= 2 * FLUSH ? true : undefined),
        90_000,
      );
    } finally {
      second.kill("SIGTERM");
    }
    expect((await second.waitForExit(30_000)).code).toBe(0);
    const objects = await readObjects(env.s3.client(), env.s3.bucket, topic);
    expect(compareExactlyOnce(objects, expected)).toEqual([]);
    expect(compareMultiset(objects, expected)).toEqual([]);
    expect(await incomplete(topic)).toEqual([]);
    const verified = await runVerifier(env.kafka, env.s3, topic, group);
    expect(verified.report.verdict, verified.stderr).toMatch(/^OK/);
    expect(verified.code).toBe(0);
    expect(verified.report.totals).toMatchObject({ missing: 0, duplicateRecords: 0, records: RECORDS });
  }, 240_000);
});
