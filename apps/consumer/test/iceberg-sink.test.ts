import { createRestCatalog } from "@weblog/iceberg";
import {
  type IcebergCatalog,
  readTableWithPyIceberg,
  startIcebergCatalog,
  startTcpProxy,
  uniqueName,
  waitFor,
} from "@weblog/testkit";
import { useBrokerAndS3 } from "@weblog/testkit/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runVerifier, startSink, testKafka } from "./helpers";
import { Ledger, PARTITIONS } from "./ledger";

// A killed member stays in the group until its session times out; 6 s (the broker minimum) keeps tests short.
const FAST_GROUP = { WEBLOG_SINK_SESSION_TIMEOUT_MS: "6000" };

/**
 * --format iceberg end to end: the real broker, S3 and Iceberg REST catalog; every table is read back by PyIceberg
 * (an independent reader) and compared with what was produced, as a multiset (0 missing, 0 duplicates).
 */
describe("the sink writing an Iceberg table (broker + S3 + REST catalog, read by PyIceberg)", () => {
  const env = useBrokerAndS3();
  let catalog: IcebergCatalog;

  beforeAll(async () => {
    catalog = await startIcebergCatalog({ s3: env.s3, warehouse: `s3://${env.s3.bucket}/warehouse` });
  }, 240_000);
  afterAll(async () => {
    await catalog?.stop();
  });

  const argsOf = (topic: string, table: string, group: string, intervalMs = 300) => [
    "--topics",
    topic,
    "--group",
    group,
    "--format",
    "iceberg",
    "--iceberg-table",
    table,
    "--iceberg-catalog-uri",
    catalog.uri,
    "--iceberg-commit-interval-ms",
    String(intervalMs),
    "--flush-size",
    "10",
    "--rotate-schedule-interval-ms",
    "500",
  ];
  const tableName = () => `web.${uniqueName("t").replace(/-/g, "_")}`;

  /** How many snapshots the table has (through the REST catalog). */
  async function snapshotCount(table: string): Promise<number> {
    const [ns, name] = table.split(".") as [string, string];
    const { metadata } = await createRestCatalog({ uri: catalog.uri }).loadTable({ namespace: [ns], name });
    return metadata.snapshots?.length ?? 0;
  }

  /** The table's current snapshot summary (through the REST catalog). */
  async function summaryOf(table: string): Promise<Record<string, string>> {
    const [ns, name] = table.split(".") as [string, string];
    try {
      const { metadata } = await createRestCatalog({ uri: catalog.uri }).loadTable({ namespace: [ns], name });
      const snap = metadata.snapshots?.find((s) => s["snapshot-id"] === metadata["current-snapshot-id"]);
      return snap?.summary ?? {};
    } catch {
      return {};
    }
  }

  /** Waits until the table's snapshot counts every produced record, then reads it with PyIceberg. */
  async function tableHolds(table: string, ledger: Ledger, timeoutMs = 90_000) {
    await waitFor(
      `${ledger.total} records in ${table}`,
      async () => (Number((await summaryOf(table))["total-records"] ?? 0) >= ledger.total ? true : undefined),
      timeoutMs,
    );
    return readTableWithPyIceberg({ catalogUri: catalog.uri, table, s3: env.s3 });
  }

  /** Produced vs read, as multisets: "" when equal. */
  function diff(ledger: Ledger, lines: readonly string[]): string {
    const count = new Map<string, number>();
    for (const l of [...ledger.byPartition.values()].flat()) count.set(l, (count.get(l) ?? 0) + 1);
    for (const l of lines) count.set(l, (count.get(l) ?? 0) - 1);
    const missing = [...count.values()].filter((n) => n > 0).reduce((a, b) => a + b, 0);
    const extra = [...count.values()].filter((n) => n < 0).reduce((a, b) => a - b, 0);
    return missing === 0 && extra === 0 ? "" : `${missing} missing, ${extra} duplicate`;
  }

  async function kafkaCommitted(group: string, topic: string): Promise<Record<string, number>> {
    const admin = testKafka(env.kafka.bootstrap).admin();
    await admin.connect();
    try {
      const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return Object.fromEntries((t?.partitions ?? []).map((p) => [String(p.partition), Number(p.offset)]));
    } finally {
      await admin.disconnect();
    }
  }

  it("writes every record once, many files per snapshot, and Kafka's commits follow the table's offsets", async () => {
    const ledger = new Ledger(env.kafka, uniqueName("ice"));
    const table = tableName();
    const group = uniqueName("g");
    await ledger.add(40);
    const sink = startSink(env.kafka, env.s3, argsOf(ledger.topic, table, group));
    let read: Awaited<ReturnType<typeof tableHolds>>;
    try {
      read = await tableHolds(table, ledger);
      await ledger.add(15);
      read = await tableHolds(table, ledger);
    } finally {
      sink.kill("SIGTERM");
    }
    expect((await sink.waitForExit(15_000)).code).toBe(0);
    const offsets = JSON.parse(read.summary[`weblog.kafka-offsets.${group}`] ?? "{}")[ledger.topic];
    expect(offsets).toEqual(Object.fromEntries([0, 1, 2, 3].map((p) => [String(p), 55])));
    expect(await kafkaCommitted(group, ledger.topic)).toEqual(offsets);
    // 4 partitions x 55 records cut every 10: 24 sets; snapshots hold several of them each
    // the verifier over the table (its own reading of manifests and data files, and Kafka): the same verdict
    const verified = await runVerifier(env.kafka, env.s3, ledger.topic, group, [
      "--iceberg-table",
      table,
      "--iceberg-catalog-uri",
      catalog.uri,
    ]);
    expect(diff(ledger, read.lines), JSON.stringify(verified.report)).toBe("");
    expect(verified.report.verdict, verified.stderr).toMatch(/^OK/);
    expect(verified.report.totals).toMatchObject({ missing: 0, duplicateRecords: 0, records: 220 });
    const files = Number(read.summary["total-data-files"]);
    expect(files).toBeGreaterThanOrEqual(24);
    expect(await snapshotCount(table)).toBeLessThan(files);
  });

  // merged-table-commit (new with pipelining): a 2 s interval, so sets uploaded while consuming went on wait together
  for (const [at, intervalMs] of [
    ["after-data-files:2", 300],
    ["before-table-commit:1", 300],
    ["during-table-commit:1", 300],
    ["after-table-commit:1", 300],
    ["merged-table-commit:1", 2000],
  ] as const) {
    it(`kill -9 at ${at}, restart: every record exactly once in the table (PyIceberg)`, async () => {
      const ledger = new Ledger(env.kafka, uniqueName("icecrash"));
      const table = tableName();
      const group = uniqueName("g");
      const args = argsOf(ledger.topic, table, group, intervalMs);
      await ledger.add(30);
      const first = startSink(env.kafka, env.s3, args, { ...FAST_GROUP, WEBLOG_SINK_CRASH_AT: at });
      const crashed = await first.waitForExit(60_000);
      expect(crashed.signal).toBe("SIGKILL");
      expect(crashed.stderr).toMatch(/crash hook: SIGKILL/);
      await ledger.add(7);
      const second = startSink(env.kafka, env.s3, args, FAST_GROUP);
      let read: Awaited<ReturnType<typeof tableHolds>>;
      try {
        read = await tableHolds(table, ledger);
      } finally {
        second.kill("SIGTERM");
      }
      expect((await second.waitForExit(15_000)).code).toBe(0);
      expect(diff(ledger, read.lines)).toBe("");
      expect(PARTITIONS).toBe(4);
      const verified = await runVerifier(env.kafka, env.s3, ledger.topic, group, [
        "--iceberg-table",
        table,
        "--iceberg-catalog-uri",
        catalog.uri,
      ]);
      expect(verified.report.verdict, verified.stderr).toMatch(/^OK/);
      expect(verified.report.totals).toMatchObject({
        missing: 0,
        duplicateRecords: 0,
        records: ledger.total,
      });
    }, 240_000);
  }

  it("catalog down mid-run: parts wait and retry (the log names the catalog), nothing lost or doubled", async () => {
    const ledger = new Ledger(env.kafka, uniqueName("icedown"));
    const table = tableName();
    const group = uniqueName("g");
    // the sink reaches the catalog through a proxy this test can take down (the catalog itself keeps running)
    const proxy = await startTcpProxy({ target: { host: "127.0.0.1", port: catalog.port } });
    const args = argsOf(ledger.topic, table, group).map((a) =>
      a === catalog.uri ? `http://127.0.0.1:${proxy.port}` : a,
    );
    await ledger.add(20);
    const sink = startSink(env.kafka, env.s3, args);
    let read: Awaited<ReturnType<typeof tableHolds>>;
    try {
      await tableHolds(table, ledger);
      await proxy.pause();
      await ledger.add(20);
      // the retry line names what failed: the catalog (not "S3 upload failed"), and the catalog's own words
      const [line] = await sink.waitForOutput(
        /[^\n]*table snapshot commit failed \(Iceberg REST catalog\)[^\n]*/,
        30_000,
      );
      expect(line).toMatch(/"level":40/); // a warning
      expect(line).toMatch(/Iceberg REST catalog [^"]*unreachable/);
      await proxy.resume();
      read = await tableHolds(table, ledger);
    } finally {
      sink.kill("SIGTERM");
      await proxy.close();
    }
    expect((await sink.waitForExit(15_000)).code).toBe(0);
    expect(diff(ledger, read.lines)).toBe("");
  });

  it("S3 down mid-run (the sink's S3; the catalog's stays up): uploads and commits retry, nothing lost or doubled", async () => {
    const ledger = new Ledger(env.kafka, uniqueName("ices3down"));
    const table = tableName();
    const group = uniqueName("g");
    // the sink reaches S3 through a proxy this test can take down; the catalog writes its metadata to S3 directly
    const proxy = await startTcpProxy({
      target: { host: "127.0.0.1", port: Number(new URL(env.s3.endpoint).port) },
    });
    const s3ViaProxy = { ...env.s3, endpoint: `http://127.0.0.1:${proxy.port}` };
    await ledger.add(20);
    const sink = startSink(env.kafka, s3ViaProxy, argsOf(ledger.topic, table, group));
    let read: Awaited<ReturnType<typeof tableHolds>>;
    try {
      await tableHolds(table, ledger);
      await proxy.pause();
      await ledger.add(20);
      await sink.waitForOutput(/S3 upload failed; partition paused, retrying/, 30_000);
      // down until the sink has retried more than once (its progress log counts the retries)
      await sink.waitForOutput(/"uploadRetries":([2-9]|\d{2,})/, 60_000);
      await proxy.resume();
      read = await tableHolds(table, ledger);
    } finally {
      sink.kill("SIGTERM");
      await proxy.close();
    }
    expect((await sink.waitForExit(15_000)).code).toBe(0);
    expect(diff(ledger, read.lines)).toBe("");
    const verified = await runVerifier(env.kafka, env.s3, ledger.topic, group, [
      "--iceberg-table",
      table,
      "--iceberg-catalog-uri",
      catalog.uri,
    ]);
    expect(verified.report.verdict, verified.stderr).toMatch(/^OK/);
    expect(verified.report.totals).toMatchObject({ missing: 0, duplicateRecords: 0, records: ledger.total });
  });

  it("two members racing on the same partitions: the frozen one's stale commit is re-checked and dropped", async () => {
    const ledger = new Ledger(env.kafka, uniqueName("icerace"));
    const table = tableName();
    const group = uniqueName("g");
    const args = argsOf(ledger.topic, table, group);
    await ledger.add(30);
    // B freezes (SIGSTOP) with its first snapshot's manifests on S3 and the commit request not sent
    const b = startSink(env.kafka, env.s3, args, {
      ...FAST_GROUP,
      WEBLOG_SINK_CRASH_AT: "before-table-commit:1:stop",
    });
    let c: ReturnType<typeof startSink> | undefined;
    let read: Awaited<ReturnType<typeof tableHolds>>;
    try {
      await b.waitForOutput(/crash hook: SIGSTOP at before-table-commit/, 90_000);
      // C takes every partition once B's session expires, and writes all of it
      c = startSink(env.kafka, env.s3, args, FAST_GROUP);
      await tableHolds(table, ledger, 120_000);
      // B wakes up and sends its commit on a stale base: the catalog refuses it, the reload shows C's offsets
      b.kill("SIGCONT");
      await b.waitForOutput(/table already holds these offsets/, 60_000);
      await ledger.add(5);
      read = await tableHolds(table, ledger, 120_000);
    } finally {
      b.kill("SIGCONT");
      b.kill("SIGTERM");
      c?.kill("SIGTERM");
    }
    await b.waitForExit(15_000);
    await c?.waitForExit(15_000);
    expect(diff(ledger, read.lines)).toBe("");
  }, 300_000);
});
