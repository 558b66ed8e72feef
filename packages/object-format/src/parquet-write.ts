/**
 * Record lines -> one Parquet file (hyparquet-writer; see README "Choosing the writer" for why this one).
 *
 * Codecs: SNAPPY is hyparquet-writer's own (pure JS); GZIP is Node's zlib; ZSTD is @bokuweb/zstd-wasm (the wasm
 * ships inside the npm package, level 3 like zstd's CLI default); none is UNCOMPRESSED.
 */
import { gzipSync } from "node:zlib";
import zstd from "@bokuweb/zstd-wasm";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { ParquetCodec } from "./encoding";
import { columnsOfLines, WEBLOG_PARQUET_SCHEMA } from "./parquet-schema";
import { PARQUET_ROW_GROUP_ROWS } from "./row-group";

/** Parquet's name for each `parquet.codec` value. */
const CODEC_NAME = { snappy: "SNAPPY", gzip: "GZIP", zstd: "ZSTD", none: "UNCOMPRESSED" } as const;

/** zstd's wasm compiles once, on first use. */
let zstdReady: Promise<void> | null = null;
const zstdLevel = 3;

/** The compressors hyparquet-writer needs beyond its built-in SNAPPY. */
const compressors = {
  GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)),
  ZSTD: (input: Uint8Array) => zstd.compress(input, zstdLevel),
};

/** Loads what `codec` needs (zstd's wasm); idempotent. */
export async function prepareParquetCodec(codec: ParquetCodec): Promise<void> {
  if (codec !== "zstd") return;
  zstdReady ??= zstd.init();
  await zstdReady;
}

/** One Parquet file with the records of `lines` (validated web-log JSON lines), compressed with `codec`. */
export async function encodeParquet(lines: readonly string[], codec: ParquetCodec): Promise<Buffer> {
  await prepareParquetCodec(codec);
  const c = columnsOfLines(lines);
  const out = parquetWriteBuffer({
    columnData: [
      { name: "ip", data: c.ip },
      { name: "timestamp", data: c.timestamp, encoding: "DELTA_BINARY_PACKED" },
      { name: "method", data: c.method },
      { name: "url", data: c.url },
      { name: "status_code", data: c.status_code },
      { name: "user_agent", data: c.user_agent },
    ],
    // hyparquet-writer's SchemaElement type is wider than ours; ours is a valid instance of it.
    schema: WEBLOG_PARQUET_SCHEMA as Parameters<typeof parquetWriteBuffer>[0]["schema"],
    codec: CODEC_NAME[codec],
    compressors,
    rowGroupSize: PARQUET_ROW_GROUP_ROWS,
    createdBy: "weblog sink (hyparquet-writer 0.17.0)",
  });
  return Buffer.from(out);
}
