import { encode } from "@weblog/log-schema";
import { describe, expect, it } from "vitest";
import { recordHash, summarizeLines } from "../src/scan";
import { record } from "./fixtures";

describe("summarizeLines", () => {
  it("counts every line as a record, names invalid ones by line, keeps the newest timestamp and one hash each", () => {
    const lines = [
      encode(record(0)),
      "",
      "{not json",
      encode(record(5)),
      '{"ip":"1.2.3.4"}',
      encode(record(2)),
    ];
    const s = summarizeLines(lines);
    expect(s.records).toBe(6);
    expect(s.invalid.map((i) => [i.line, i.code])).toEqual([
      [2, "NOT_JSON"],
      [3, "NOT_JSON"],
      [5, "INVALID_FIELDS"],
    ]);
    expect(s.newestRecordMs).toBe(Date.parse(record(5).timestamp));
    expect(s.recordHashes).toHaveLength(6);
    expect(s.recordHashes[0]).toBe(recordHash(encode(record(0))));
    expect(new Set(s.recordHashes).size).toBe(6);
  });

  it("has no newest timestamp when no record is valid", () => {
    expect(summarizeLines(["x", "y"]).newestRecordMs).toBeNull();
    expect(summarizeLines([])).toMatchObject({ records: 0, invalid: [], recordHashes: [] });
  });
});
