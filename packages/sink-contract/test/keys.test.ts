import { describe, expect, it } from "vitest";
import { DEFAULT_KEY_LAYOUT, formatObjectKey, parseObjectKey } from "../src/keys";

describe("object keys (Confluent S3 sink layout)", () => {
  it("formats the default partitioner's key like Confluent", () => {
    const key = formatObjectKey({
      topic: "weblogs",
      encodedPartition: "partition=3",
      kafkaPartition: 3,
      startOffset: 120n,
      compression: "none",
    });
    expect(key).toBe("topics/weblogs/partition=3/weblogs+3+0000000120.json");
  });

  it("round-trips time-based and field paths, gzip, and custom delimiters", () => {
    const layout = { ...DEFAULT_KEY_LAYOUT, topicsDir: "raw/logs", fileDelim: "#", offsetPadWidth: 12 };
    const parts = {
      topic: "web.logs-v1",
      encodedPartition: "year=2026/month=11/day=25/hour=06",
      kafkaPartition: 17,
      startOffset: 9_007_199_254_740_993n,
      compression: "gzip" as const,
    };
    const key = formatObjectKey(parts, layout);
    expect(key).toBe(
      "raw/logs/web.logs-v1/year=2026/month=11/day=25/hour=06/web.logs-v1#17#9007199254740993.json.gz",
    );
    expect(parseObjectKey(key, layout)).toEqual({ ok: true, parts });
  });

  it("names Parquet objects like Confluent's ParquetFormat (codec extension + .parquet) and parses them back", () => {
    const base = {
      topic: "weblogs",
      encodedPartition: "partition=1",
      kafkaPartition: 1,
      startOffset: 40n,
      compression: "none" as const,
    };
    const cases = [
      ["snappy", ".snappy.parquet"],
      ["gzip", ".gz.parquet"],
      ["zstd", ".zstd.parquet"],
      ["none", ".parquet"],
    ] as const;
    for (const [parquet, ext] of cases) {
      const key = formatObjectKey({ ...base, parquet });
      expect(key).toBe(`topics/weblogs/partition=1/weblogs+1+0000000040${ext}`);
      expect(parseObjectKey(key)).toEqual({ ok: true, parts: { ...base, parquet } });
    }
    // A codec we do not write (Hadoop's .lz4) is not mistaken for an uncompressed file of offset "40.lz4".
    expect(parseObjectKey("topics/weblogs/partition=1/weblogs+1+0000000040.lz4.parquet").ok).toBe(false);
  });

  it("reports keys that do not follow the layout, without throwing", () => {
    for (const bad of [
      "other/weblogs/partition=0/weblogs+0+0000000000.json",
      "topics/weblogs/partition=0/weblogs+0+0000000000.avro",
      "topics/weblogs/partition=0/weblogs+x+0000000000.json",
      "topics/weblogs/partition=0/weblogs-0-0000000000.json",
      "topics/weblogs/partition=0/other+0+0000000000.json",
    ]) {
      const result = parseObjectKey(bad);
      expect(result.ok, bad).toBe(false);
    }
  });
});
