import { DEFAULT_SINK_SETTINGS, type SinkSettings } from "@weblog/sink-contract";
import { describe, expect, it } from "vitest";
import {
  checkAssignment,
  checkStamp,
  commitMetadata,
  fingerprintOf,
  keySettingsChangedMessage,
  keySettingsOf,
  parseCommitMetadata,
} from "../src/sink/key-fingerprint";

const base: SinkSettings = { ...DEFAULT_SINK_SETTINGS, topics: ["weblogs"] };
const withGzip: SinkSettings = { ...base, compression: "gzip" };

describe("key fingerprint in the offset-commit metadata", () => {
  it("covers the settings that decide keys or bytes, not those that only move where objects end", () => {
    const f = (s: SinkSettings) => fingerprintOf(keySettingsOf(s));
    expect(f(base)).toMatch(/^[0-9a-f]{12}$/);
    expect(f({ ...base })).toBe(f(base)); // stable
    for (const changed of [
      withGzip,
      { ...base, topicsDir: "archive" },
      { ...base, bucket: "other" },
      { ...base, directoryDelim: "_" },
      { ...base, fileDelim: "-" },
      { ...base, offsetPadWidth: 12 },
      { ...base, partitioner: { kind: "field" as const, fields: ["status_code"] } },
    ]) {
      expect(f(changed)).not.toBe(f(base));
    }
    const time = (pathFormat: string): SinkSettings => ({
      ...base,
      partitioner: {
        kind: "time",
        pathFormat,
        partitionDurationMs: 3_600_000,
        locale: "en-US",
        timestampExtractor: "Record",
        timestampField: "timestamp",
      },
    });
    expect(f(time("'year'=YYYY"))).not.toBe(f(time("'dt'=YYYY-MM-dd")));
    for (const same of [
      { ...base, flushSize: 1000 },
      { ...base, rotateScheduleIntervalMs: 60_000 },
      { ...base, rotateIntervalMs: 5000 },
      { ...base, storeUrl: "http://minio:9000" },
      { ...base, bufferMaxBytes: 1024 },
    ]) {
      expect(f(same)).toBe(f(base));
    }
  });

  it("round-trips the metadata (fingerprint, clean flag, readable summary) and ignores other tools' metadata", () => {
    const keys = keySettingsOf(withGzip);
    const text = commitMetadata(keys, true);
    expect(text.length).toBeLessThan(1000);
    expect(parseCommitMetadata(text)).toEqual({ fingerprint: fingerprintOf(keys), clean: true, keys });
    expect(parseCommitMetadata(commitMetadata(keys, false))?.clean).toBe(false);
    for (const other of [null, undefined, "", "connect-metadata", "{}", '{"weblog":2,"fp":"x"}', "[1]"]) {
      expect(parseCommitMetadata(other)).toBeNull();
    }
  });

  it("refuses a changed key setting only after an unclean stop, naming the setting", () => {
    const before = keySettingsOf(base);
    const now = keySettingsOf(withGzip);
    expect(checkStamp(now, commitMetadata(now, false))).toEqual({ ok: true, changed: [] }); // same settings
    expect(checkStamp(now, null)).toEqual({ ok: true, changed: [] }); // no stamp (Connect, old sink, new group)
    expect(checkStamp(now, commitMetadata(before, false))).toEqual({
      ok: false,
      changed: ["s3.compression.type 'none' -> 'gzip'"],
    });
    // A graceful stop's commits: nothing was uploaded past them, the settings may change.
    expect(checkStamp(now, commitMetadata(before, true))).toEqual({
      ok: true,
      changed: ["s3.compression.type 'none' -> 'gzip'"],
    });
    const field = keySettingsOf({ ...base, partitioner: { kind: "field", fields: ["method"] } });
    expect(checkStamp(field, commitMetadata(before, false)).changed).toEqual([
      "partitioner.class 'default' -> 'field'",
      "partition.field.name (none) -> 'method'",
    ]);
    const line = keySettingsChangedMessage("weblogs", 3, "weblog-s3-sink", [
      "s3.compression.type 'none' -> 'gzip'",
    ]);
    expect(line).not.toContain("\n");
    expect(line).toMatch(/weblogs\/3 in group weblog-s3-sink \(s3\.compression\.type 'none' -> 'gzip'\)/);
    expect(line).toMatch(/SIGTERM/);
    expect(line).toMatch(/new --group/);
  });

  it("checks only the assigned partitions and names the first one refused", () => {
    const now = keySettingsOf(withGzip);
    const old = commitMetadata(keySettingsOf(base), false);
    const committed = [
      { topic: "weblogs", partition: 0, metadata: commitMetadata(now, false) },
      { topic: "weblogs", partition: 1, metadata: old },
      { topic: "weblogs", partition: 2, metadata: commitMetadata(keySettingsOf(base), true) },
    ];
    const mine = checkAssignment(now, "g", new Set(["weblogs|0", "weblogs|2"]), committed);
    expect(mine.refusal).toBeNull();
    expect(mine.changedAfterCleanStop).toEqual([
      { partition: "weblogs/2", changed: ["s3.compression.type 'none' -> 'gzip'"] },
    ]);
    expect(checkAssignment(now, "g", new Set(["weblogs|1"]), committed).refusal).toMatch(
      /weblogs\/1 in group g/,
    );
  });
});
