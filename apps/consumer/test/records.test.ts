import { createFakeLog } from "@weblog/fake-log";
import { encode } from "@weblog/log-schema";
import {
  createPartitioner,
  DEFAULT_TIME_PARTITIONER,
  defaultSinkSettings,
  type SinkSettings,
} from "@weblog/sink-contract";
import { describe, expect, it } from "vitest";
import { createRecordPolicy } from "../src/sink/records";

const record = () => createFakeLog({ seed: 7, startTime: "2026-11-25T06:00:00Z" }).next();
const policyOf = (changes: Partial<SinkSettings>) => {
  const settings = { ...defaultSinkSettings(), ...changes };
  return createRecordPolicy(settings, createPartitioner(settings.partitioner));
};
const msg = (value: string | null, timestamp = "1000") => ({
  value: value === null ? null : Buffer.from(value),
  timestamp,
});

describe("records: classify", () => {
  it("appends a valid one-line value byte for byte, with its size, under the partition's directory", () => {
    const line = encode(record());
    const c = policyOf({}).classify(msg(line), 3, "partition=3", 0);
    expect(c).toEqual({
      kind: "append",
      line,
      size: Buffer.byteLength(line) + 1,
      encodedPartition: "partition=3",
      recordTimeMs: 0,
    });
  });

  it("re-encodes a value spanning lines to one line (size left to the buffer)", () => {
    const r = record();
    const c = policyOf({}).classify(msg(JSON.stringify(r, null, 2)), 0, "partition=0", 0);
    expect(c.kind).toBe("append");
    if (c.kind !== "append") return;
    expect(c.line).toBe(encode(r));
    expect(c.line.includes("\n")).toBe(false);
    expect(c.size).toBe(-1);
  });

  it("rejects an undecodable value with the decoder's code and message", () => {
    const c = policyOf({}).classify(msg("{not json"), 0, "partition=0", 0);
    expect(c.kind).toBe("reject");
    if (c.kind !== "reject") return;
    expect(c.reason).toMatch(/^[A-Z_]+$/);
    expect(c.text.length).toBeGreaterThan(0);
  });

  it("rejects a record missing fields, listing the issues", () => {
    const { status_code: _, ...rest } = record();
    const c = policyOf({}).classify(msg(JSON.stringify(rest)), 0, "partition=0", 0);
    expect(c.kind).toBe("reject");
    if (c.kind !== "reject") return;
    expect(c.issues?.map((i) => i.field)).toContain("status_code");
  });

  it("tombstones follow behavior.on.null.values: ignore skips, fail rejects, write appends null", () => {
    expect(policyOf({ behaviorOnNullValues: "ignore" }).classify(msg(null), 0, "partition=0", 0)).toEqual({
      kind: "skip",
    });
    const failed = policyOf({ behaviorOnNullValues: "fail" }).classify(msg(null), 0, "partition=0", 0);
    expect(failed).toMatchObject({ kind: "reject", reason: "NULL_VALUE" });
    const written = policyOf({ behaviorOnNullValues: "write" }).classify(msg(null), 0, "partition=0", 0);
    expect(written).toMatchObject({ kind: "append", line: "null", size: -1 });
  });

  it("a record the partitioner cannot place is rejected as PARTITIONER", () => {
    const policy = policyOf({ partitioner: { kind: "field", fields: ["no_such_field"] } });
    const c = policy.classify(msg(encode(record())), 0, "", 0);
    expect(c).toMatchObject({ kind: "reject", reason: "PARTITIONER" });
  });

  it("record time: the record's field with RecordField, else the Kafka timestamp; 0 without rotate.interval.ms", () => {
    const line = encode(record());
    const fieldTime = policyOf({
      rotateIntervalMs: 60_000,
      partitioner: {
        ...DEFAULT_TIME_PARTITIONER,
        timestampExtractor: "RecordField",
        timestampField: "timestamp",
      },
    });
    const byField = fieldTime.classify(msg(line, "5"), 0, "", 0);
    expect(byField).toMatchObject({ kind: "append", recordTimeMs: Date.parse("2026-11-25T06:00:00.000Z") });
    expect(byField.kind === "append" && byField.encodedPartition).toBe("year=2026/month=11/day=25/hour=06");
    const byKafka = policyOf({ rotateIntervalMs: 60_000 }).classify(msg(line, "5"), 0, "partition=0", 0);
    expect(byKafka).toMatchObject({ kind: "append", recordTimeMs: 5 });
    expect(policyOf({}).classify(msg(line, "5"), 0, "partition=0", 0)).toMatchObject({ recordTimeMs: 0 });
  });
});
