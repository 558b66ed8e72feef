import { createFakeLog } from "@weblog/fake-log";
import { decode, encode, quickAccept } from "@weblog/log-schema";
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

describe("records: the one-pass check (log-schema quickAccept) changes no verdict", () => {
  /** What classify gave before the fast path: decode every value, keep it as produced unless it spans lines. */
  function reference(value: Buffer) {
    const text = value.toString("utf8");
    const d = decode(text);
    if (!d.ok) return { kind: "reject", reason: d.error.code, text: d.error.message, issues: d.error.issues };
    const oneLine = value.indexOf(10) === -1 && value.indexOf(13) === -1;
    return {
      kind: "append",
      line: oneLine ? text : encode(d.record),
      size: oneLine ? value.length + 1 : -1,
      encodedPartition: "partition=0",
      recordTimeMs: 0,
    };
  }

  it("gives decode's result, line, size and one-line reasons for every good and bad fake-log message", () => {
    const log = createFakeLog({ seed: 21, badShare: 0.3 });
    const policy = policyOf({});
    const seen = { append: 0, reject: 0 };
    for (const m of log.messages(6000)) {
      if (m.value === null) continue; // tombstones never reach the decoder
      const value = Buffer.from(m.value);
      const c = policy.classify({ value, timestamp: "1" }, 0, "partition=0", 0);
      expect(c).toEqual(reference(value));
      if (c.kind === "append" || c.kind === "reject") seen[c.kind]++;
      if (c.kind === "reject") expect(c.text).not.toMatch(/\n/);
    }
    expect(seen.append).toBeGreaterThan(3000);
    expect(seen.reject).toBeGreaterThan(1000);
  });

  it("a field partitioner still reads the record on the fast path", () => {
    const r = record();
    const line = encode(r);
    expect(quickAccept(line)).toBe(true);
    const c = policyOf({ partitioner: { kind: "field", fields: ["method"] } }).classify(msg(line), 0, "", 0);
    expect(c).toMatchObject({ kind: "append", line, encodedPartition: `method=${r.method}` });
  });
});

describe("records: store.kafka.keys / store.kafka.headers", () => {
  const line = encode(record());
  const withKeyAndHeaders = { ...msg(line), key: Buffer.from("10.0.0.1"), headers: { h: Buffer.from("v") } };

  it("carries the key and headers lines only when the keys are on", () => {
    expect(policyOf({}).classify(withKeyAndHeaders, 0, "partition=0", 0)).not.toHaveProperty("companion");
    const c = policyOf({ storeKafkaKeys: true, storeKafkaHeaders: true }).classify(
      withKeyAndHeaders,
      0,
      "partition=0",
      0,
    );
    expect(c).toMatchObject({
      kind: "append",
      companion: { key: '"10.0.0.1"', headers: '{"headers":[{"key":"h","value":"v"}]}' },
    });
  });

  it("rejects a record without a key (keys on) or without headers (headers on), as Confluent's DataException", () => {
    const keys = policyOf({ storeKafkaKeys: true });
    expect(keys.classify({ ...msg(line), key: null }, 0, "partition=0", 0)).toMatchObject({
      kind: "reject",
      reason: "NULL_KEY",
    });
    const headers = policyOf({ storeKafkaHeaders: true });
    expect(headers.classify({ ...msg(line), headers: {} }, 0, "partition=0", 0)).toMatchObject({
      kind: "reject",
      reason: "NO_HEADERS",
    });
    // a bad value is still rejected for its value first
    expect(keys.classify({ ...msg("{"), key: null }, 0, "partition=0", 0)).toMatchObject({ kind: "reject" });
  });
});
