import { createFakeLog } from "@weblog/fake-log";
import { encode, validate } from "@weblog/log-schema";
import { describe, expect, it } from "vitest";
import {
  type BodyEncoding,
  decodeObjectBody,
  encodeObjectBody,
  encodeObjectBodyChunks,
  PARQUET_CODECS,
  PARQUET_ROW_GROUP_ROWS,
} from "../src/index";
import { parquetRowCount } from "../src/parquet-read";
import { readWithDuckDB } from "./duckdb";

const records = createFakeLog({ seed: 13 }).batch(2_000);
const lines = records.map((r) => encode(r));
const DUCK_CODEC = { snappy: "SNAPPY", gzip: "GZIP", zstd: "ZSTD", none: "UNCOMPRESSED" } as const;

describe("JSON lines", () => {
  it.each(["none", "gzip"] as const)("%s: round trip keeps every line byte for byte", async (compression) => {
    const body = await encodeObjectBody(lines, { format: "json", compression });
    expect(body.subarray(0, 2).equals(Buffer.from([0x1f, 0x8b]))).toBe(compression === "gzip");
    expect(await decodeObjectBody(body, { format: "json", compression })).toEqual(lines);
  });
});

describe("Parquet", () => {
  it.each(PARQUET_CODECS)("%s: DuckDB reads the exact column types and every row", async (codec) => {
    const body = await encodeObjectBody(lines, { format: "parquet", codec });
    expect(body.subarray(0, 4).toString()).toBe("PAR1");
    const duck = await readWithDuckDB(body);
    expect(duck.columns).toEqual({
      ip: "VARCHAR",
      timestamp: "TIMESTAMP WITH TIME ZONE",
      method: "VARCHAR",
      url: "VARCHAR",
      status_code: "INTEGER",
      user_agent: "VARCHAR",
    });
    expect(duck.physical.timestamp?.type).toBe("INT64");
    expect(duck.physical.timestamp?.logical).toMatch(
      /^TimestampType\(isAdjustedToUTC=1, unit=TimeUnit\(MILLIS=/,
    );
    expect(duck.physical.status_code).toEqual({ type: "INT32", logical: null });
    for (const c of ["ip", "method", "url", "user_agent"])
      expect(duck.physical[c]).toEqual({ type: "BYTE_ARRAY", logical: "StringType()" });
    expect(duck.codecs).toEqual([DUCK_CODEC[codec]]);
    expect(duck.rowGroups).toBe(1);
    expect(duck.rows).toHaveLength(records.length);
    duck.rows.forEach((row, i) => {
      const r = records[i];
      expect({ ...row, ts: Number(row.ts) }).toEqual({
        ...r,
        ts: Date.parse(r?.timestamp ?? ""),
        timestamp: undefined,
      });
    });
  });

  it.each(PARQUET_CODECS)("%s: decodes back to the same records, valid, in order", async (codec) => {
    const body = await encodeObjectBody(lines, { format: "parquet", codec });
    expect(parquetRowCount(body)).toBe(lines.length);
    const back = await decodeObjectBody(body, { format: "parquet", codec });
    expect(back).toEqual(lines);
    expect(back.every((l) => validate(JSON.parse(l)).ok)).toBe(true);
  });

  it("dates come back exactly as written: milliseconds padded, seconds repeating and going backwards", async () => {
    const stamps = ["00.000", "00.007", "00.042", "00.999", "01.000", "00.500", "59.010"];
    const odd = stamps.map((s, i) =>
      encode({ ...(records[i] as (typeof records)[number]), timestamp: `2026-12-07T01:02:${s}Z` }),
    );
    const body = await encodeObjectBody(odd, { format: "parquet", codec: "snappy" });
    expect(await decodeObjectBody(body, { format: "parquet", codec: "snappy" })).toEqual(odd);
  });

  it("decodes a body that is a view into a larger buffer (a pooled Node Buffer)", async () => {
    const body = await encodeObjectBody(lines.slice(0, 5), { format: "parquet", codec: "snappy" });
    const pooled = Buffer.concat([Buffer.from("junk-before"), body, Buffer.from("junk-after")]);
    const view = pooled.subarray(11, 11 + body.length);
    expect(await decodeObjectBody(view, { format: "parquet", codec: "snappy" })).toEqual(lines.slice(0, 5));
  });

  it("method is dictionary-encoded, the timestamp delta-encoded, and the body beats JSON lines on size", async () => {
    const body = await encodeObjectBody(lines, { format: "parquet", codec: "none" });
    const duck = await readWithDuckDB(body, { rows: false });
    expect(duck.encodings.method).toMatch(/RLE_DICTIONARY/);
    expect(duck.encodings.timestamp).toMatch(/DELTA_BINARY_PACKED/);
    const json = await encodeObjectBody(lines, { format: "json", compression: "none" });
    expect(body.length).toBeLessThan(json.length / 4);
  });

  it("an object above one row group's rows is split into row groups of that size", async () => {
    const many = createFakeLog({ seed: 5 })
      .batch(PARQUET_ROW_GROUP_ROWS + 10)
      .map((r) => encode(r));
    const body = await encodeObjectBody(many, { format: "parquet", codec: "snappy" });
    const duck = await readWithDuckDB(body, { rows: false });
    expect(duck.rowGroups).toBe(2);
    expect(duck.count).toBe(many.length);
  });

  it("a line that is not a web-log record is refused, not written as a wrong row", async () => {
    await expect(
      encodeObjectBody([lines[0] as string, '{"ip":"1.2.3.4"}'], { format: "parquet", codec: "snappy" }),
    ).rejects.toThrow(/record 1/);
  });
});

describe("encodeObjectBodyChunks: the same bytes as encodeObjectBody, in pieces", () => {
  const concat = async (chunks: AsyncIterable<Buffer>) => {
    const parts: Buffer[] = [];
    for await (const c of chunks) parts.push(c);
    return { body: Buffer.concat(parts), count: parts.length };
  };
  // ~10k records (~2.5 MB of JSON): several plain chunks, many gzip chunks.
  const many = createFakeLog({ seed: 29 })
    .batch(10_000)
    .map((r) => encode(r));
  const encodings: BodyEncoding[] = [
    { format: "json", compression: "none" },
    { format: "json", compression: "gzip" },
    ...PARQUET_CODECS.map((codec) => ({ format: "parquet" as const, codec })),
  ];

  it.each(encodings)("%o: chunks concatenate to the whole-body encoding", async (enc) => {
    const whole = await encodeObjectBody(many, enc);
    const streamed = await concat(encodeObjectBodyChunks(many, enc));
    expect(streamed.count).toBeGreaterThan(1);
    expect(streamed.body.equals(whole)).toBe(true);
  });

  it("Parquet above one row group: one chunk per row group and the footer, identical bytes", async () => {
    const rows = PARQUET_ROW_GROUP_ROWS + 500;
    const big = Array.from({ length: rows }, (_, i) => many[i % many.length] as string);
    const whole = await encodeObjectBody(big, { format: "parquet", codec: "snappy" });
    const streamed = await concat(encodeObjectBodyChunks(big, { format: "parquet", codec: "snappy" }));
    expect(streamed.count).toBe(3); // header + row group 1, row group 2, indexes + footer
    expect(streamed.body.equals(whole)).toBe(true);
  }, 60_000);

  it.each(encodings)("%o: no lines and one line as the whole-body encoder writes them", async (enc) => {
    for (const input of [[], many.slice(0, 1)]) {
      const whole = await encodeObjectBody(input, enc);
      expect((await concat(encodeObjectBodyChunks(input, enc))).body.equals(whole)).toBe(true);
    }
  });
});
