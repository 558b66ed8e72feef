import { describe, expect, it } from "vitest";
import { PartitionError, SinkConfigError } from "../src/errors";
import { createPartitioner } from "../src/partitioner";
import { compilePathFormat, zoneOffsetMs } from "../src/path-format";
import { readPath } from "../src/record-time";
import { DEFAULT_TIME_PARTITIONER, type PartitionerSettings } from "../src/settings";

const time = (over: Partial<Extract<PartitionerSettings, { kind: "time" }>>): PartitionerSettings => ({
  ...DEFAULT_TIME_PARTITIONER,
  ...over,
});

describe("DefaultPartitioner", () => {
  it("writes partition=<kafka partition>", () => {
    expect(createPartitioner({ kind: "default" }).encodePartition({ kafkaPartition: 7 })).toBe("partition=7");
  });
});

describe("FieldPartitioner", () => {
  it("joins <field>=<value> with directory.delim, nested fields with dots", () => {
    const p = createPartitioner({ kind: "field", fields: ["method", "status_code", "geo.country"] });
    const record = { method: "GET", status_code: 404, geo: { country: "KR" } };
    expect(p.encodePartition({ kafkaPartition: 0, record })).toBe(
      "method=GET/status_code=404/geo.country=KR",
    );
    const dashed = createPartitioner(
      { kind: "field", fields: ["method", "status_code"] },
      { directoryDelim: "_" },
    );
    expect(dashed.encodePartition({ kafkaPartition: 0, record })).toBe("method=GET_status_code=404");
  });

  it("throws PartitionError (a bad record, not a crash) when the field is missing", () => {
    const p = createPartitioner({ kind: "field", fields: ["status_code"] });
    expect(() => p.encodePartition({ kafkaPartition: 0, record: { method: "GET" } })).toThrow(PartitionError);
  });
});

describe("TimeBasedPartitioner", () => {
  const at = Date.parse("2026-11-25T06:42:17.123Z");

  it("formats the hourly path in UTC with the record field (ISO string or epoch ms)", () => {
    const p = createPartitioner(time({ timestampExtractor: "RecordField", timestampField: "timestamp" }));
    expect(p.encodePartition({ kafkaPartition: 0, record: { timestamp: "2026-11-25T06:42:17.123Z" } })).toBe(
      "year=2026/month=11/day=25/hour=06",
    );
    expect(p.encodePartition({ kafkaPartition: 0, record: { timestamp: at } })).toBe(
      "year=2026/month=11/day=25/hour=06",
    );
    expect(() => p.encodePartition({ kafkaPartition: 0, record: { timestamp: "yesterday" } })).toThrow(
      PartitionError,
    );
    expect(() => p.encodePartition({ kafkaPartition: 0, record: {} })).toThrow(/'timestamp' is missing/);
  });

  it("uses the timezone: 06:42 UTC is 15:42 in Seoul, and a day boundary moves", () => {
    const seoul = createPartitioner(time({ timestampExtractor: "Record" }), { timezone: "Asia/Seoul" });
    expect(seoul.encodePartition({ kafkaPartition: 0, kafkaTimestampMs: at })).toBe(
      "year=2026/month=11/day=25/hour=15",
    );
    const lateUtc = Date.parse("2026-11-25T23:30:00Z");
    expect(seoul.encodePartition({ kafkaPartition: 0, kafkaTimestampMs: lateUtc })).toBe(
      "year=2026/month=11/day=26/hour=08",
    );
    const ny = createPartitioner(time({ timestampExtractor: "Record" }), { timezone: "America/New_York" });
    expect(ny.encodePartition({ kafkaPartition: 0, kafkaTimestampMs: at })).toBe(
      "year=2026/month=11/day=25/hour=01",
    );
  });

  it("floors to partition.duration.ms in local time (daily directories start at local midnight)", () => {
    const daily = createPartitioner(
      time({
        pathFormat: "'dt'=YYYY-MM-dd'T'HH:mm:ss",
        partitionDurationMs: 86_400_000,
        timestampExtractor: "Wallclock",
      }),
      { timezone: "Asia/Kolkata" },
    );
    expect(daily.encodePartition({ kafkaPartition: 0, nowMs: at })).toBe("dt=2026-11-25T00:00:00");
    const quarter = createPartitioner(time({ pathFormat: "HH-mm", partitionDurationMs: 15 * 60_000 }));
    expect(quarter.encodePartition({ kafkaPartition: 0, nowMs: at })).toBe("06-30");
  });

  it("Wallclock uses the current time when none is given", () => {
    const p = createPartitioner(time({ pathFormat: "yyyy", partitionDurationMs: 1000 }));
    expect(p.encodePartition({ kafkaPartition: 0 })).toBe(String(new Date().getUTCFullYear()));
  });

  it("rejects unsupported patterns, bad durations and unknown zones at creation", () => {
    expect(() => createPartitioner(time({ pathFormat: "YYYY/EEE" }))).toThrow(
      /pattern 'EEE' is not supported/,
    );
    expect(() => createPartitioner(time({ pathFormat: "'year=YYYY" }))).toThrow(/unterminated quote/);
    expect(() => createPartitioner(time({ partitionDurationMs: 0 }))).toThrow(SinkConfigError);
    expect(() => createPartitioner(time({}), { timezone: "Nowhere/Land" })).toThrow(/not an IANA time zone/);
  });
});

describe("helpers", () => {
  it("path.format keeps quoted literals and escaped quotes", () => {
    expect(compilePathFormat("'it''s'/YYYY")(new Date(at0()))).toBe("it's/2026");
  });
  it("readPath prefers a dotted own key over nesting", () => {
    expect(readPath({ "a.b": 1, a: { b: 2 } }, "a.b")).toBe(1);
    expect(readPath({ a: { b: 2 } }, "a.b")).toBe(2);
    expect(readPath("x", "a")).toBeUndefined();
  });
  it("zoneOffsetMs follows DST", () => {
    expect(zoneOffsetMs(Date.parse("2026-07-01T12:00:00Z"), "Europe/Berlin")).toBe(2 * 3_600_000);
    expect(zoneOffsetMs(Date.parse("2026-01-01T12:00:00Z"), "Europe/Berlin")).toBe(3_600_000);
  });
});

function at0(): number {
  return Date.parse("2026-01-01T00:00:00Z");
}
