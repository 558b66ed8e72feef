import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatObjectKey } from "@weblog/sink-contract";
import { afterAll, describe, expect, it } from "vitest";
import { analyze } from "../src/analyze";
import { loadCheckpoint, nextCheckpoint, provenState, saveCheckpoint } from "../src/checkpoint/checkpoint";
import type { KafkaState, ProvenRange, ScannedObject, ScanResult } from "../src/model";
import { parsePartitions, parseSince } from "../src/options";
import { unreadReason } from "../src/scan";

const TOPIC = "weblogs";

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
    lastModifiedMs: 20_000,
    parts,
    records,
    invalid: [],
    newestRecordMs: 19_000,
    recordHashes: Array.from({ length: records }, (_, i) => `h-${partition}-${start + i}`),
    ...extra,
  };
}

const scan = (objects: ScannedObject[], extra: Partial<ScanResult> = {}): ScanResult => ({
  bucket: "b",
  prefix: "topics/",
  objects,
  unparsable: [],
  listed: objects.length,
  bytes: 0,
  elapsedMs: 1,
  ...extra,
});

const kafka = (high: number, committed: number | null = null): KafkaState => ({
  brokers: ["127.0.0.1:9092"],
  group: "g",
  topics: [
    {
      topic: TOPIC,
      exists: true,
      partitions: [
        {
          partition: 0,
          low: 0n,
          high: BigInt(high),
          committed: committed === null ? null : BigInt(committed),
        },
      ],
    },
  ],
});

/** Partition 0 proven through offset 29, the last object starting at 20. */
const proven = (): Map<string, ProvenRange> =>
  new Map([[`${TOPIC}/0`, { first: 0n, last: 29n, key: obj(0, 20, 10).key }]]);

describe("analysis continuing from a checkpoint's proven range", () => {
  it("new objects right after the proven range: OK, the partition spans both", () => {
    const a = analyze(scan([obj(0, 30, 10), obj(0, 40, 10)]), kafka(50, 50), { proven: proven() });
    expect(a.findings).toEqual([]);
    expect(a.partitions[0]).toMatchObject({
      firstOffset: 0n,
      lastOffset: 49n,
      records: 20,
      lastKey: obj(0, 40, 10).key,
    });
  });

  it("a gap at the seam is found", () => {
    // Without a group's commits the hole is a gap; with them, committed offsets missing (loss).
    const a = analyze(scan([obj(0, 40, 10)]), kafka(50), { proven: proven() });
    expect(a.ok).toBe(false);
    expect(a.findings.map((f) => [f.kind, f.range])).toEqual([["gap", { from: 30n, to: 39n }]]);
    const lost = analyze(scan([obj(0, 40, 10)]), kafka(50, 50), { proven: proven() });
    expect(lost.findings.map((f) => [f.kind, f.range])).toEqual([
      ["committed-but-missing", { from: 30n, to: 39n }],
    ]);
  });

  it("an object reaching back into the proven range is an overlap with the seam object", () => {
    const a = analyze(scan([obj(0, 25, 10)]), null, { proven: proven() });
    expect(a.findings).toHaveLength(1);
    expect(a.findings[0]).toMatchObject({ kind: "overlap", range: { from: 25n, to: 29n } });
    expect(a.findings[0]?.keys).toEqual([obj(0, 20, 10).key, obj(0, 25, 10).key]);
  });

  it("no new objects: the proven range still counts against Kafka (lag after it, loss if committed)", () => {
    expect(analyze(scan([]), kafka(40, 30), { proven: proven() }).ok).toBe(true);
    const lost = analyze(scan([]), kafka(40, 40), { proven: proven() });
    expect(lost.findings.map((f) => [f.kind, f.range])).toEqual([
      ["committed-but-missing", { from: 30n, to: 39n }],
    ]);
  });

  it("an object rewritten inside the proven range must still end where the next one starts", () => {
    const same = analyze(scan([obj(0, 10, 10, { nextStart: 20n })]), null, { proven: proven() });
    expect(same.findings).toEqual([]);
    const shorter = analyze(scan([obj(0, 10, 9, { nextStart: 20n })]), null, { proven: proven() });
    expect(shorter.findings.map((f) => [f.kind, f.range])).toEqual([["gap", { from: 19n, to: 19n }]]);
    const longer = analyze(scan([obj(0, 10, 11, { nextStart: 20n })]), null, { proven: proven() });
    expect(longer.findings.map((f) => [f.kind, f.range])).toEqual([["overlap", { from: 20n, to: 20n }]]);
  });

  it("the seam object rewritten with a line less leaves a gap before the next object", () => {
    const a = analyze(scan([obj(0, 20, 9), obj(0, 30, 10)]), null, { proven: proven() });
    expect(a.findings.map((f) => [f.kind, f.range])).toEqual([["gap", { from: 29n, to: 29n }]]);
  });

  it("--since: offsets before the first object read are not judged (a note), not missing", () => {
    const a = analyze(scan([obj(0, 30, 10)], { scoped: [`${TOPIC}/0`] }), kafka(40, 40));
    expect(a.findings).toEqual([]);
    expect(a.notes.map((n) => n.kind)).toContain("not-checked");
  });
});

