import { createFakeLog } from "@weblog/fake-log";
import { createRestCatalog, openWebLogTable } from "@weblog/iceberg";
import { encode } from "@weblog/log-schema";
import {
  type IcebergCatalog,
  type KafkaHandle,
  runCli,
  type S3Handle,
  startIcebergCatalog,
  startKafka,
  startS3,
  uniqueName,
} from "@weblog/testkit";
import kafkajs from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s3Env, VERIFIER } from "./fixtures";

/** --iceberg-table against tables written by @weblog/iceberg directly: one right, one with a file committed twice. */
describe("s3-verifier --iceberg-table (broker + S3 + REST catalog)", () => {
  let kafka: KafkaHandle;
  let s3: S3Handle;
  let catalog: IcebergCatalog;
  const topic = uniqueName("vt");
  const lines = createFakeLog({ seed: 3 })
    .batch(20)
    .map((r) => encode(r));

  beforeAll(async () => {
    [kafka, s3] = await Promise.all([startKafka(), startS3()]);
    catalog = await startIcebergCatalog({ s3, warehouse: `s3://${s3.bucket}/warehouse` });
    const client = new kafkajs.Kafka({
      brokers: kafka.bootstrap.split(","),
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = client.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: lines.map((value) => ({ partition: 0, value })) });
    await producer.disconnect();
  }, 240_000);
  afterAll(async () => {
    await catalog?.stop();
    await Promise.all([kafka?.stop(), s3?.stop()]);
  });

  async function table(name: string) {
    const c = s3.client();
    return openWebLogTable({
      catalog: createRestCatalog({ uri: catalog.uri }),
      table: name,
      storage: { client: c },
    });
  }
  const verify = (name: string) =>
    runCli(
      VERIFIER,
      [
        ...["--bucket", s3.bucket, "--endpoint", s3.endpoint, "--brokers", kafka.bootstrap, "--topic", topic],
        ...["--group", "g", "--iceberg-table", name, "--iceberg-catalog-uri", catalog.uri, "--json"],
      ],
      { env: s3Env(s3), timeoutMs: 90_000 },
    );

  it("a table holding every record below its offsets once: OK, exit 0", async () => {
    const name = `v.${uniqueName("ok").replace(/-/g, "_")}`;
    const t = await table(name);
    await t.commitAppend("g", [
      { topic, partition: 0, start: 0, end: 20, files: await t.writeDataFiles(lines) },
    ]);
    const r = await verify(name);
    const report = JSON.parse(r.stdout);
    expect(r.code, r.stderr).toBe(0);
    expect(report.totals).toEqual({ records: 20, expected: 20, missing: 0, duplicateRecords: 0 });
    expect(report.offsets["0"]).toMatchObject({ table: 20, high: 20 });
  });

  it("a data file committed twice: its rows twice, the rest missing, the file named: exit 1", async () => {
    const name = `v.${uniqueName("bad").replace(/-/g, "_")}`;
    const t = await table(name);
    const first = await t.writeDataFiles(lines.slice(0, 10));
    await t.commitAppend("g", [{ topic, partition: 0, start: 0, end: 10, files: first }]);
    // a broken writer: the second range committed with the first range's file
    await t.commitAppend("g", [{ topic, partition: 0, start: 10, end: 20, files: first }]);
    const r = await verify(name);
    const report = JSON.parse(r.stdout);
    expect(r.code).toBe(1);
    expect(report.totals).toEqual({ records: 20, expected: 20, missing: 10, duplicateRecords: 10 });
    expect(report.findings.map((f: { kind: string }) => f.kind).sort()).toEqual([
      "duplicate",
      "file-committed-twice",
      "missing",
    ]);
  });
});
