/**
 * Apache Iceberg's own Kafka Connect sink (org.apache.iceberg:iceberg-kafka-connect 1.12.0, the `iceberg` plugin
 * setup installs) beside ours, on local real servers: producer -> Kafka -> a Connect worker with the connector of
 * infra/connect/iceberg-sink.json -> the Iceberg REST catalog + S3 (S3Proxy) -> a table with the web-log schema.
 * The table is read back by PyIceberg (an independent reader) and compared with what was produced, as a multiset.
 *
 * Needs the plugin (infra/local/connect/fetch-plugin.sh, run by scripts/setup.sh), the catalog's jars and the
 * PyIceberg venv (infra/local/iceberg/fetch.sh): like the Kafka jars, a missing one is an error naming the fix.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type IcebergCatalog,
  type IcebergConnect,
  type KafkaHandle,
  type LocalS3Server,
  pluginStatus,
  readTableWithPyIceberg,
  readTopicWithKcat,
  runCli,
  startIcebergCatalog,
  startIcebergConnect,
  startKafka,
  startLocalS3Server,
  uniqueName,
  waitFor,
} from "@weblog/testkit";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./paths";

const PRODUCER = join(REPO_ROOT, "apps", "producer", "dist", "main.js");
const VERIFIER = join(REPO_ROOT, "apps", "s3-verifier", "dist", "main.js");
const plugin = pluginStatus("iceberg");
/** Seeded records on fake-log's own clock: no two identical lines, so a multiset compare sees every record. */
const SEEDED = ["--seed", "7", "--timestamps", "log"];

async function createTopic(kafka: KafkaHandle, topic: string, numPartitions: number): Promise<void> {
  const admin = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** The current snapshot's summary, through the REST catalog ({} before the first). */
async function currentSummary(catalog: IcebergCatalog, table: string): Promise<Record<string, string>> {
  const [ns, name] = table.split(".") as [string, string];
  const res = await fetch(`${catalog.uri}/v1/namespaces/${ns}/tables/${name}`);
  if (!res.ok) return {};
  const { metadata } = (await res.json()) as {
    metadata: {
      "current-snapshot-id"?: number | null;
      snapshots?: { "snapshot-id": number; summary: Record<string, string> }[];
    };
  };
  const id = metadata["current-snapshot-id"];
  return metadata.snapshots?.find((s) => s["snapshot-id"] === id)?.summary ?? {};
}

/** Produced lines vs the table's rows, as multisets. */
function compare(produced: readonly string[], rows: readonly string[]) {
  const count = new Map<string, number>();
  for (const l of produced) count.set(l, (count.get(l) ?? 0) + 1);
  for (const l of rows) count.set(l, (count.get(l) ?? 0) - 1);
  let missing = 0;
  let duplicate = 0;
  for (const n of count.values()) {
    if (n > 0) missing += n;
    else duplicate -= n;
  }
  return { missing, duplicate };
}

describe("Kafka -> Connect (Apache Iceberg sink) -> Iceberg table on local servers", () => {
  let kafka: KafkaHandle;
  let s3: LocalS3Server;
  let catalog: IcebergCatalog;
  let dir: string;
  const started: IcebergConnect[] = [];
  const bucket = uniqueName("iceconnect").toLowerCase();

  beforeAll(async () => {
    if (!plugin.installed) throw new Error(plugin.reason);
    dir = mkdtempSync(join(tmpdir(), "weblog-iceconnect-"));
    [kafka, s3] = await Promise.all([startKafka(), startLocalS3Server()]);
    catalog = await startIcebergCatalog({ s3, warehouse: `s3://${bucket}/warehouse` });
  }, 240_000);

  afterAll(async () => {
    for (const c of started) await c.stop().catch(() => {});
    await catalog?.stop();
    await s3?.stop();
    await kafka?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("writes every produced record into the web-log table exactly once, read back by PyIceberg", async () => {
    const topic = uniqueName("iceconnect");
    const table = `weblog.${uniqueName("apache").replace(/-/g, "_")}`;
    await createTopic(kafka, topic, 4);
    const c = await startIcebergConnect({
      bootstrap: kafka.bootstrap,
      s3,
      bucket,
      catalogUri: catalog.uri,
      topic,
      table,
      settings: { "iceberg.control.commit.interval-ms": "2000" },
      repoRoot: REPO_ROOT,
      dir,
    });
    started.push(c);
    const N = 1000;
    const produced = await runCli(
      PRODUCER,
      ["--brokers", kafka.bootstrap, "--topic", topic, "--count", String(N), "--rate", "0", ...SEEDED],
      { timeoutMs: 120_000 },
    );
    expect(produced.code, produced.stderr).toBe(0);
    // what Kafka holds, read by kcat (not by the producer that wrote it)
    const inKafka = (await readTopicWithKcat({ bootstrap: kafka.bootstrap, topic, count: N })).map(
      (m) => m.value,
    );
    expect(inKafka).toHaveLength(N);

    // "ok" once the current snapshot counts N records; a FAILED task ends the wait at once with its trace line
    const state = await waitFor(
      `${N} records in ${table}'s current snapshot`,
      async () => {
        const failed = await c.assertRunning().then(
          () => undefined,
          (err: Error) => err.message,
        );
        if (failed) return failed;
        return Number((await currentSummary(catalog, table))["total-records"] ?? 0) >= N ? "ok" : undefined;
      },
      180_000,
      1000,
    );
    expect(state).toBe("ok");
    const read = await readTableWithPyIceberg({ catalogUri: catalog.uri, table, s3 });
    expect(read.lines).toHaveLength(N);
    expect(compare(inKafka as string[], read.lines)).toEqual({ missing: 0, duplicate: 0 });

    // our verifier on the same table: its snapshots carry Apache's control-topic offsets, not the data topic's,
    // so the offsets it checks against are the Connect group's commits (--iceberg-offsets kafka)
    const verdict = await runCli(
      VERIFIER,
      [
        ...["--bucket", bucket, "--endpoint", s3.endpoint, "--brokers", kafka.bootstrap, "--topic", topic],
        ...["--group", c.group, "--iceberg-table", table, "--iceberg-catalog-uri", catalog.uri],
        ...["--iceberg-offsets", "kafka", "--json"],
      ],
      {
        env: {
          AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
        },
        timeoutMs: 120_000,
      },
    );
    expect(verdict.code, verdict.stdout + verdict.stderr).toBe(0);
    const report = JSON.parse(verdict.stdout) as {
      totals: { records: number; expected: number; missing: number; duplicateRecords: number };
    };
    expect(report.totals).toEqual({ records: N, expected: N, missing: 0, duplicateRecords: 0 });
  }, 600_000); // a catalog and a worker start (30-90 s each here), then commits every 2 s
});