describe("which listed objects are left unread", () => {
  const p = { proven: new Map([[`${TOPIC}/0`, { last: 29n, newestMs: 20_000 }]]) };
  const parts = (partition: number, start: number) => ({
    topic: TOPIC,
    kafkaPartition: partition,
    startOffset: BigInt(start),
  });
  it("proven and not stored since: unread; stored later or past the range: read", () => {
    expect(unreadReason(parts(0, 20), 20_000, p)).toBe("proven");
    expect(unreadReason(parts(0, 20), 21_000, p)).toBeNull();
    expect(unreadReason(parts(0, 30), 20_000, p)).toBeNull();
    expect(unreadReason(parts(1, 0), 20_000, p)).toBeNull();
  });
  it("--partition and --since", () => {
    expect(unreadReason(parts(1, 0), 1, { partitions: new Set([0]) })).toBe("other-partition");
    expect(unreadReason(parts(0, 0), 1_000, { sinceMs: 2_000 })).toBe("before-since");
    expect(unreadReason(parts(0, 0), 2_000, { sinceMs: 2_000 })).toBeNull();
  });
});

describe("the checkpoint file", () => {
  let dir: string;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("round-trips, advances only partitions it saw, and names a wrong or foreign file in one line", async () => {
    dir = await mkdtemp(join(tmpdir(), "verifier-cp-"));
    const file = join(dir, "cp.json");
    expect(await loadCheckpoint(file, { bucket: "b", prefix: "topics/" })).toBeNull();
    const s = scan([obj(0, 0, 10), obj(0, 10, 10, { lastModifiedMs: 25_000 })]);
    const first = nextCheckpoint(null, analyze(s, null), s, new Date(0));
    first.partitions[`${TOPIC}/7`] = { first: "0", last: "4", key: "k7", newestMs: 1 };
    await saveCheckpoint(file, first);
    const loaded = await loadCheckpoint(file, { bucket: "b", prefix: "topics/" });
    expect(loaded?.partitions[`${TOPIC}/0`]).toEqual({
      first: "0",
      last: "19",
      key: obj(0, 10, 10).key,
      newestMs: 25_000,
    });
    const state = provenState(loaded, (id) => id.endsWith("/0"));
    expect(state.ranges.get(`${TOPIC}/0`)).toEqual({ first: 0n, last: 19n, key: obj(0, 10, 10).key });
    expect(state.scan.has(`${TOPIC}/7`)).toBe(false);
    const s2 = scan([obj(0, 20, 5)]);
    const next = nextCheckpoint(loaded, analyze(s2, null, { proven: state.ranges }), s2, new Date(0));
    expect(next.partitions[`${TOPIC}/0`]).toMatchObject({ first: "0", last: "24", newestMs: 25_000 });
    expect(next.partitions[`${TOPIC}/7`]).toMatchObject({ last: "4" });

    await expect(loadCheckpoint(file, { bucket: "other", prefix: "topics/" })).rejects.toThrow(
      /--checkpoint .*written for s3:\/\/b\/topics\/, not s3:\/\/other\/topics\//,
    );
    await writeFile(file, "{nope");
    await expect(loadCheckpoint(file, { bucket: "b", prefix: "topics/" })).rejects.toThrow(
      /is not JSON; delete/,
    );
  });
});

describe("--since and --partition values", () => {
  it("parses ISO times, durations back from now, and partition lists; names the flag otherwise", () => {
    expect(parseSince("2026-12-07T00:00:00Z")).toBe(Date.UTC(2026, 11, 7));
    expect(parseSince("24h", 100_000_000)).toBe(100_000_000 - 86_400_000);
    expect(() => parseSince("yesterday")).toThrow(/^--since "yesterday" is neither/);
    expect(parsePartitions("3, 0,3")).toEqual([0, 3]);
    expect(() => parsePartitions("0,x")).toThrow(/^--partition "0,x"/);
  });
});
