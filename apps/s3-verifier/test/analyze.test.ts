import { formatObjectKey } from "@weblog/sink-contract";
import { describe, expect, it } from "vitest";
import { analyze, subtractOffsets } from "../src/analyze";
import type { KafkaState, ScannedObject, ScanResult } from "../src/model";
import { renderText } from "../src/report";

const TOPIC = "weblogs";

/** An object of `records` records starting at `start`; record hashes are unique per (partition, offset). */
function obj(
  partition: number,
  start: number,
  records: number,
  extra: Partial<ScannedObject> = {},
): ScannedObject {
  const parts = {
    topic: TOPIC,
    encodedPartition: `partition=${partition}`,
    kafkaPartition: partition,
    startOffset: BigInt(start),
    compression: "none" as const,
  };
  return {
    key: formatObjectKey(parts),
    size: records * 100,
    lastModifiedMs: 10_000,
    parts,
    records,
    invalid: [],
    newestRecordMs: 9_000,
    recordHashes: Array.from({ length: records }, (_, i) => `h-${partition}-${start + i}`),
    ...extra,
  };
}

function scan(objects: ScannedObject[], unparsable: ScanResult["unparsable"] = []): ScanResult {
  return {
    bucket: "b",
    prefix: "topics/",
    objects,
    unparsable,
    listed: objects.length,
    bytes: 0,
    elapsedMs: 1,
  };
}

function kafka(parts: [number, number, number, number | null][]): KafkaState {
  return {
    brokers: ["127.0.0.1:9092"],
    group: "g",
    topics: [
      {
        topic: TOPIC,
        exists: true,
        partitions: parts.map(([partition, low, high, committed]) => ({
          partition,
          low: BigInt(low),
          high: BigInt(high),
          committed: committed === null ? null : BigInt(committed),
        })),
      },
    ],
  };
}

const kinds = (a: ReturnType<typeof analyze>) => a.findings.map((f) => f.kind);

/** Two partitions of 30 records each in objects of 10: the clean baseline every fault is planted into. */
const clean = () => [
  obj(0, 0, 10),
  obj(0, 10, 10),
  obj(0, 20, 10),
  obj(1, 0, 10),
  obj(1, 10, 10),
  obj(1, 20, 10),
];

