/** companions.ts over a scan's data (pure: the store and Kafka are given as functions of this run's data). */
import { headersLine, keyLine } from "@weblog/sink-contract";
import { describe, expect, it } from "vitest";
import { checkCompanions, companionViews } from "../src/companions";
import type { CompanionLines } from "../src/kafka";
import type { ScanResult } from "../src/model";
import { companionOwner, type ObjectStore, recordHash, summarizeLines } from "../src/scan";

const parts = (startOffset: bigint) => ({
  topic: "w",
  encodedPartition: "partition=0",
  kafkaPartition: 0,
  startOffset,
  compression: "none" as const,
});
const values = ['{"a":1}', '{"a":2}', '{"a":3}', '{"a":4}'];
const keyOf = (i: number) => keyLine(Buffer.from(`k${i}`)) as string;

/** Two value objects of two records; companions as given (key -> lines). */
function scanOf(companions: Record<string, string[]>): { scan: ScanResult; store: ObjectStore } {
  const objects = [0n, 2n].map((start) => ({
    key: `topics/w/partition=0/w+0+000000000${start}.json`,
    size: 1,
    lastModifiedMs: 0,
    parts: parts(start),
    ...summarizeLines(values.slice(Number(start), Number(start) + 2)),
  }));
  const listed = Object.keys(companions).map((key) => {
    const start = BigInt(key.match(/\+(\d+)\.(keys|headers)/)?.[1] ?? "0");
    return {
      key,
      view: key.includes(".keys.") ? ("keys" as const) : ("headers" as const),
      compression: "none" as const,
      owner: companionOwner(parts(start)),
      size: 1,
    };
  });
  const scan: ScanResult = {
    bucket: "b",
    prefix: "topics/",
    objects,
    unparsable: [],
    listed: 0,
    bytes: 0,
    elapsedMs: 0,
    companions: listed,
  };
  const store: ObjectStore = {
    list: () => (async function* () {})(),
    level: async () => ({ objects: [], dirs: [] }),
    read: async (key) => Buffer.from(`${(companions[key] ?? []).join("\n")}\n`),
  };
  return { scan, store };
}

const kafka = async (): Promise<CompanionLines> =>
  new Map([
    [
      0,
      new Map(
        values.map((v, i) => [recordHash(v), [{ key: keyOf(i), headers: headersLine({ n: String(i) }) }]]),
      ),
    ],
  ]);
const opts = { views: ["keys" as const], concurrency: 2, readKafka: kafka, highOf: () => 4n };
const K0 = "topics/w/partition=0/w+0+0000000000.keys.json";
const K2 = "topics/w/partition=0/w+0+0000000002.keys.json";

describe("companion objects", () => {
  it("found in the listing turn their view on", () => {
    expect(companionViews([], scanOf({ [K0]: [] }).scan)).toEqual(["keys"]);
    expect(companionViews(["headers"], scanOf({}).scan)).toEqual(["headers"]);
  });

  it("OK when every object has its companion with Kafka's keys, line for line", async () => {
    const { scan, store } = scanOf({ [K0]: [keyOf(0), keyOf(1)], [K2]: [keyOf(2), keyOf(3)] });
    const r = await checkCompanions(scan, store, opts);
    expect(r.findings).toEqual([]);
    expect(r.notes).toEqual([]);
    expect(r.read).toBe(2);
  });

  it("names a missing companion, a line count that differs, and a key that is not Kafka's", async () => {
    const missing = await checkCompanions(
      scanOf({ [K0]: [keyOf(0), keyOf(1)] }).scan,
      scanOf({ [K0]: [keyOf(0), keyOf(1)] }).store,
      opts,
    );
    expect(missing.findings.map((f) => f.kind)).toEqual(["companion-missing"]);
    expect(missing.findings[0]?.message).toMatch(
      /w\+0\+0000000002\.json has no keys companion \(w\+0\+0000000002\.keys\.json/,
    );
    const short = scanOf({ [K0]: [keyOf(0)], [K2]: [keyOf(2), keyOf(3)] });
    expect((await checkCompanions(short.scan, short.store, opts)).findings[0]?.message).toMatch(
      /holds 1 keys lines for the 2 records/,
    );
    const wrong = scanOf({ [K0]: [keyOf(0), keyOf(1)], [K2]: [keyOf(2), keyOf(0)] });
    const w = await checkCompanions(wrong.scan, wrong.store, opts);
    expect(w.findings.map((f) => [f.kind, f.line])).toEqual([["companion-mismatch", 2]]);
  });

  it("a companion without its value object is a note; lines whose record Kafka does not hold are a note too", async () => {
    const orphan = scanOf({
      [K0]: [keyOf(0), keyOf(1)],
      [K2]: [keyOf(2), keyOf(3)],
      "topics/w/partition=0/w+0+0000000004.keys.json": [keyOf(0)],
    });
    const r = await checkCompanions(orphan.scan, orphan.store, opts);
    expect(r.findings).toEqual([]);
    expect(r.notes.map((n) => n.kind)).toEqual(["orphan-companion"]);
    const ok = scanOf({ [K0]: [keyOf(0), keyOf(1)], [K2]: [keyOf(2), keyOf(3)] });
    const none = await checkCompanions(ok.scan, ok.store, { ...opts, readKafka: async () => new Map() });
    expect(none.notes.map((n) => n.kind)).toEqual(["not-checked"]);
    expect(none.notes[0]?.message).toMatch(/^4 companion lines not compared with Kafka/);
  });
});
