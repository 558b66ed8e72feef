/**
 * The body of a sink object, both ways: `encodeObjectBody` (the sink) and `decodeObjectBody` (the verifier, tests).
 * Both take the record lines the sink buffers (validated web-log JSON) and give them back, whatever the format.
 */
import type { BodyEncoding } from "./encoding";
import { decodeJsonLines, encodeJsonLines, encodeJsonLinesChunks } from "./json-lines";
import { decodeParquet } from "./parquet-read";
import { encodeParquet, encodeParquetChunks } from "./parquet-write";

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
export { parquetRowCount } from "./parquet-read";
export { WEBLOG_PARQUET_SCHEMA } from "./parquet-schema";
export { PARQUET_ROW_GROUP_ROWS, prepareParquetCodec } from "./parquet-write";

/** Record lines -> the object body for `enc`. */
export async function encodeObjectBody(lines: readonly string[], enc: BodyEncoding): Promise<Buffer> {
  return enc.format === "parquet" ? encodeParquet(lines, enc.codec) : encodeJsonLines(lines, enc.compression);
}

/**
 * Record lines -> the same body as `encodeObjectBody`, byte for byte, in chunks pulled one at a time (JSON lines in
 * ~256 KiB pieces, gzip through one zlib stream, Parquet row group by row group), so an upload can cut parts as
 * they fill instead of holding the whole body. Concatenated, the chunks are the body.
 */
export function encodeObjectBodyChunks(lines: readonly string[], enc: BodyEncoding): AsyncIterable<Buffer> {
  return enc.format === "parquet"
    ? encodeParquetChunks(lines, enc.codec)
    : encodeJsonLinesChunks(lines, enc.compression);
}

/** An object body -> its record lines (one per record, in order). */
export async function decodeObjectBody(body: Uint8Array, enc: BodyEncoding): Promise<string[]> {
  return enc.format === "parquet" ? decodeParquet(body) : decodeJsonLines(body, enc.compression);
}
