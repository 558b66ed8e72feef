import type { S3Client } from "@aws-sdk/client-s3";
import { createFakeLog } from "@weblog/fake-log";
import { encode } from "@weblog/log-schema";
import {
  type IcebergCatalog,
  readTableWithPyIceberg,
  type S3Handle,
  startIcebergCatalog,
  startS3,
  uniqueName,
} from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeAvroFile } from "../src/avro";
import {
  createRestCatalog,
  formatOffsets,
  getFile,
  liveDataFiles,
  openWebLogTable,
  parseTableName,
  type RestCatalog,
} from "../src/index";

/** Record lines whose times start at `startIso` and step `stepMs` (so a batch can cross a day). */
function linesAt(seed: number, n: number, startIso: string, stepMs: number): string[] {
  const start = Date.parse(startIso);
  return createFakeLog({ seed })
    .batch(n)
    .map((r, i) => encode({ ...r, timestamp: new Date(start + i * stepMs).toISOString() }));
}

describe("the web-log Iceberg table, through a real REST catalog on a real S3", () => {
  let s3: S3Handle;
  let server: IcebergCatalog;
  let catalog: RestCatalog;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await startS3();
    server = await startIcebergCatalog({ s3, warehouse: `s3://${s3.bucket}/warehouse` });
    catalog = createRestCatalog({ uri: server.uri });
    client = s3.client();
  }, 240_000);
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
    await s3?.stop();
  });

  const open = (table: string, partitionBy: "day" | "hour" | "none" = "day") =>
    openWebLogTable({ catalog, table, storage: { client, endpoint: s3.endpoint }, partitionBy });
  const pyRead = (table: string) => readTableWithPyIceberg({ catalogUri: server.uri, table, s3 });

  it("creates the table on first use (timestamptz, int, by day), then loads the same one", async () => {
    const name = `web.${uniqueName("logs").replace(/-/g, "_")}`;
    const first = await open(name);
    const m = first.metadata();
    const fields = m.schemas[0]?.fields.map((f) => [f.id, f.name, f.type, f.required]);
    expect(fields).toEqual([
      [1, "ip", "string", true],
      [2, "timestamp", "timestamptz", true],
      [3, "method", "string", true],
      [4, "url", "string", true],
      [5, "status_code", "int", true],
      [6, "user_agent", "string", true],
    ]);
    expect(m["partition-specs"][0]?.fields).toEqual([
      { name: "timestamp_day", transform: "day", "source-id": 2, "field-id": 1000 },
    ]);
    expect(first.location).toMatch(new RegExp(`^s3://${s3.bucket}/warehouse/web/`));
    const again = await open(name, "hour");
    expect(again.metadata()["table-uuid"]).toBe(m["table-uuid"]);
    expect(again.metadata()["partition-specs"][0]?.fields[0]?.transform).toBe("day");
    expect((await catalog.listTables(["web"])).map((t) => t.name)).toContain(name.slice(4));
  });

  it("appends snapshots PyIceberg reads back row for row, with the merged offsets in each summary", async () => {
    const name = `web.${uniqueName("logs").replace(/-/g, "_")}`;
    const table = await open(name);
    // partition 0: 300 records crossing midnight (two data files); partition 1: 200 records on one day
    const p0 = linesAt(1, 300, "2026-11-25T23:59:00.000Z", 500);
    const p1 = linesAt(2, 200, "2026-11-26T10:00:00.000Z", 1000);
    const f0 = await table.writeDataFiles(p0);
    const f1 = await table.writeDataFiles(p1);
    expect(f0.map((f) => f.path.match(/timestamp_day=([\d-]+)/)?.[1]).sort()).toEqual([
      "2026-11-25",
      "2026-11-26",
    ]);
    const c1 = await table.commitAppend("g", [
      { topic: "t", partition: 0, start: 0, end: 300, files: f0 },
      { topic: "t", partition: 1, start: 0, end: 200, files: f1 },
    ]);
    expect(c1.appended).toHaveLength(2);
    expect(formatOffsets(c1.offsets)).toBe('{"t":{"0":300,"1":200}}');

    const more = linesAt(3, 50, "2026-11-26T12:00:00.000Z", 10);
    const c2 = await table.commitAppend("g", [
      { topic: "t", partition: 1, start: 200, end: 250, files: await table.writeDataFiles(more) },
    ]);
    const read = await pyRead(name);
    expect(read.snapshotId).toBe(c2.snapshotId);
    expect(read.summary["weblog.kafka-offsets.g"]).toBe('{"t":{"0":300,"1":250}}');
    expect([...read.lines].sort()).toEqual([...p0, ...p1, ...more].sort());
    expect(read.summary["total-records"]).toBe("550");
  });

  it("drops a commit whose records are in (a retry) and one another member overtook (stale)", async () => {
    const name = `web.${uniqueName("logs").replace(/-/g, "_")}`;
    const table = await open(name);
    const a = linesAt(4, 100, "2026-11-27T08:00:00.000Z", 100);
    const files = await table.writeDataFiles(a);
    const first = await table.commitAppend("g", [{ topic: "t", partition: 0, start: 0, end: 100, files }]);
    expect(first.snapshotId).not.toBeNull();
    // the same records again (a zombie's or a restarted member's retry): nothing appended
    const again = await table.commitAppend("g", [
      { topic: "t", partition: 0, start: 0, end: 100, files: await table.writeDataFiles(a) },
    ]);
    expect(again).toMatchObject({ snapshotId: null, appended: [], stale: [] });
    expect(again.alreadyIn).toEqual([{ topic: "t", partition: 0, start: 0, end: 100 }]);
    // a range overlapping the table's offset (another member wrote 0-100, this one buffered 50-150): stale
    const stale = await table.commitAppend("g", [
      { topic: "t", partition: 0, start: 50, end: 150, files: await table.writeDataFiles(a.slice(50)) },
    ]);
    expect(stale.stale).toHaveLength(1);
    expect(formatOffsets(stale.offsets)).toBe('{"t":{"0":100}}');
    expect((await pyRead(name)).lines.sort()).toEqual([...a].sort());
    // the two dropped parts' data files are orphans (no snapshot reaches them); the committed one is not
    const orphans = (await table.listOrphanFiles({ olderThanMs: 0 })).map((o) => o.path);
    expect(orphans.filter((p) => p.endsWith(".parquet"))).toHaveLength(2);
    for (const f of files) expect(orphans).not.toContain(f.path);
    expect(orphans.filter((p) => p.endsWith(".avro"))).toEqual([]); // dropped before any manifest was written
    expect(await table.listOrphanFiles()).toEqual([]); // all younger than an hour: maybe a commit in flight
  });

  it("two writers on one base: the second is refused (assert-ref-snapshot-id), reloads and lands its own partition", async () => {
    const name = `web.${uniqueName("logs").replace(/-/g, "_")}`;
    const w1 = await open(name);
    const w2 = await open(name); // both loaded the empty table
    const a = linesAt(5, 80, "2026-11-28T01:00:00.000Z", 100);
    const b = linesAt(6, 90, "2026-11-28T02:00:00.000Z", 100);
    const r1 = await w1.commitAppend("g", [
      { topic: "t", partition: 0, start: 0, end: 80, files: await w1.writeDataFiles(a) },
    ]);
    const r2 = await w2.commitAppend("g", [
      { topic: "t", partition: 1, start: 0, end: 90, files: await w2.writeDataFiles(b) },
    ]);
    expect(r1.attempts).toBe(1);
    expect(r2.attempts).toBe(2);
    expect(formatOffsets(r2.offsets)).toBe('{"t":{"0":80,"1":90}}');
    const read = await pyRead(name);
    expect(read.lines.sort()).toEqual([...a, ...b].sort());
  });
});

