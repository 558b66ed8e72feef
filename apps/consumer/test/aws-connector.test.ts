/**
 * A connector JSON written for real AWS, run by the sink (broker + moto): Confluent's SSE-KMS, canned ACL and
 * tagging keys land on every object (read back from moto), the access keys in the file are used and never shown,
 * and a key we do not honour that would change the output stops the sink at start (one line, exit 2), as does
 * store.kafka.keys without a companion format we write.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GetObjectAclCommand, GetObjectTaggingCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
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
import { createTopic, MAIN, produce, readObjects, sinkEnv, startSink, webLogLines } from "./helpers";

const KMS_KEY = "arn:aws:kms:us-east-1:111122223333:key/weblog-sink";
const SSE_C_KEY = Buffer.alloc(32, 11).toString("base64");
const VERIFIER = fileURLToPath(new URL("../../s3-verifier/dist/main.js", import.meta.url));
const QUERY = fileURLToPath(new URL("../../query/dist/main.js", import.meta.url));
/** moto accepts any keys; these stand for the real ones a team's file holds and must never be printed. */
const ACCESS_KEY_ID = "AKIAWEBLOGTESTKEY001";
const SECRET_KEY = "weblog/Test/Secret+Access+Key/0123456789ab";

describe("a connector JSON for real AWS (broker + moto)", () => {
  let kafka: KafkaHandle;
  let s3: S3Handle;
  let dir: string;
  beforeAll(async () => {
    [kafka, s3] = await Promise.all([startKafka(), startS3({ server: "moto" })]);
    dir = mkdtempSync(join(tmpdir(), "weblog-aws-"));
  });
  afterAll(async () => {
    await Promise.all([kafka?.stop(), s3?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const connectorFile = (topic: string, extra: Record<string, string>) => {
    const path = join(dir, `${uniqueName("c")}.json`);
    const config = {
      "connector.class": "io.confluent.connect.s3.S3SinkConnector",
      topics: topic,
      "s3.bucket.name": s3.bucket,
      "s3.region": s3.region,
      "store.url": s3.endpoint,
      "flush.size": "5",
      "rotate.schedule.interval.ms": "-1",
      "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
      ...extra,
    };
    writeFileSync(path, JSON.stringify({ name: uniqueName("s3-sink"), config }));
    return path;
  };
  // the file's keys, not the environment's: the sink gets no AWS_* / S3_* credentials
  const noEnvCredentials = {
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    S3_ENDPOINT: undefined,
  };

  it("every object carries SSE-KMS with the key id, the ACL's grants and Confluent's tags; the keys are never shown", async () => {
    const topic = uniqueName("aws");
    await createTopic(kafka.bootstrap, topic, 1);
    const lines = webLogLines(10, 3);
    await produce(
      kafka.bootstrap,
      topic,
      lines.map((value) => ({ partition: 0, value })),
    );
    const config = connectorFile(topic, {
      "s3.ssea.name": "aws:kms",
      "s3.sse.kms.key.id": KMS_KEY,
      "s3.acl.canned": "bucket-owner-full-control",
      "s3.object.tagging": "true",
      "aws.access.key.id": ACCESS_KEY_ID,
      "aws.secret.access.key": SECRET_KEY,
    });
    const sink = startSink(kafka, s3, ["--config", config], noEnvCredentials);
    try {
      const objects = await waitFor(
        "two objects of 5 records",
        async () => {
          const o = await readObjects(s3.client(), s3.bucket, topic);
          return o.length === 2 ? o : undefined;
        },
        60_000,
      );
      const client = s3.client();
      for (const [i, o] of objects.entries()) {
        const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: o.key }));
        expect([head.ServerSideEncryption, head.SSEKMSKeyId]).toEqual(["aws:kms", KMS_KEY]);
        const tags = await client.send(new GetObjectTaggingCommand({ Bucket: s3.bucket, Key: o.key }));
        expect(Object.fromEntries((tags.TagSet ?? []).map((t) => [t.Key, t.Value]))).toEqual({
          startOffset: String(i * 5),
          endOffset: String(i * 5 + 4),
          recordCount: "5",
        });
        const acl = await client.send(new GetObjectAclCommand({ Bucket: s3.bucket, Key: o.key }));
        expect(acl.Grants?.map((g) => g.Permission)).toContain("FULL_CONTROL");
      }
      expect(objects.flatMap((o) => o.lines)).toEqual(lines);
      await sink.waitForOutput(/S3 credentials from the connector file/, 5_000);
    } finally {
      sink.kill("SIGTERM");
      await sink.waitForExit(30_000).catch(() => undefined);
    }
    const output = sink.stdout() + sink.stderr();
    expect(output).not.toContain(SECRET_KEY);
    expect(output).not.toContain(ACCESS_KEY_ID);
  });

  it("a key we do not honour that changes the objects (s3.schema.partition.affix.type=VALUE) stops the sink at start: one line, exit 2", async () => {
    const config = connectorFile(uniqueName("aws"), { "s3.schema.partition.affix.type": "VALUE" });
    const r = await runCli(MAIN, ["--sink", "--config", config], {
      env: sinkEnv(kafka, s3),
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /s3\.schema\.partition\.affix\.type='VALUE' is not supported by our sink.*weblog\.ignore\.keys/,
    );
  });

  it("store.kafka.keys=true without keys.format.class (Confluent's default is Avro) stops the sink at start: one line, exit 2", async () => {
    const config = connectorFile(uniqueName("aws"), { "store.kafka.keys": "true" });
    const r = await runCli(MAIN, ["--sink", "--config", config], {
      env: sinkEnv(kafka, s3),
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/keys\.format\.class: required with store\.kafka\.keys=true.*JsonFormat/);
  });

  it("SSE-C: the sink writes with s3.sse.customer.key; the verifier (key from --config) and the query (--sse-customer-key) read the objects back; a bad key flag is one line naming it", async () => {
    const topic = uniqueName("ssec");
    await createTopic(kafka.bootstrap, topic, 1);
    const lines = webLogLines(10, 4);
    await produce(
      kafka.bootstrap,
      topic,
      lines.map((value) => ({ partition: 0, value })),
    );
    const group = uniqueName("sink");
    const config = connectorFile(topic, { "s3.ssea.name": "AES256", "s3.sse.customer.key": SSE_C_KEY });
    const sink = startSink(kafka, s3, ["--config", config, "--group", group]);
    try {
      await waitFor(
        "two objects of 5 records",
        async () => ((await readObjects(s3.client(), s3.bucket, topic)).length === 2 ? true : undefined),
        60_000,
      );
    } finally {
      sink.kill("SIGTERM");
      await sink.waitForExit(30_000).catch(() => undefined);
    }
    const env = sinkEnv(kafka, s3);
    const verified = await runCli(
      VERIFIER,
      ["--config", config, "--topic", topic, "--brokers", kafka.bootstrap, "--group", group],
      { env, timeoutMs: 60_000 },
    );
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/OK: 10 records in 2 objects/);
    const queried = await runCli(
      QUERY,
      ["--topic", topic, "--sse-customer-key", SSE_C_KEY, "--json", "SELECT count(*) AS n FROM logs"],
      { env, timeoutMs: 60_000 },
    );
    expect(queried.code, queried.stderr).toBe(0);
    expect(queried.stdout).toContain('"n":10');
    for (const [bin, args] of [
      [VERIFIER, ["--topic", topic]],
      [QUERY, ["--topic", topic, "SELECT 1"]],
    ] as const) {
      const bad = await runCli(bin, [...args, "--sse-customer-key", "not-a-key"], { env, timeoutMs: 30_000 });
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
      expect(bad.stderr).toMatch(/--sse-customer-key is not a base64-encoded 256-bit key/);
      expect(bad.stderr).not.toContain("not-a-key");
    }
    for (const out of [verified, queried]) expect(out.stdout + out.stderr).not.toContain(SSE_C_KEY);
  });
});
