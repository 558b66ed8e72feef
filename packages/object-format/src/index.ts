/**
 * The body of a sink object, both ways: `encodeObjectBody` (the sink) and `decodeObjectBody` (the verifier, tests).
 * Both take the record lines the sink buffers (validated web-log JSON) and give them back, whatever the format.
 */
import type { BodyEncoding, ParquetCodec } from "./encoding";
import { decodeJsonLines, encodeJsonLines, encodeJsonLinesChunks } from "./json-lines";

export {
  type BodyEncoding,
  contentTypeOf,
  describeEncoding,
  type JsonCompression,
  type ObjectFormat,
  PARQUET_CODECS,
  type ParquetCodec,
} from "./encoding";
export { decodeJsonLines, encodeJsonLines } from "./json-lines";
export { WEBLOG_PARQUET_SCHEMA } from "./parquet-schema";

/*
 * The Parquet modules (hyparquet, hyparquet-writer, zstd's wasm glue: ~10 MiB of RSS once loaded) are imported on
 * first use, so a JSON sink or verifier never loads them (apps/consumer bench, "Peak RSS": the process floor).
 */
const parquetWrite = () => import("./parquet-write");
const parquetRead = () => import("./parquet-read");

export { PARQUET_ROW_GROUP_ROWS } from "./row-group";

/** Record lines -> the object body for `enc`. */
export async function encodeObjectBody(lines: readonly string[], enc: BodyEncoding): Promise<Buffer> {
  if (enc.format !== "parquet") return encodeJsonLines(lines, enc.compression);
  return (await parquetWrite()).encodeParquet(lines, enc.codec);
}

/**
 * Record lines -> the same body as `encodeObjectBody`, byte for byte, in chunks pulled one at a time (JSON lines in
 * ~256 KiB pieces, gzip through one zlib stream, Parquet row group by row group), so an upload can cut parts as
 * they fill instead of holding the whole body. Concatenated, the chunks are the body.
 */
export function encodeObjectBodyChunks(lines: readonly string[], enc: BodyEncoding): AsyncIterable<Buffer> {
  if (enc.format !== "parquet") return encodeJsonLinesChunks(lines, enc.compression);
  return (async function* () {
    yield* (await parquetWrite()).encodeParquetChunks(lines, enc.codec);
  })();
}

/**
 * Record lines -> one Parquet data file of an Apache Iceberg table with the web-log schema (`@weblog/iceberg`):
 * the same typed columns as `encodeObjectBody`'s Parquet, with Iceberg's field ids and microsecond timestamps.
 */
export async function encodeIcebergDataFile(lines: readonly string[], codec: ParquetCodec): Promise<Buffer> {
  return (await parquetWrite()).encodeParquet(lines, codec, "iceberg");
}

/** An object body -> its record lines (one per record, in order). */
export async function decodeObjectBody(body: Uint8Array, enc: BodyEncoding): Promise<string[]> {
  if (enc.format !== "parquet") return decodeJsonLines(body, enc.compression);
  return (await parquetRead()).decodeParquet(body);
}
