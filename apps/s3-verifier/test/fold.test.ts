import { existsSync } from "node:fs";
import { formatObjectKey } from "@weblog/sink-contract";
import { describe, expect, it } from "vitest";
import { analyze } from "../src/analyze";
import { createFold } from "../src/analyze/fold";
import { createRecordIndex } from "../src/analyze/record-index";
import { expandRun, startsAt, type Template, templateOf } from "../src/analyze/runs";
import type { KafkaState, ScannedObject } from "../src/model";

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
    lastModifiedMs: 10_000 + start,
    parts,
    records,
    invalid: [],
    newestRecordMs: 9_000,
    recordHashes: Array.from({ length: records }, (_, i) => `h-${partition}-${start + i}`),
    ...extra,
  };
}

/** A deterministic shuffle (reads finish in any order). */
function shuffled<T>(items: T[], seed = 7): T[] {
  const out = [...items];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const scanOf = (objects: ScannedObject[]) => ({
  bucket: "b",
  prefix: "topics/",
  objects,
  unparsable: [],
  listed: objects.length,
  bytes: 0,
  elapsedMs: 1,
});

describe("fold: a partition's objects as runs", () => {
  it("objects read in any order join one run per partition; nothing is kept whole", () => {
    const objects = [0, 1, 2].flatMap((p) => Array.from({ length: 500 }, (_, i) => obj(p, i * 10, 10)));
    const fold = createFold();
    for (const o of shuffled(objects)) fold.add(o);
    expect(fold.partitions.map((p) => p.runs.all.size)).toEqual([1, 1, 1]);
    expect(fold.kept).toHaveLength(0);
    expect(fold.objects()).toBe(1500);
    const [run] = [...(fold.partitions[0]?.runs.all ?? [])];
    expect(run?.counts).toEqual([10, 500]);
    fold.close();
  });

  it("a run gives back every object's key, start and records", () => {
    const objects = [obj(0, 0, 3), obj(0, 3, 5), obj(0, 8, 5), obj(0, 13, 1)];
    const fold = createFold();
    for (const o of shuffled(objects)) fold.add(o);
    const [run] = [...(fold.partitions[0]?.runs.all ?? [])];
    if (!run) throw new Error("no run");
    const back = [...expandRun(run, fold.templates[run.tpl] as Template)];
    expect(back).toEqual(
      objects.map((o) => ({ key: o.key, start: o.parts.startOffset, records: o.records })),
    );
    expect([0n, 3n, 8n, 13n].map((s) => startsAt(run, s))).toEqual([true, true, true, true]);
    expect([1n, 9n, 14n].map((s) => startsAt(run, s))).toEqual([false, false, false]);
    expect(fold.has(objects[2]?.key as string, objects[2]?.parts as ScannedObject["parts"])).toBe(true);
    fold.close();
  });

  it("a key is a template only when the template gives the key back", () => {
    const o = obj(0, 5, 2);
    const key = o.key.replace(/0+5\.json$/, "5.json");
    expect(templateOf(key, o.parts)).not.toBeNull();
    expect(templateOf(o.key.replace(".json", ".x.json"), o.parts)?.tail).toBe(".x.json");
    expect(templateOf(`${o.key}.bak`, o.parts)).not.toBeNull();
    expect(templateOf(o.key.replace(/\d+\.json$/, "x.json"), o.parts)).toBeNull();
  });
});

describe("fold: the record index", () => {
  it("finds records held twice across what it spilled to disk and what it still buffers, and deletes its files", () => {
    const index = createRecordIndex();
    const n = 200_000; // ~5.6 MB of tuples: every bucket spills
    for (let i = 0; i < n; i++)
      index.add((i * 2654435761) >>> 0, i, { partition: 0, ref: 0, start: i, line: 0 });
    index.add((77 * 2654435761) >>> 0, 77, { partition: 1, ref: -1, start: 5, line: 3 });
    const dir = index.spillDir;
    expect(dir && existsSync(dir)).toBeTruthy();
    expect(index.repeats()).toEqual([
      [
        { partition: 0, ref: 0, start: 77, line: 0 },
        { partition: 1, ref: -1, start: 5, line: 3 },
      ],
    ]);
    index.close();
    expect(existsSync(dir as string)).toBe(false);
  });
});

describe("fold: the same verdict as object by object", () => {
  const kafka: KafkaState = {
    brokers: ["127.0.0.1:9092"],
    group: "g",
    topics: [
      {
        topic: TOPIC,
        exists: true,
        partitions: [
          { partition: 0, low: 0n, high: 2000n, committed: 2000n },
          { partition: 1, low: 0n, high: 2000n, committed: 2000n },
        ],
      },
    ],
    dlq: {
      topic: "dlq",
      exists: true,
      records: 1,
      partitions: [{ topic: TOPIC, partition: 1, offsets: [505n] }],
    },
  };

  it("overlap, gap, dead letter inside a run, twin and invalid line: the report does not depend on read order", () => {
    const objects: ScannedObject[] = [];
    for (let s = 0; s < 2000; s += 10) if (s !== 700) objects.push(obj(0, s, 10)); // gap 700..709
    objects.push(obj(0, 1200, 10, { key: obj(0, 1200, 10).key.replace(".json", ".json.gz") })); // overlap
    for (let s = 0; s < 2000; s += 10) {
      // Offset 505 was dead-lettered: the object holding it spans 11 offsets with 10 records.
      if (s === 500) objects.push(obj(1, 500, 10));
      else if (s > 500) objects.push(obj(1, s + 1, s === 1990 ? 9 : 10));
      else objects.push(obj(1, s, 10));
    }
    const twin = objects.find(
      (o) => o.parts.kafkaPartition === 1 && o.parts.startOffset === 50n,
    ) as ScannedObject;
    twin.recordHashes[2] = "h-0-30"; // identical to partition 0 offset 30
    const bad = objects.find((o) => o.parts.startOffset === 400n) as ScannedObject;
    bad.invalid = [{ line: 4, code: "bad-json", message: "not JSON" }];
    const inOrder = analyze(scanOf(objects), kafka, { flushSize: 10 });
    const anyOrder = analyze(scanOf(shuffled(objects, 3)), kafka, { flushSize: 10 });
    expect(anyOrder).toEqual(inOrder);
    expect(inOrder.partitions.map((p) => [p.objects, p.records, p.overlaps, p.gaps])).toEqual([
      [200, 2000, 10, [{ from: 700n, to: 709n }]],
      [200, 1999, 0, []],
    ]);
    expect(inOrder.partitions[1]?.kafka?.deadLettered).toBe(1n);
    expect(inOrder.findings.map((f) => f.kind).sort()).toEqual([
      "committed-but-missing",
      "invalid-record",
      "overlap",
    ]);
    expect(inOrder.findings.find((f) => f.kind === "overlap")?.keys).toEqual([
      obj(0, 1200, 10).key,
      obj(0, 1200, 10).key.replace(".json", ".json.gz"),
    ]);
    expect(inOrder.totals.twinRecords).toBe(1);
  });
});

describe("fold: a record's 64-bit identity", () => {
  it("is the first 8 bytes of the scan's base64 hash, decoded without a Buffer", async () => {
    const { recordHash } = await import("../src/scan");
    const { hash64 } = await import("../src/analyze/record-index");
    for (const line of ["a", "b", '{"x":1}', "é"]) {
      const h = recordHash(line);
      const b = Buffer.from(h, "base64");
      expect(hash64(h)).toEqual([b.readUInt32BE(0), b.readUInt32BE(4)]);
    }
  });
});

describe("fold: the record index's files", () => {
  it("are deleted when the process exits without close() (a signal ends the run: main.ts exits 130)", async () => {
    const { spawnSync } = await import("node:child_process");
    const script = `
      import { createRecordIndex } from "./src/analyze/record-index.ts";
      const index = createRecordIndex();
      for (let i = 0; i < 200000; i++) index.add(i >>> 0, i, { partition: 0, ref: 0, start: i, line: 0 });
      process.stdout.write(index.spillDir ?? "none");
      process.exit(130);
    `;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: new URL("..", import.meta.url).pathname,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).toBe(130);
    expect(r.stdout).toMatch(/s3-verifier-/);
    expect(existsSync(r.stdout)).toBe(false);
  });
});
