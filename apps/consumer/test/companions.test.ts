/**
 * store.kafka.keys / store.kafka.headers (a Confluent 10.x connector JSON): every object gets its companion objects
 * `<stem>.keys.json` / `<stem>.headers.json` beside it (Confluent's KeyValueHeaderRecordWriterProvider layout), one
 * line per record in the value object's order, equal to what Kafka holds; a record without a key is a bad record
 * (the DLQ with errors.tolerance=all), as in Confluent. Real broker and S3.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DeleteObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { putRecordLines, readRecordsFromObject } from "@weblog/s3";
import { loadConnectorConfig, toConnectorConfig } from "@weblog/sink-contract";
import {
  type KafkaHandle,
  runCli,
  type S3Handle,
  startKafka,
  startS3,
  uniqueName,
  waitFor,
} from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTopic, produce, readObjects, runVerifier, sinkEnv, startSink, webLogLines } from "./helpers";

const VERIFIER = fileURLToPath(new URL("../../s3-verifier/dist/main.js", import.meta.url));

const JSON_FORMAT = "io.confluent.connect.s3.format.json.JsonFormat";

describe("store.kafka.keys / store.kafka.headers: companion objects (broker + S3)", () => {
  let kafka: KafkaHandle;
  let s3: S3Handle;
  let dir: string;
  beforeAll(async () => {
    [kafka, s3] = await Promise.all([startKafka(), startS3()]);
    dir = mkdtempSync(join(tmpdir(), "weblog-companions-"));
  });
  afterAll(async () => {
    await Promise.all([kafka?.stop(), s3?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const connectorFile = (topic: string, extra: Record<string, string> = {}) => {
    const path = join(dir, `${uniqueName("c")}.json`);
    const config = {
      "connector.class": "io.confluent.connect.s3.S3SinkConnector",
      topics: topic,
      "s3.bucket.name": s3.bucket,
      "store.url": s3.endpoint,
      "flush.size": "5",
      "rotate.schedule.interval.ms": "-1",
      "format.class": JSON_FORMAT,
      "store.kafka.keys": "true",
      "keys.format.class": JSON_FORMAT,
      "store.kafka.headers": "true",
      "headers.format.class": JSON_FORMAT,
      "errors.tolerance": "all",
      "errors.deadletterqueue.topic.name": `${topic}-dlq`,
      ...extra,
    };
    writeFileSync(path, JSON.stringify({ name: uniqueName("s3-sink"), config }));
    return path;
  };

  it("writes each object's keys and headers beside it, line for line; a record without a key goes to the DLQ", async () => {
    const topic = uniqueName("companions");
    await createTopic(kafka.bootstrap, topic, 1);
    await createTopic(kafka.bootstrap, `${topic}-dlq`, 1);
    const lines = webLogLines(11, 5);
    // offset 5 has no key: Confluent's "Key cannot be null" (a bad record); the other 10 make two objects
    const messages = lines.map((value, i) => ({
      partition: 0,
      value,
      ...(i === 5 ? {} : { key: `ip-${i}` }),
      headers: { source: `edge-${i % 3}`, "trace-id": `t${i}` },
    }));
    await produce(kafka.bootstrap, topic, messages);
    const sink = startSink(kafka, s3, ["--config", connectorFile(topic)]);
    try {
      const objects = await waitFor(
        "two objects of 5 records",
        async () => {
          const o = await readObjects(s3.client(), s3.bucket, topic);
          return o.length === 2 && o.every((x) => x.lines.length === 5) ? o : undefined;
        },
        60_000,
      );
      const kept = messages.filter((_, i) => i !== 5);
      expect(objects.flatMap((o) => o.lines)).toEqual(kept.map((m) => m.value));
      const client = s3.client();
      for (const [i, o] of objects.entries()) {
        const stem = o.key.slice(0, -".json".length);
        const keys = await readRecordsFromObject(client, s3.bucket, `${stem}.keys.json`);
        const headers = await readRecordsFromObject(client, s3.bucket, `${stem}.headers.json`);
        const mine = kept.slice(i * 5, i * 5 + 5);
        expect(keys).toEqual(mine.map((m) => JSON.stringify(m.key)));
        expect(headers.map((h) => JSON.parse(h))).toEqual(
          mine.map((m) => ({
            headers: [
              { key: "source", value: m.headers.source },
              { key: "trace-id", value: m.headers["trace-id"] },
            ],
          })),
        );
      }
      await sink.waitForOutput(/record rejected.*NULL_KEY|NULL_KEY.*dead-letter/, 30_000);
    } finally {
      sink.kill("SIGTERM");
      await sink.waitForExit(30_000).catch(() => undefined);
    }
  });

  it("the Connect JSON written back for Confluent runs our sink; the verifier reads the companions back: OK when every object's keys and headers equal Kafka's; a deleted companion or a changed key fails it (exit 1)", async () => {
    const topic = uniqueName("companions");
    const group = uniqueName("sink");
    await createTopic(kafka.bootstrap, topic, 2);
    const lines = webLogLines(20, 9);
    await produce(
      kafka.bootstrap,
      topic,
      lines.map((value, i) => ({ partition: i % 2, value, key: `k${i}`, headers: { n: String(i) } })),
    );
    // the connector JSON as write-back makes it for Confluent's sink (converters included): our sink runs it as is
    const written = toConnectorConfig(loadConnectorConfig(connectorFile(topic)).settings);
    expect(written).toMatchObject({
      "store.kafka.keys": "true",
      "store.kafka.headers": "true",
      "keys.format.class": JSON_FORMAT,
      "header.converter": "org.apache.kafka.connect.storage.StringConverter",
    });
    const config = join(dir, `${uniqueName("written")}.json`);
    writeFileSync(config, JSON.stringify({ name: uniqueName("s3-sink"), config: written }));
    const sink = startSink(kafka, s3, ["--config", config, "--group", group]);
    try {
      await waitFor(
        "four objects of 5 records",
        async () => {
          const o = await readObjects(s3.client(), s3.bucket, topic);
          return o.length === 4 ? o : undefined;
        },
        60_000,
      );
    } finally {
      sink.kill("SIGTERM");
      await sink.waitForExit(30_000).catch(() => undefined);
    }
    // detected from the listing (no flag) and asked for with --keys --headers: the same verdict
    for (const extra of [[], ["--keys", "--headers"]]) {
      const ok = await runVerifier(kafka, s3, topic, group, extra);
      expect(ok.code, ok.stderr).toBe(0);
    }
    const client = s3.client();
    const objects = await readObjects(client, s3.bucket, topic);
    const first = (objects[0] as { key: string }).key.slice(0, -".json".length);
    // a key that is not Kafka's: found record by record
    const keys = await readRecordsFromObject(client, s3.bucket, `${first}.keys.json`);
    await putRecordLines(
      client,
      s3.bucket,
      `${first}.keys.json`,
      [JSON.stringify("not-kafkas"), ...keys.slice(1)],
      "none",
    );
    const changed = await runVerifier(kafka, s3, topic, group);
    expect(changed.code).toBe(1);
    expect(changed.report.verdict).toMatch(/1 companion-mismatch/);
    // a companion gone: named, exit 1
    await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `${first}.headers.json` }));
    const missing = await runCli(
      VERIFIER,
      ["--bucket", s3.bucket, "--endpoint", s3.endpoint, "--topic", topic],
      {
        env: sinkEnv(kafka, s3),
        timeoutMs: 60_000,
      },
    );
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(`[companion-missing] ${first}.json has no headers companion`);
  });

  it("kill -9 between an object's companions and the object, restart: every object once with its companions, the verifier OK", async () => {
    const topic = uniqueName("companions");
    const group = uniqueName("sink");
    await createTopic(kafka.bootstrap, topic, 1);
    const lines = webLogLines(20, 13);
    await produce(
      kafka.bootstrap,
      topic,
      lines.map((value, i) => ({ partition: 0, value, key: `k${i}`, headers: { n: String(i) } })),
    );
    const args = ["--config", connectorFile(topic), "--group", group];
    const fast = { WEBLOG_SINK_SESSION_TIMEOUT_MS: "6000" };
    const first = startSink(kafka, s3, args, { ...fast, WEBLOG_SINK_CRASH_AT: "after-companions:2" });
    const crashed = await first.waitForExit(60_000);
    expect(crashed.signal).toBe("SIGKILL");
    // the crash left companions whose value object is not there: a note, nothing counted
    const client = s3.client();
    const listed = await client.send(
      new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `topics/${topic}/` }),
    );
    const keys = (listed.Contents ?? []).map((o) => o.Key as string);
    const orphans = keys.filter(
      (k) => k.endsWith(".keys.json") && !keys.includes(k.replace(/\.keys\.json$/, ".json")),
    );
    expect(orphans.length).toBeGreaterThan(0);
    const between = await runVerifier(kafka, s3, topic, group);
    expect(between.code, between.stderr).toBe(0);
    const second = startSink(kafka, s3, args, fast);
    try {
      await waitFor(
        "four objects of 5 records",
        async () => {
          const o = await readObjects(client, s3.bucket, topic);
          return o.length === 4 ? o : undefined;
        },
        60_000,
      );
    } finally {
      second.kill("SIGTERM");
      await second.waitForExit(30_000).catch(() => undefined);
    }
    const after = await runCli(
      VERIFIER,
      ["--bucket", s3.bucket, "--endpoint", s3.endpoint, "--topic", topic, "--brokers", kafka.bootstrap],
      { env: sinkEnv(kafka, s3), timeoutMs: 60_000 },
    );
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).not.toContain("orphan-companion");
    expect(after.stdout).toMatch(/OK: 20 records in 4 objects/);
  });

  it("ParquetFormat values: the JSON companions sit beside each .snappy.parquet object; the verifier OK", async () => {
    const topic = uniqueName("companions");
    await createTopic(kafka.bootstrap, topic, 1);
    const lines = webLogLines(10, 21);
    await produce(
      kafka.bootstrap,
      topic,
      lines.map((value, i) => ({ partition: 0, value, key: `k${i}`, headers: { n: String(i) } })),
    );
    const group = uniqueName("sink");
    const config = connectorFile(topic, {
      "format.class": "io.confluent.connect.s3.format.parquet.ParquetFormat",
    });
    const sink = startSink(kafka, s3, ["--config", config, "--group", group]);
    try {
      await waitFor(
        "two Parquet objects",
        async () => ((await readObjects(s3.client(), s3.bucket, topic)).length === 2 ? true : undefined),
        60_000,
      );
    } finally {
      sink.kill("SIGTERM");
      await sink.waitForExit(30_000).catch(() => undefined);
    }
    const objects = await readObjects(s3.client(), s3.bucket, topic);
    for (const [i, o] of objects.entries()) {
      expect(o.key).toMatch(/\.snappy\.parquet$/);
      const stem = o.key.slice(0, -".snappy.parquet".length);
      const keys = await readRecordsFromObject(s3.client(), s3.bucket, `${stem}.keys.json`);
      expect(keys).toEqual([0, 1, 2, 3, 4].map((j) => JSON.stringify(`k${i * 5 + j}`)));
    }
    const verified = await runCli(
      VERIFIER,
      ["--config", config, "--topic", topic, "--brokers", kafka.bootstrap, "--group", group],
      { env: sinkEnv(kafka, s3), timeoutMs: 60_000 },
    );
    expect(verified.code, verified.stdout).toBe(0);
    // each Parquet row's value is found in Kafka, so every key line was compared (no "not compared" note)
    expect(verified.stdout).not.toContain("not compared");
  });
});
