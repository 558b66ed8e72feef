import { describe, expect, it } from "vitest";
import { snapshotAsOf } from "../src/as-of";
import { decodeAvroFile, encodeAvroFile } from "../src/avro";
import { planCompaction } from "../src/compact-plan";
import { newSnapshotId, parseCatalogJson, stringifyCatalogJson } from "../src/json";
import type { ManifestEntry } from "../src/manifest";
import { formatOffsets, judgeRange, mergeOffsets, offsetsAt, offsetsKey, parseOffsets } from "../src/offsets";
import { partitionPath, partitionSpecFor, partitionValue } from "../src/schema";
import { parseTableName } from "../src/table";

describe("catalog JSON", () => {
  it("keeps 63-bit snapshot ids exact both ways", () => {
    const text =
      '{"current-snapshot-id":9223372036854775807,"snapshots":[{"snapshot-id":4611686018427387905,"parent-snapshot-id":12}],"x":1.5}';
    const v = parseCatalogJson(text) as {
      "current-snapshot-id": string;
      snapshots: { "snapshot-id": string }[];
    };
    expect(v["current-snapshot-id"]).toBe("9223372036854775807");
    expect(v.snapshots[0]?.["snapshot-id"]).toBe("4611686018427387905");
    expect(stringifyCatalogJson(v)).toBe(text);
  });
  it("makes positive ids below 2^53", () => {
    for (let i = 0; i < 100; i++) {
      const id = BigInt(newSnapshotId());
      expect(id > 0n && id < 2n ** 53n).toBe(true);
    }
  });
});

describe("offsets in snapshot summaries", () => {
  const key = offsetsKey("g");
  const snap = (id: string, parent: string | null, summary: Record<string, string>) => ({
    "snapshot-id": id,
    "parent-snapshot-id": parent,
    "timestamp-ms": 0,
    "manifest-list": "",
    summary,
  });
  it("merges forward and round-trips", () => {
    const base = parseOffsets('{"t":{"0":10,"1":5}}');
    const merged = mergeOffsets(
      base,
      new Map([
        ["t", new Map([[1, 9]])],
        ["u", new Map([[0, 3]])],
      ]),
    );
    expect(formatOffsets(merged)).toBe('{"t":{"0":10,"1":9},"u":{"0":3}}');
    expect(formatOffsets(base)).toBe('{"t":{"0":10,"1":5}}');
  });
  it("reads the newest snapshot with the group's key, passing over others", () => {
    const snaps = [snap("1", null, { [key]: '{"t":{"0":4}}' }), snap("2", "1", { operation: "replace" })];
    expect(formatOffsets(offsetsAt(snaps, "2", "g"))).toBe('{"t":{"0":4}}');
    expect(offsetsAt(snaps, "2", "other").size).toBe(0);
    expect(offsetsAt(snaps, null, "g").size).toBe(0);
  });
  it("judges a range: append at or past the table's offset, already-in at or past its end, else stale", () => {
    const t = parseOffsets('{"t":{"0":10}}');
    expect(judgeRange(t, { topic: "t", partition: 0, start: 10, end: 20 })).toBe("append");
    expect(judgeRange(t, { topic: "t", partition: 0, start: 12, end: 20 })).toBe("append");
    expect(judgeRange(t, { topic: "t", partition: 1, start: 7, end: 9 })).toBe("append");
    expect(judgeRange(t, { topic: "t", partition: 0, start: 5, end: 10 })).toBe("already-in");
    expect(judgeRange(t, { topic: "t", partition: 0, start: 5, end: 15 })).toBe("stale");
  });
});

describe("partitions", () => {
  const ms = Date.parse("2026-11-25T06:30:00.000Z");
  it("day and hour values and folders, as Iceberg's transforms give them", () => {
    expect(partitionValue(partitionSpecFor("day"), ms)).toBe(20_782);
    expect(partitionPath(partitionSpecFor("day"), 20_782)).toBe("timestamp_day=2026-11-25");
    expect(partitionPath(partitionSpecFor("hour"), partitionValue(partitionSpecFor("hour"), ms))).toBe(
      "timestamp_hour=2026-11-25-06",
    );
    expect(partitionValue(partitionSpecFor("none"), ms)).toBeNull();
  });
  it("table names need a namespace", () => {
    expect(parseTableName("a.b.logs")).toEqual({ namespace: ["a", "b"], name: "logs" });
    expect(() => parseTableName("logs")).toThrow(/iceberg.tables: 'logs' is not namespace.table/);
  });
});

