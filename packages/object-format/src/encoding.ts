/**
 * How an object's body is encoded: JSON lines (Confluent's JsonFormat, plain or gzip per `s3.compression.type`) or
 * Parquet (Confluent's ParquetFormat, compressed inside the file per `parquet.codec`). Pure data; the key's
 * extension says which (see `@weblog/s3` keys.ts).
 */

/** `format.class`: JsonFormat or ParquetFormat. */
export type ObjectFormat = "json" | "parquet";

/** `s3.compression.type` (JSON lines only). */
export type JsonCompression = "none" | "gzip";

/** `parquet.codec` (Confluent's key; Confluent's default and ours: snappy). */
export type ParquetCodec = "snappy" | "gzip" | "zstd" | "none";

export const PARQUET_CODECS: readonly ParquetCodec[] = ["snappy", "gzip", "zstd", "none"];

export type BodyEncoding =
  | { format: "json"; compression: JsonCompression }
  | { format: "parquet"; codec: ParquetCodec };

/** The Content-Type an object of this encoding is uploaded with. */
export function contentTypeOf(enc: BodyEncoding): string {
  if (enc.format === "parquet") return "application/vnd.apache.parquet";
  return enc.compression === "gzip" ? "application/gzip" : "application/json";
}

/** One word for logs and tables: `json`, `json+gzip`, `parquet+snappy`, ... */
export function describeEncoding(enc: BodyEncoding): string {
  if (enc.format === "parquet") return `parquet+${enc.codec}`;
  return enc.compression === "gzip" ? "json+gzip" : "json";
}
