/**
 * The body of a sink object, both ways: `encodeObjectBody` (the sink) and `decodeObjectBody` (the verifier, tests).
 * Both take the record lines the sink buffers (validated web-log JSON) and give them back, whatever the format.
 */
import type { BodyEncoding } from "./encoding";
import { decodeJsonLines, encodeJsonLines } from "./json-lines";
import { decodeParquet } from "./parquet-read";
import { encodeParquet } from "./parquet-write";

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

/** An object body -> its record lines (one per record, in order). */
export async function decodeObjectBody(body: Uint8Array, enc: BodyEncoding): Promise<string[]> {
  return enc.format === "parquet" ? decodeParquet(body) : decodeJsonLines(body, enc.compression);
}
