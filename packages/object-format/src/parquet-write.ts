/**
 * Record lines -> one Parquet file (hyparquet-writer; see README "Choosing the writer" for why this one).
 *
 * Codecs: SNAPPY is hyparquet-writer's own (pure JS); GZIP is Node's zlib; ZSTD is @bokuweb/zstd-wasm (the wasm
 * ships inside the npm package, level 3 like zstd's CLI default); none is UNCOMPRESSED.
 */
import { gzipSync } from "node:zlib";
import zstd from "@bokuweb/zstd-wasm";
import {
  ByteWriter,
  ParquetWriter,
  parquetWriteBuffer,
  type SchemaElement,
  type Writer,
} from "hyparquet-writer";
import type { ParquetCodec } from "./encoding";
import { columnsOfLines, WEBLOG_ICEBERG_PARQUET_SCHEMA, WEBLOG_PARQUET_SCHEMA } from "./parquet-schema";
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

/**
 * Which file: a sink object (Confluent's layout: millisecond timestamps, no field ids) or an Iceberg data file
 * (field ids, microsecond timestamps; see parquet-schema.ts).
 */
export type ParquetLayout = "object" | "iceberg";

/** The column sources of one batch of records, with each column's encoding (the same for every row group). */
function columnDataOf(lines: readonly string[], layout: ParquetLayout = "object") {
  const c = columnsOfLines(lines);
  if (layout === "iceberg")
    for (let i = 0; i < c.timestamp.length; i++) c.timestamp[i] = (c.timestamp[i] as bigint) * 1000n;
  return [
    { name: "ip", data: c.ip },
    { name: "timestamp", data: c.timestamp, encoding: "DELTA_BINARY_PACKED" as const },
    { name: "method", data: c.method },
    { name: "url", data: c.url },
    { name: "status_code", data: c.status_code },
    { name: "user_agent", data: c.user_agent },
  ];
}

/** The file-level options, shared by the whole-body and the streaming encoder so their bytes cannot differ. */
const fileOptions = (codec: ParquetCodec, layout: ParquetLayout = "object") => ({
  // hyparquet-writer's SchemaElement type is wider than ours; ours is a valid instance of it.
  schema: (layout === "iceberg" ? WEBLOG_ICEBERG_PARQUET_SCHEMA : WEBLOG_PARQUET_SCHEMA) as SchemaElement[],
  codec: CODEC_NAME[codec],
  compressors,
  createdBy: "weblog sink (hyparquet-writer 0.17.0)",
});

/** One Parquet file with the records of `lines` (validated web-log JSON lines), compressed with `codec`. */
export async function encodeParquet(
  lines: readonly string[],
  codec: ParquetCodec,
  layout: ParquetLayout = "object",
): Promise<Buffer> {
  await prepareParquetCodec(codec);
  const out = parquetWriteBuffer({
    ...fileOptions(codec, layout),
    columnData: columnDataOf(lines, layout),
    rowGroupSize: PARQUET_ROW_GROUP_ROWS,
  });
  return Buffer.from(out);
}

/**
 * The same file as `encodeParquet`, byte for byte, handed out row group by row group: hyparquet-writer's
 * `ParquetWriter` calls its writer's `flush()` after each row group, and its `ByteWriter` keeps absolute offsets
 * (`offset`) apart from the buffer index, so the bytes written so far can be taken and the index reset (its own
 * file writer does the same). Only one row group's columns and bytes are in memory at a time; the footer comes last.
 */
export async function* encodeParquetChunks(
  lines: readonly string[],
  codec: ParquetCodec,
): AsyncGenerator<Buffer> {
  await prepareParquetCodec(codec);
  const writer: ByteWriter & Pick<Writer, "flush"> = new ByteWriter();
  const taken: Buffer[] = [];
  const take = () => {
    if (writer.index > 0) taken.push(Buffer.from(writer.buffer.slice(0, writer.index)));
    writer.index = 0;
  };
  writer.flush = take;
  const pq = new ParquetWriter({ ...fileOptions(codec), writer });
  for (let start = 0; start < lines.length; start += PARQUET_ROW_GROUP_ROWS) {
    const group = lines.slice(start, start + PARQUET_ROW_GROUP_ROWS);
    pq.write({ columnData: columnDataOf(group), rowGroupSize: PARQUET_ROW_GROUP_ROWS });
    yield* taken.splice(0);
  }
  pq.finish();
  take();
  yield* taken.splice(0);
}