describe("Avro container files", () => {
  it("keeps field ids in the header schema and longs beyond 2^53", () => {
    const schema = {
      type: "record",
      name: "r",
      fields: [{ name: "id", type: "long", "field-id": 7 }],
    };
    const body = encodeAvroFile(schema, { k: "v" }, [{ id: 2n ** 62n + 1n }, { id: 3n }]);
    const back = decodeAvroFile(body, "test");
    expect(back.metadata.k).toBe("v");
    expect(JSON.parse(back.metadata["avro.schema"] as string).fields[0]["field-id"]).toBe(7);
    expect(back.records.map((r) => r.id)).toEqual([2n ** 62n + 1n, 3n]);
    expect(() => decodeAvroFile(Buffer.from("nope"), "a manifest")).toThrow(
      /a manifest is not a readable Avro file/,
    );
  });
});

describe("time travel: the snapshot an --as-of names", () => {
  const snap = (id: string, ms: number) => ({
    "snapshot-id": id,
    "timestamp-ms": ms,
    "manifest-list": `s3://b/m/${id}.avro`,
    summary: {},
  });
  const metadata = {
    "format-version": 2,
    "table-uuid": "u",
    location: "s3://b/t",
    "current-schema-id": 0,
    schemas: [],
    "default-spec-id": 0,
    "partition-specs": [],
    "current-snapshot-id": "9007199254740993",
    snapshots: [
      snap("111", Date.parse("2026-12-01T10:00:00Z")),
      snap("9007199254740993", Date.parse("2026-12-01T11:00:00Z")),
    ],
  };
  it("finds a snapshot by its id, exactly (ids beyond 2^53 too)", () => {
    expect(snapshotAsOf(metadata, "111")?.["snapshot-id"]).toBe("111");
    expect(snapshotAsOf(metadata, "9007199254740993")?.["snapshot-id"]).toBe("9007199254740993");
    expect(snapshotAsOf(metadata, "9007199254740992")).toBeUndefined();
  });
  it("finds the snapshot current at an ISO time, and none before the first", () => {
    expect(snapshotAsOf(metadata, "2026-12-01T10:30:00Z")?.["snapshot-id"]).toBe("111");
    expect(snapshotAsOf(metadata, "2026-12-01T10:00:00Z")?.["snapshot-id"]).toBe("111");
    expect(snapshotAsOf(metadata, "2026-12-02")?.["snapshot-id"]).toBe("9007199254740993");
    expect(snapshotAsOf(metadata, "2026-12-01T09:59:59Z")).toBeUndefined();
  });
  it("names nothing for text that is neither", () => {
    expect(snapshotAsOf(metadata, "yesterday")).toBeUndefined();
    expect(snapshotAsOf(metadata, "2026-13-45")).toBeUndefined();
  });
});

describe("compaction plan", () => {
  const entry = (path: string, bytes: number, day: number | null, status = 1): ManifestEntry => ({
    status,
    snapshot_id: 1n,
    sequence_number: null,
    file_sequence_number: null,
    data_file: {
      file_path: path,
      record_count: BigInt(bytes / 10),
      file_size_in_bytes: BigInt(bytes),
      partition: day === null ? {} : { timestamp_day: day },
    },
  });
  it("packs a partition's small files into bins of at most the target, leaves big files and lone ones", () => {
    const entries = [
      entry("a", 400, 1),
      entry("b", 300, 1),
      entry("c", 300, 1),
      entry("d", 200, 1),
      entry("big", 800, 1), // >= 75% of 1000: left alone
      entry("gone", 100, 1, 2), // deleted: not live
      entry("lone", 100, 2), // the only small file of day 2
    ];
    const bins = planCompaction(entries, { targetFileSizeBytes: 1000 });
    expect(bins.map((b) => [b.partition, b.entries.map((e) => e.data_file.file_path), b.bytes])).toEqual([
      [1, ["a", "b", "c"], 1000],
    ]); // d alone in a second bin: nothing to gain
    expect(planCompaction(entries, { targetFileSizeBytes: 2000 })[0]?.entries).toHaveLength(5);
    expect(planCompaction(entries, { targetFileSizeBytes: 1000, partitions: [2] })).toEqual([]);
    expect(planCompaction(entries, { targetFileSizeBytes: 1000, minFiles: 5 })).toEqual([]);
  });
});
