import { fileURLToPath } from "node:url";
import type { S3Client } from "@aws-sdk/client-s3";
import { createRestCatalog, openWebLogTable, type TableMetadata } from "@weblog/iceberg";
import {
  type IcebergCatalog,
  type S3Handle,
  startIcebergCatalog,
  startS3,
  uniqueName,
} from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveDashboard } from "../src/server/http";
import { createIcebergWatcher, snapshotRows } from "../src/server/iceberg-view";
import { buildState } from "../src/server/state";
import type { DashboardState } from "../src/shared/state";

const snap = (id: string, parent: string | null, ts: number, summary: Record<string, string>) => ({
  "snapshot-id": id,
  "parent-snapshot-id": parent,
  "timestamp-ms": ts,
  "manifest-list": `s3://b/t/metadata/snap-${id}.avro`,
  summary,
});

const META: TableMetadata = {
  "format-version": 2,
  "table-uuid": "u",
  location: "s3://b/t",
  "current-snapshot-id": "9007199254740993",
  "current-schema-id": 0,
  schemas: [],
  "default-spec-id": 0,
  "partition-specs": [],
  snapshots: [
    snap("1", null, 1_000, {
      operation: "append",
      "added-data-files": "2",
      "added-records": "500",
      "total-records": "500",
      "weblog.kafka-offsets.g": '{"t":{"1":200,"0":300}}',
    }),
    snap("9007199254740993", "2", 3_000, { operation: "replace", "added-data-files": "1" }),
    snap("2", "1", 2_000, {
      operation: "append",
      "added-data-files": "1",
      "added-records": "50",
      "total-records": "550",
      "weblog.kafka-offsets.g": '{"t":{"0":300,"1":250}}',
      "weblog.kafka-offsets.other": '{"u":{"0":7}}',
    }),
  ],
};

describe("Iceberg snapshots on the dashboard", () => {
  it("turns table metadata into rows: newest first, counts, the group's offsets per partition", () => {
    const rows = snapshotRows(META, { group: "g" });
    expect(rows.map((r) => [r.snapshotId, r.operation, r.addedFiles, r.addedRecords, r.current])).toEqual([
      ["9007199254740993", "replace", 1, null, true],
      ["2", "append", 1, 50, false],
      ["1", "append", 2, 500, false],
    ]);
    expect(rows[1]?.offsets).toEqual([
      { topic: "t", partition: 0, next: 300 },
      { topic: "t", partition: 1, next: 250 },
    ]);
    expect(rows[0]?.offsets).toEqual([]); // a compaction without offsets shows none
    expect(rows[2]?.timestampMs).toBe(1_000);
    expect(snapshotRows(META, { group: "g", limit: 1 })).toHaveLength(1);
    // another group's key is used only when it is the one weblog key of a snapshot
    expect(snapshotRows(META, { group: "x" })[2]?.offsets).toEqual([
      { topic: "t", partition: 0, next: 300 },
      { topic: "t", partition: 1, next: 200 },
    ]);
    expect(snapshotRows({ ...META, snapshots: undefined }, { group: "g" })).toEqual([]);
  });

  it("keeps the last snapshots when a load fails, marked with the error", () => {
    const base = {
      atMs: 1,
      topic: "t",
      bucket: "b",
      engine: "sink",
      s3: null,
      kafka: null,
      verdict: null,
    };
    const ok = { table: "w.t", snapshots: snapshotRows(META, { group: "g" }), snapshotCount: 3 };
    const first = buildState({ ...base, iceberg: ok }, [], null);
    expect(first.iceberg?.snapshots).toHaveLength(3);
    const failed = buildState(
      { ...base, atMs: 2, iceberg: { table: "w.t", snapshots: [], snapshotCount: 0, error: "down" } },
      [],
      first,
    );
    expect(failed.iceberg).toMatchObject({ error: "down", snapshotCount: 3 });
    expect(failed.iceberg?.snapshots).toHaveLength(3);
    expect(buildState(base, [], null).iceberg).toBeNull();
  });
});

describe("Iceberg snapshots through a real REST catalog on a real S3", () => {
  let s3: S3Handle;
  let server: IcebergCatalog;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await startS3();
    server = await startIcebergCatalog({ s3, warehouse: `s3://${s3.bucket}/warehouse` });
    client = s3.client();
  }, 240_000);
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
    await s3?.stop();
  });

  it("lists a table's appended snapshot in /api/state: records, files, the group's offsets", async () => {
    const name = `web.${uniqueName("dash").replace(/-/g, "_")}`;
    const watcher = createIcebergWatcher({ table: name, catalogUri: server.uri, group: "g" });
    // no table yet (the sink creates it on first use): empty, not an error
    expect(await watcher.poll()).toEqual({ table: name, snapshots: [], snapshotCount: 0 });

    const catalog = createRestCatalog({ uri: server.uri });
    const table = await openWebLogTable({ catalog, table: name, storage: { client, endpoint: s3.endpoint } });
    const start = Date.parse("2026-11-26T10:00:00.000Z");
    const lines = Array.from({ length: 120 }, (_, i) =>
      JSON.stringify({
        ip: `10.0.0.${i % 250}`,
        timestamp: new Date(start + i * 1000).toISOString(),
        method: "GET",
        url: `/p/${i}`,
        status_code: 200,
        user_agent: "test",
      }),
    );
    const files = await table.writeDataFiles(lines);
    const c = await table.commitAppend("g", [{ topic: "t", partition: 3, start: 0, end: 120, files }]);

    let state: DashboardState | null = null;
    const http = await serveDashboard({
      host: "127.0.0.1",
      port: 0,
      webRoot: fileURLToPath(new URL("../dist/web", import.meta.url)),
      state: () => state,
    });
    try {
      const view = await watcher.poll();
      state = buildState(
        {
          atMs: Date.now(),
          topic: "t",
          bucket: s3.bucket,
          engine: "sink",
          s3: null,
          kafka: null,
          verdict: null,
          iceberg: view,
        },
        [],
        null,
      );
      const got = (await (await fetch(`${http.url}api/state`)).json()) as DashboardState;
      expect(got.iceberg?.table).toBe(name);
      expect(got.iceberg?.snapshotCount).toBe(1);
      expect(got.iceberg?.snapshots).toEqual([
        {
          snapshotId: c.snapshotId,
          timestampMs: expect.any(Number),
          operation: "append",
          addedFiles: files.length,
          addedRecords: 120,
          totalRecords: 120,
          current: true,
          offsets: [{ topic: "t", partition: 3, next: 120 }],
        },
      ]);
    } finally {
      await http.close();
    }
  });
});
