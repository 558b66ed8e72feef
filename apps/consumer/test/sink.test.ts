import { gunzipSync } from "node:zlib";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { uniqueName, waitFor } from "@weblog/testkit";
import { useBrokerAndS3 } from "@weblog/testkit/vitest";
import { describe, expect, it } from "vitest";
import { createTopic, produce, readObjects, startSink, testKafka, webLogLines } from "./helpers";

describe("consumer --sink (broker + S3)", () => {
  const env = useBrokerAndS3();

  it("cuts objects at flush.size, flushes the rest (and an idle partition) by wall clock, stops on SIGTERM", async () => {
    const topic = uniqueName("flush");
    const lines = webLogLines(28, 7);
    await produce(
      env.kafka.bootstrap,
      topic,
      lines.slice(0, 25).map((value) => ({ partition: 0, value })),
    );
    const interval = 2000;
    const group = uniqueName("g");
    const sink = startSink(env.kafka, env.s3, [
      "--topics",
      topic,
      "--group",
      group,
      "--flush-size",
      "10",
      "--rotate-schedule-interval-ms",
      String(interval),
    ]);
    try {
      const objects = await waitFor("25 records in S3", async () => {
        const got = await readObjects(env.s3.client(), env.s3.bucket, topic);
        return got.reduce((n, o) => n + o.lines.length, 0) >= 25 ? got : undefined;
      });
      expect(objects.map((o) => o.key)).toEqual([
        `topics/${topic}/partition=0/${topic}+0+0000000000.json`,
        `topics/${topic}/partition=0/${topic}+0+0000000010.json`,
        `topics/${topic}/partition=0/${topic}+0+0000000020.json`,
      ]);
      expect(objects.map((o) => o.lines.length)).toEqual([10, 10, 5]);
      expect(objects.flatMap((o) => o.lines)).toEqual(lines.slice(0, 25));

      // Idle partition: 3 records, then nothing: the wall clock uploads them with no further traffic (how soon is a
      // rule of rotation.ts, unit-tested in rotation.test.ts without a clock; no timing assertion here).
      await produce(
        env.kafka.bootstrap,
        topic,
        lines.slice(25).map((value) => ({ partition: 1, value })),
      );
      const idle = await waitFor("the idle partition's object", async () => {
        const got = (await readObjects(env.s3.client(), env.s3.bucket, topic)).filter(
          (o) => o.kafkaPartition === 1,
        );
        return got.length > 0 ? got : undefined;
      });
      expect(idle.map((o) => o.key)).toEqual([`topics/${topic}/partition=1/${topic}+1+0000000000.json`]);
      expect(idle[0]?.lines).toEqual(lines.slice(25));

      // The timer upload commits too, with no further traffic (lag tools see the idle partition caught up).
      const admin = testKafka(env.kafka.bootstrap).admin();
      await admin.connect();
      try {
        const committed = await waitFor("a commit on partition 1", async () => {
          const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
          const p1 = offsets[0]?.partitions.find((p) => p.partition === 1)?.offset;
          return p1 !== undefined && p1 !== "-1" ? p1 : undefined;
        });
        expect(committed).toBe("3");
      } finally {
        await admin.disconnect();
      }
    } finally {
      sink.kill("SIGTERM");
    }
    const res = await sink.waitForExit(12_000);
    expect(res.code).toBe(0);
    expect(res.durationMs).toBeGreaterThan(0);
  });

  it("rotate.interval.ms cuts by record time (Kafka timestamps), the stop uploads the tail", async () => {
    const topic = uniqueName("rot");
    const lines = webLogLines(6, 17);
    const t0 = Date.parse("2026-11-25T06:00:00Z");
    const times = [0, 100, 200, 1000, 1100, 2500];
    await createTopic(env.kafka.bootstrap, topic);
    const producer = testKafka(env.kafka.bootstrap).producer();
    await producer.connect();
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: lines.map((value, i) => ({
          partition: 0,
          value,
          timestamp: String(t0 + (times[i] as number)),
        })),
      });
    } finally {
      await producer.disconnect();
    }
    const sink = startSink(env.kafka, env.s3, [
      "--topics",
      topic,
      "--flush-size",
      "100",
      "--rotate-interval-ms",
      "1000",
      "--rotate-schedule-interval-ms",
      "-1",
    ]);
    try {
      await waitFor("two record-time cuts", async () => {
        const got = await readObjects(env.s3.client(), env.s3.bucket, topic);
        return got.length >= 2 ? got : undefined;
      });
    } finally {
      sink.kill("SIGTERM");
    }
    expect((await sink.waitForExit(12_000)).code).toBe(0);
    const objects = await readObjects(env.s3.client(), env.s3.bucket, topic);
    // 0,100,200 | 1000,1100 | 2500 (cut when a record is >= 1000 ms past the object's first record).
    expect(objects.map((o) => [Number(o.startOffset), o.lines.length])).toEqual([
      [0, 3],
      [3, 2],
      [5, 1],
    ]);
    expect(objects.flatMap((o) => o.lines)).toEqual(lines);
  });

  it("time partitioner on the record's own timestamp, gzip: keys, directories and a gunzip round trip", async () => {
    const topic = uniqueName("time");
    const lines = webLogLines(40, 3); // 06:00:00 .. 06:00:01 log time
    await produce(
      env.kafka.bootstrap,
      topic,
      lines.map((value, i) => ({ partition: i % 2, value })),
    );
    const sink = startSink(env.kafka, env.s3, [
      "--topics",
      topic,
      "--flush-size",
      "15",
      "--rotate-schedule-interval-ms",
      "1000",
      "--compression",
      "gzip",
      "--partitioner",
      "time",
      "--timestamp-extractor",
      "RecordField",
      "--timestamp-field",
      "timestamp",
      "--path-format",
      "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH",
      "--partition-duration-ms",
      "3600000",
    ]);
    try {
      const objects = await waitFor("40 records in S3", async () => {
        const got = await readObjects(env.s3.client(), env.s3.bucket, topic);
        return got.reduce((n, o) => n + o.lines.length, 0) >= 40 ? got : undefined;
      });
      const dir = `topics/${topic}/year=2026/month=11/day=25/hour=06`;
      expect(objects.map((o) => o.key)).toEqual([
        `${dir}/${topic}+0+0000000000.json.gz`,
        `${dir}/${topic}+0+0000000015.json.gz`,
        `${dir}/${topic}+1+0000000000.json.gz`,
        `${dir}/${topic}+1+0000000015.json.gz`,
      ]);
      expect(objects.map((o) => o.lines.length)).toEqual([15, 5, 15, 5]);
      const raw = await env.s3
        .client()
        .send(new GetObjectCommand({ Bucket: env.s3.bucket, Key: objects[0]?.key }));
      const text = gunzipSync(
        Buffer.from(
          await (raw.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
        ),
      ).toString();
      expect(text).toBe(
        `${lines
          .filter((_, i) => i % 2 === 0)
          .slice(0, 15)
          .join("\n")}\n`,
      );
    } catch (err) {
      console.error(sink.stderr().slice(-3000));
      throw err;
    } finally {
      sink.kill("SIGTERM");
    }
    expect((await sink.waitForExit(12_000)).code).toBe(0);
  });

  it("field partitioner: one directory per value, every record once", async () => {
    const topic = uniqueName("field");
    const lines = webLogLines(60, 11);
    await produce(
      env.kafka.bootstrap,
      topic,
      lines.map((value) => ({ partition: 0, value })),
    );
    const sink = startSink(env.kafka, env.s3, [
      "--topics",
      topic,
      "--flush-size",
      "1000",
      "--rotate-schedule-interval-ms",
      "1000",
      "--partitioner",
      "field",
      "--partition-field",
      "method",
    ]);
    try {
      const objects = await waitFor("60 records in S3", async () => {
        const got = await readObjects(env.s3.client(), env.s3.bucket, topic);
        return got.reduce((n, o) => n + o.lines.length, 0) >= 60 ? got : undefined;
      });
      const byMethod = new Map<string, string[]>();
      for (const line of lines) {
        const m = (JSON.parse(line) as { method: string }).method;
        byMethod.set(m, [...(byMethod.get(m) ?? []), line]);
      }
      expect(objects.map((o) => o.encodedPartition).sort()).toEqual(
        [...byMethod.keys()].map((m) => `method=${m}`).sort(),
      );
      for (const o of objects) {
        const method = o.encodedPartition.slice("method=".length);
        expect(o.lines).toEqual(byMethod.get(method));
        // Start offset = the offset of the object's first record.
        expect(Number(o.startOffset)).toBe(lines.indexOf(o.lines[0] as string));
      }
    } catch (err) {
      console.error(sink.stderr().slice(-3000));
      throw err;
    } finally {
      sink.kill("SIGTERM");
    }
    expect((await sink.waitForExit(12_000)).code).toBe(0);
  });
});
