/**
 * Twins: Kafka holds identical records at different offsets (a live producer makes them when two requests share a
 * millisecond; real logs have them). A correct pipeline copies them as they are, and the verifier must not call that
 * a duplicate. With --brokers it reads both offsets from Kafka: the same value there is a note; S3 holding at one
 * offset another offset's record (Kafka's differ) is a finding. Real broker, real sink, real S3.
 */
import { fileURLToPath } from "node:url";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { createKafka, ensureTopic, loadKafkaSettings } from "@weblog/kafka-client";
import { encode } from "@weblog/log-schema";
import { listSinkObjects, readRecordsFromObject } from "@weblog/s3";
import {
  type KafkaHandle,
  produceWithKcat,
  runCli,
  type S3Handle,
  spawnCli,
  startKafka,
  startS3,
  uniqueName,
  waitFor,
} from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { record, s3Env, VERIFIER } from "./fixtures";

const CONSUMER = fileURLToPath(new URL("../../consumer/dist/main.js", import.meta.url));
const RECORDS = 100;

let kafka: KafkaHandle;
let s3: S3Handle;

beforeAll(async () => {
  [kafka, s3] = await Promise.all([startKafka(), startS3()]);
});
afterAll(async () => {
  await Promise.all([kafka?.stop(), s3?.stop()]);
});

interface Report {
  ok: boolean;
  totals: { records: number; duplicateRecords: number; twinRecords: number };
  findings: { kind: string; message: string }[];
  notes: { kind: string; message: string; count?: number }[];
}

async function verify(
  bucket: string,
  topic: string,
  brokers: boolean,
): Promise<{ code: number | null; doc: Report }> {
  const r = await runCli(
    VERIFIER,
    [
      ...["--bucket", bucket, "--topic", topic, "--flush-size", "10", "--json"],
      ...(brokers ? ["--brokers", kafka.bootstrap] : []),
    ],
    { env: s3Env(s3), timeoutMs: 60_000 },
  );
  expect(r.stderr).toBe("");
  return { code: r.code, doc: JSON.parse(r.stdout) as Report };
}

describe("identical records at different offsets (real broker, sink and S3)", () => {
  it("twins Kafka holds pass, as notes; a record written in another's place fails with --brokers", {
    timeout: 180_000,
  }, async () => {
    const topic = uniqueName("twins");
    const bucket = uniqueName("tw");
    await s3.createBucket(bucket);
    await ensureTopic(createKafka(loadKafkaSettings({ env: {}, flags: { brokers: kafka.bootstrap } })), {
      topic,
      partitions: 1,
    });
    // Offsets 7 and 64 hold the same bytes (two requests in one millisecond), in different objects of 10.
    const lines = Array.from({ length: RECORDS }, (_, i) => encode(record(i === 64 ? 7 : i, 3)));
    await produceWithKcat({ bootstrap: kafka.bootstrap, topic, lines, partition: 0 });

    const group = uniqueName("g");
    const sink = spawnCli(
      CONSUMER,
      [
        "--sink",
        ...["--brokers", kafka.bootstrap, "--group", group, "--topics", topic],
        ...["--bucket", bucket, "--store-url", s3.endpoint],
        ...["--flush-size", "10", "--rotate-schedule-interval-ms", "1000"],
      ],
      { env: { ...s3Env(s3), KAFKA_BROKERS: kafka.bootstrap } },
    );
    try {
      await waitFor(
        "every record in S3",
        async () => {
          let n = 0;
          for await (const o of listSinkObjects(s3.client(), bucket, `topics/${topic}/`)) {
            n += (await readRecordsFromObject(s3.client(), bucket, o.key)).length;
          }
          return n === RECORDS ? true : undefined;
        },
        60_000,
      );
    } finally {
      sink.kill("SIGTERM");
      await sink.waitForExit(15_000);
    }

    // With Kafka: both offsets read, the same value: a note, exit 0.
    const withKafka = await verify(bucket, topic, true);
    expect(withKafka.doc.findings).toEqual([]);
    expect(withKafka.code).toBe(0);
    expect(withKafka.doc.totals).toMatchObject({ records: RECORDS, duplicateRecords: 0, twinRecords: 1 });
    const confirmed = withKafka.doc.notes.filter((n) => n.kind === "twin-records");
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]?.message).toMatch(/as in Kafka, which holds the same value at both offsets/);

    // Without Kafka: each offset held once, so no record twice: a note saying it is unconfirmed, exit 0.
    const s3Only = await verify(bucket, topic, false);
    expect(s3Only.code).toBe(0);
    expect(s3Only.doc.totals).toMatchObject({ duplicateRecords: 0, twinRecords: 1 });
    expect(s3Only.doc.notes.find((n) => n.kind === "twin-records")?.message).toMatch(/with --brokers/);

    // A real fault: the object holding offset 20 gets offset 30's record in its place (offset 20 lost, 30 twice).
    const objects: string[] = [];
    for await (const o of listSinkObjects(s3.client(), bucket, `topics/${topic}/`)) objects.push(o.key);
    const at20 = objects.find((k) => k.endsWith("+0000000020.json")) as string;
    const body = lines.slice(20, 30);
    body[0] = lines[30] as string;
    await s3.client().send(new PutObjectCommand({ Bucket: bucket, Key: at20, Body: `${body.join("\n")}\n` }));
    const faulty = await verify(bucket, topic, true);
    expect(faulty.code).toBe(1);
    expect(faulty.doc.findings.map((f) => f.kind)).toEqual(["duplicate-record"]);
    expect(faulty.doc.findings[0]?.message).toMatch(/where Kafka holds a different record/);
  });
});