describe("compaction (real REST catalog + S3, read by PyIceberg)", () => {
  let s3: S3Handle;
  let server: IcebergCatalog;
  let catalog: RestCatalog;
  let client: S3Client;
  beforeAll(async () => {
    s3 = await startS3();
    server = await startIcebergCatalog({ s3, warehouse: `s3://${s3.bucket}/warehouse` });
    catalog = createRestCatalog({ uri: server.uri });
    client = s3.client();
  }, 240_000);
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
    await s3?.stop();
  });

  it("rewrites a day's small files into one replace snapshot, with an append landing in the middle", async () => {
    const name = `web.${uniqueName("c").replace(/-/g, "_")}`;
    const open = () => openWebLogTable({ catalog, table: name, storage: { client } });
    const t = await open();
    const all: string[] = [];
    // four small files on one day, one on another day (left alone: alone in its partition)
    for (let i = 0; i < 4; i++) {
      const lines = linesAt(10 + i, 25, `2026-11-25T0${i}:00:00.000Z`, 1000);
      all.push(...lines);
      await t.commitAppend("g", [
        { topic: "t", partition: 0, start: i * 25, end: (i + 1) * 25, files: await t.writeDataFiles(lines) },
      ]);
    }
    const other = linesAt(20, 10, "2026-11-26T00:00:00.000Z", 1000);
    all.push(...other);
    await t.commitAppend("g", [
      { topic: "t", partition: 1, start: 0, end: 10, files: await t.writeDataFiles(other) },
    ]);

    // another writer appends while the compaction is about to commit: the compaction is refused once and rebuilt
    const writer = await open();
    const late = linesAt(30, 5, "2026-11-25T09:00:00.000Z", 1000);
    all.push(...late);
    let appended = false;
    const r = await t.compact({
      beforeCommitRequest: async () => {
        if (appended) return;
        appended = true;
        await writer.commitAppend("g", [
          { topic: "t", partition: 0, start: 100, end: 105, files: await writer.writeDataFiles(late) },
        ]);
      },
    });
    expect(r.attempts).toBe(2);
    // the 4 files rewritten once and reused on the new base; the late append carried as it is, never dropped
    expect(r).toMatchObject({ replaced: 4, written: 1, rewrites: 0 });
    const read = await readTableWithPyIceberg({ catalogUri: server.uri, table: name, s3 });
    expect(read.snapshotId).toBe(r.snapshotId);
    expect(read.lines.sort()).toEqual([...all].sort());
    const { metadata } = await catalog.loadTable(parseTableName(name));
    const snap = metadata.snapshots?.find((x) => x["snapshot-id"] === r.snapshotId);
    expect(snap?.summary.operation).toBe("replace");
    expect(await liveDataFiles({ client }, metadata)).toHaveLength(3);
    expect(read.summary["weblog.kafka-offsets.g"]).toBe('{"t":{"0":105,"1":10}}');
    expect(read.summary["total-data-files"]).toBe("3");
    // the table goes on: an append after the compaction
    const after = linesAt(40, 5, "2026-11-25T10:00:00.000Z", 1000);
    await t.commitAppend("g", [
      { topic: "t", partition: 0, start: 105, end: 110, files: await t.writeDataFiles(after) },
    ]);
    expect((await readTableWithPyIceberg({ catalogUri: server.uri, table: name, s3 })).lines.sort()).toEqual(
      [...all, ...after].sort(),
    );
    // the replace snapshot recorded its deletes in manifests of deleted entries only; the append dropped those
    const listOf = async (id: string | null | undefined) => {
      const m = (await catalog.loadTable(parseTableName(name))).metadata;
      const snap = m.snapshots?.find((x) => x["snapshot-id"] === id);
      return decodeAvroFile(await getFile({ client }, snap?.["manifest-list"] as string), "list").records;
    };
    const live = (r: Record<string, unknown>) => Number(r.added_files_count) + Number(r.existing_files_count);
    expect((await listOf(r.snapshotId)).some((x) => live(x) === 0)).toBe(true);
    const now = (await catalog.loadTable(parseTableName(name))).metadata["current-snapshot-id"];
    expect((await listOf(now)).every((x) => live(x) > 0)).toBe(true);
  });
});