describe("analyze", () => {
  it("a record within LastModified's whole-second precision is latency 0, not skew", () => {
    const objects = clean().map((o) => ({ ...o, lastModifiedMs: 10_000, newestRecordMs: 10_700 }));
    const a = analyze(scan(objects), null, { flushSize: 10 });
    expect(a.latency).toMatchObject({ minMs: 0, maxMs: 0, skewed: 0 });
  });

  it("reports records stamped after their object was stored as clock skew, signed, never clamped", () => {
    const objects = clean().map((o, i) => (i < 4 ? { ...o, newestRecordMs: 12_500 } : o));
    const a = analyze(
      scan(objects),
      kafka([
        [0, 0, 30, 30],
        [1, 0, 30, 30],
      ]),
      { flushSize: 10 },
    );
    expect(a.latency).toMatchObject({ samples: 6, minMs: -2500, maxMs: 1000, skewed: 4 });
    expect(a.ok).toBe(true);
    const note = a.notes.find((n) => n.kind === "clock-skew");
    expect(note?.message).toMatch(/4 of 6 objects .*by up to 2500 ms/);
    expect(renderText(a, scan(objects))).toMatch(/total .* -2\.5s\/1\.0s\/1\.0s \(4 skewed\)/);
  });

  it("passes a clean bucket with correct counts, ranges and latency", () => {
    const a = analyze(
      scan(clean()),
      kafka([
        [0, 0, 30, 30],
        [1, 0, 30, 30],
      ]),
      { flushSize: 10, expectCount: 60 },
    );
    expect(a.findings).toEqual([]);
    expect(a.ok).toBe(true);
    expect(a.totals).toMatchObject({ objects: 6, records: 60, partitions: 2, lag: 0n, missing: 0n });
    expect(a.partitions.map((p) => [p.partition, p.objects, p.records, p.firstOffset, p.lastOffset])).toEqual(
      [
        [0, 3, 30, 0n, 29n],
        [1, 3, 30, 0n, 29n],
      ],
    );
    expect(a.latency).toEqual({ samples: 6, minMs: 1000, p50Ms: 1000, p95Ms: 1000, maxMs: 1000, skewed: 0 });
    expect(a.notes.map((n) => n.kind)).not.toContain("clock-skew");
    expect(a.verdict).toMatch(/^OK: 60 records in 6 objects over 2 partitions/);
  });

  it("names a gap between two objects", () => {
    const objects = clean().filter((o) => !(o.parts.kafkaPartition === 1 && o.parts.startOffset === 10n));
    const a = analyze(scan(objects), null);
    expect(kinds(a)).toEqual(["gap"]);
    expect(a.findings[0]).toMatchObject({ partition: 1, range: { from: 10n, to: 19n }, count: 10 });
    expect(a.findings[0]?.message).toContain("weblogs/1: offsets 10..19");
    expect(a.partitions[1]?.gaps).toEqual([{ from: 10n, to: 19n }]);
    expect(a.ok).toBe(false);
    expect(a.verdict).toMatch(/^FAIL: 1 discrepancy \(1 gap\)/);
  });

  it("names an overlap and does not also call its records duplicates", () => {
    const a = analyze(scan([...clean(), obj(0, 25, 10)]), null);
    expect(kinds(a)).toEqual(["overlap"]);
    expect(a.findings[0]).toMatchObject({ range: { from: 25n, to: 29n }, count: 5 });
    expect(a.partitions[0]?.overlaps).toBe(5);
    expect(a.totals.duplicateRecords).toBe(0);
  });

  it("identical records at different offsets: twins (a note) unless Kafka holds different records there", () => {
    const objects = clean();
    const victim = objects[4] as ScannedObject; // partition 1, offsets 10..19
    victim.recordHashes[3] = "h-0-5"; // the same content as partition 0 offset 5, at partition 1 offset 13
    // Without Kafka's values: each offset is held once, so no record is in S3 twice: a note, unconfirmed.
    const blind = analyze(scan(objects), null);
    expect(blind.ok).toBe(true);
    expect(blind.totals).toMatchObject({ duplicateRecords: 0, twinRecords: 1 });
    expect(blind.notes.map((n) => n.kind)).toEqual(["twin-records"]);
    expect(blind.notes[0]?.message).toContain("(line 6) is identical to");
    expect(blind.notes[0]?.message).toContain("with --brokers");
    expect(blind.twinsToConfirm).toEqual([
      { topic: TOPIC, partition: 0, offset: 5n },
      { topic: TOPIC, partition: 1, offset: 13n },
    ]);
    const at = (partition: number, offset: number, hash: string) => ({
      topic: TOPIC,
      partition,
      offset: BigInt(offset),
      hash,
    });
    const withValues = (a: string, b: string) => ({
      ...kafka([
        [0, 0, 30, 30],
        [1, 0, 30, 30],
      ]),
      values: [at(0, 5, a), at(1, 13, b)],
    });
    // Kafka holds the same value at both: twins, confirmed.
    const twins = analyze(scan(objects), withValues("x", "x"));
    expect(twins.ok).toBe(true);
    expect(twins.notes.find((n) => n.kind === "twin-records")?.message).toContain("as in Kafka");
    expect(twins.twinsToConfirm).toEqual([]);
    // Kafka holds different records: S3 has offset 5's record in offset 13's place.
    const wrong = analyze(scan(objects), withValues("x", "y"));
    expect(kinds(wrong)).toEqual(["duplicate-record"]);
    expect(wrong.findings[0]?.keys).toEqual([objects[0]?.key, victim.key]);
    expect(wrong.totals.duplicateRecords).toBe(1);
    expect(wrong.findings[0]?.message).toContain("where Kafka holds a different record");
    // --allow-duplicates: still counted and shown, as a note.
    const allowed = analyze(scan(objects), withValues("x", "y"), { allowDuplicates: true });
    expect(allowed.ok).toBe(true);
    expect(allowed.totals.duplicateRecords).toBe(1);
    expect(allowed.notes.map((n) => n.kind)).toContain("duplicate-record");
  });

  it("names an invalid record with its object key and line", () => {
    const objects = clean();
    const bad = objects[1] as ScannedObject;
    bad.invalid.push({ line: 4, code: "NOT_JSON", message: "not JSON" });
    const a = analyze(scan(objects), null);
    expect(kinds(a)).toEqual(["invalid-record"]);
    expect(a.findings[0]).toMatchObject({ keys: [bad.key], line: 4 });
    expect(a.findings[0]?.message).toContain(`${bad.key} line 4`);
    expect(a.totals.invalidRecords).toBe(1);
    // The invalid record still occupied its offset: coverage stays whole.
    expect(a.partitions[0]?.gaps).toEqual([]);
  });

  it("names an object holding more records than flush.size", () => {
    const objects = [obj(0, 0, 10), obj(0, 10, 12), obj(0, 22, 8)];
    const a = analyze(scan(objects), null, { flushSize: 10 });
    expect(kinds(a)).toEqual(["over-flush-size"]);
    expect(a.findings[0]).toMatchObject({ keys: [objects[1]?.key], count: 12 });
    expect(analyze(scan(objects), null).ok).toBe(true);
  });

  it("names an object of 2+ records holding more line bytes than weblog.flush.size.bytes (one big record alone is fine)", () => {
    const objects = [obj(0, 0, 10), obj(0, 10, 12), obj(0, 22, 1)];
    (objects[0] as ScannedObject).lineBytes = 1000;
    (objects[1] as ScannedObject).lineBytes = 1001;
    (objects[2] as ScannedObject).lineBytes = 5000;
    const a = analyze(scan(objects), null, { flushSizeBytes: 1000 });
    expect(kinds(a)).toEqual(["over-flush-size-bytes"]);
    expect(a.findings[0]).toMatchObject({ keys: [objects[1]?.key] });
    expect(a.findings[0]?.message).toContain("1001 bytes of records, more than weblog.flush.size.bytes 1000");
    expect(analyze(scan(objects), null).ok).toBe(true);
  });

  it("reports an unparsable key without failing the rest", () => {
    const a = analyze(
      scan(clean(), [{ key: "topics/weblogs/notes.txt", reason: "bad name", size: 3 }]),
      null,
    );
    expect(kinds(a)).toEqual(["unparsable-key"]);
    expect(a.findings[0]?.message).toContain("topics/weblogs/notes.txt");
    expect(a.totals.records).toBe(60);
  });

  it("names records the group committed that are missing from S3 as loss, and the rest as lag", () => {
    // Partition 0: objects up to 29, committed 40, high 50: 30..39 lost, 40..49 lag.
    const a = analyze(
      scan(clean()),
      kafka([
        [0, 0, 50, 40],
        [1, 0, 30, 30],
      ]),
    );
    expect(kinds(a)).toEqual(["committed-but-missing"]);
    expect(a.findings[0]).toMatchObject({ partition: 0, range: { from: 30n, to: 39n }, count: 10 });
    expect(a.partitions[0]?.kafka).toMatchObject({ lag: 10n, missing: 10n });
    expect(a.totals).toMatchObject({ lag: 10n, missing: 10n });
    expect(a.notes.map((n) => n.kind)).toEqual(["lag"]);
  });

  it("treats a committed range inside a gap as loss", () => {
    const objects = clean().filter((o) => !(o.parts.kafkaPartition === 0 && o.parts.startOffset === 10n));
    const a = analyze(
      scan(objects),
      kafka([
        [0, 0, 30, 30],
        [1, 0, 30, 30],
      ]),
    );
    expect(kinds(a)).toEqual(["committed-but-missing"]);
    expect(a.findings[0]?.range).toEqual({ from: 10n, to: 19n });
  });

  it("does not call offsets below the low watermark loss (expired from Kafka)", () => {
    // Partition 0 holds 20..29 only; Kafka retains 20.. now; 0..19 expired before the sink read them.
    const objects = [obj(0, 20, 10)];
    const a = analyze(scan(objects), kafka([[0, 20, 30, 30]]));
    expect(a.findings).toEqual([]);
    expect(a.notes.map((n) => n.kind)).toEqual(["expired-from-kafka"]);
  });

  it("reports lag (not yet delivered) without failing, unless over --max-lag", () => {
    const k = kafka([
      [0, 0, 35, null],
      [1, 0, 30, null],
    ]);
    const a = analyze(scan(clean()), k);
    expect(a.ok).toBe(true);
    expect(a.totals.lag).toBe(5n);
    expect(a.verdict).toContain("5 not delivered yet");
    expect(kinds(analyze(scan(clean()), k, { maxLag: 4 }))).toEqual(["lag-over-limit"]);
  });

  it("does not call offsets found in the dead-letter topic gaps", () => {
    // Offset 15 of partition 0 went to the DLQ: the sink's object starting at 10 holds 10..14, the next 16..25.
    const objects = [obj(0, 0, 10), obj(0, 10, 5), obj(0, 16, 10)];
    const k = {
      ...kafka([[0, 0, 26, 26]]),
      dlq: {
        topic: "weblogs-dlq",
        exists: true,
        records: 1,
        partitions: [{ topic: TOPIC, partition: 0, offsets: [15n] }],
      },
    };
    const a = analyze(scan(objects), k);
    expect(a.findings).toEqual([]);
    expect(a.partitions[0]?.kafka?.deadLettered).toBe(1n);
    expect(a.notes.map((n) => n.kind)).toEqual(["dead-lettered"]);
    // Without the DLQ the same hole is loss (committed) and named.
    expect(analyze(scan(objects), kafka([[0, 0, 26, 26]])).findings.map((f) => f.kind)).toEqual([
      "committed-but-missing",
    ]);
  });

  it("places records after a dead-lettered offset at their real offsets when checking duplicates", () => {
    // Offset 1 went to the DLQ, so the first object's 3 lines are offsets 0, 2 and 3; the second object redelivers
    // 3 and 4. Offset 3 in both is an overlap (named once), not also a duplicate "at another offset".
    const first = obj(0, 0, 3, { recordHashes: ["h-0", "h-2", "h-3"] });
    const again = obj(0, 3, 2, { recordHashes: ["h-3", "h-4"] });
    const k = {
      ...kafka([[0, 0, 5, 5]]),
      dlq: {
        topic: "weblogs-dlq",
        exists: true,
        records: 1,
        partitions: [{ topic: TOPIC, partition: 0, offsets: [1n] }],
      },
    };
    const a = analyze(scan([first, again]), k);
    expect(a.findings.map((f) => [f.kind, f.range])).toEqual([["overlap", { from: 3n, to: 3n }]]);
    expect(a.totals.duplicateRecords).toBe(0);
  });

  it("accounts for tombstones read from Kafka (ignored by the sink) inside objects, between them and at the tail", () => {
    // Partition 0, offsets 0..31: tombstones at 3 (inside the first object), 12 (inside the second), 31 (the tail);
    // 20 went to the DLQ. Objects of 10 records: 0..10 (skips 3), 11..21 (skips 12 and 20), 22..30.
    const objects = [obj(0, 0, 10), obj(0, 11, 9), obj(0, 22, 9)];
    const base = {
      ...kafka([[0, 0, 32, 32]]),
      dlq: {
        topic: "weblogs-dlq",
        exists: true,
        records: 1,
        partitions: [{ topic: TOPIC, partition: 0, offsets: [20n] }],
      },
    };
    const blind = analyze(scan(objects), base);
    expect(blind.ok).toBe(false); // without the tombstones, 3 committed offsets look lost
    expect(blind.totals.missing).toBe(3n);
    const k = { ...base, tombstones: [{ topic: TOPIC, partition: 0, offsets: [31n, 3n, 12n] }] };
    const a = analyze(scan(objects), k);
    expect(a.findings).toEqual([]);
    expect(a.ok).toBe(true);
    expect(a.partitions[0]?.kafka).toMatchObject({ deadLettered: 1n, tombstones: 3n, missing: 0n, lag: 0n });
    expect(a.partitions[0]?.lastOffset).toBe(30n);
    expect(a.notes.map((n) => n.kind).sort()).toEqual(["dead-lettered", "tombstones"]);
    expect(a.notes.find((n) => n.kind === "tombstones")?.message).toMatch(/3 offsets .* tombstones/);
  });

  it("subtractOffsets splits a range around removed offsets", () => {
    expect(subtractOffsets({ from: 0n, to: 9n }, [0n, 3n, 4n, 9n, 12n])).toEqual({
      ranges: [
        { from: 1n, to: 2n },
        { from: 5n, to: 8n },
      ],
      removed: 4n,
    });
  });

  it("names an object beyond the high watermark and records Kafka holds before the first object", () => {
    const a = analyze(scan([obj(0, 5, 10)]), kafka([[0, 0, 12, null]]));
    expect(kinds(a).sort()).toEqual(["beyond-high-watermark", "missing-from-s3"]);
  });

  it("without Kafka, notes (not fails) offsets before the first object", () => {
    const a = analyze(scan([obj(0, 100, 10)]), null);
    expect(a.ok).toBe(true);
    expect(a.notes.map((n) => n.kind)).toEqual(["not-checked"]);
  });

  it("checks --expect-count and reports unreadable and empty objects", () => {
    const objects = [...clean(), obj(2, 0, 0), obj(3, 0, 0, { readError: "incorrect header check" })];
    const a = analyze(scan(objects), null, { expectCount: 61 });
    expect(kinds(a).sort()).toEqual(["count-mismatch", "empty-object", "unreadable-object"]);
  });

  describe("field partitioner (offsets interleave between objects)", () => {
    /** Partition 0, offsets 0..29: even offsets under status_code=200, odd under status_code=404, files of 5. */
    function fieldObjects(): ScannedObject[] {
      const out: ScannedObject[] = [];
      for (const [path, parity] of [
        ["status_code=200", 0],
        ["status_code=404", 1],
      ] as const) {
        const offsets = Array.from({ length: 15 }, (_, i) => 2 * i + parity);
        for (let i = 0; i < offsets.length; i += 5) {
          const chunk = offsets.slice(i, i + 5);
          const parts = {
            topic: TOPIC,
            encodedPartition: path,
            kafkaPartition: 0,
            startOffset: BigInt(chunk[0] as number),
            compression: "none" as const,
          };
          out.push({
            key: formatObjectKey(parts),
            size: 500,
            lastModifiedMs: 10_000,
            parts,
            records: chunk.length,
            invalid: [],
            newestRecordMs: 9_000,
            recordHashes: chunk.map((o) => `h-0-${o}`),
          });
        }
      }
      return out;
    }

    it("does not call interleaved offsets overlaps or gaps, and checks the count against Kafka", () => {
      const a = analyze(scan(fieldObjects()), kafka([[0, 0, 30, 30]]));
      expect(a.findings).toEqual([]);
      expect(a.notes.map((n) => n.kind)).toEqual(["interleaved-partitioner"]);
      expect(a.partitions[0]).toMatchObject({ records: 30, firstOffset: 0n, lastOffset: null, overlaps: 0 });
      expect(a.partitions[0]?.kafka).toMatchObject({ lag: 0n, missing: 0n });
    });

    it("names committed records missing by count, and two objects starting at the same offset", () => {
      const objects = fieldObjects().slice(1); // drop status_code=200's first file (offsets 0,2,4,6,8)
      const missing = analyze(scan(objects), kafka([[0, 0, 30, 30]]));
      expect(missing.findings.map((f) => f.kind)).toEqual(["committed-but-missing"]);
      expect(missing.findings[0]?.count).toBe(5); // 30 offsets committed, 25 held
      const again = fieldObjects();
      const twin = {
        ...(again[0] as ScannedObject),
        key: (again[0] as ScannedObject).key.replace("status_code=200", "status_code=500"),
      };
      const doubled = analyze(scan([...again, twin]), kafka([[0, 0, 30, 30]]));
      expect(doubled.findings.map((f) => f.kind).sort()).toEqual(["duplicate-record", "overlap"]);
    });
  });
});
