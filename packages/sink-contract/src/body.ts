/**
 * The object body, as Confluent's JsonFormat writes it: one record (a JSON value) per line, each line ending in
 * `\n`, gzipped as a whole for `s3.compression.type=gzip`. The sink encodes with `encodeRecordLines`; the verifier,
 * the demo and tests decode with `readRecordLines`. Pure (zlib only, no I/O).
 */
import { gunzipSync, gzipSync } from "node:zlib";
import type { Compression } from "./keys";

/** The compression an object key implies (`.json.gz` = gzip). */
export function compressionOfKey(key: string): Compression {
  return key.endsWith(".gz") ? "gzip" : "none";
}

/**
 * An object body -> its lines (one record each): gunzips for gzip, splits on \n (and \r\n), drops the final empty
 * line that a trailing newline leaves. Empty lines inside are kept (a verifier reports them as invalid records).
 */
export function readRecordLines(body: Uint8Array, compression: Compression): string[] {
  const bytes = compression === "gzip" ? gunzipSync(body) : body;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  if (text.length === 0) return [];
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Lines -> an object body: each record then "\n"; gzipped for gzip. */
export function encodeRecordLines(lines: readonly string[], compression: Compression): Buffer {
  const text = lines.length === 0 ? "" : `${lines.join("\n")}\n`;
  const raw = Buffer.from(text, "utf8");
  return compression === "gzip" ? gzipSync(raw) : raw;
}

/** The Content-Type an object of this compression is uploaded with (no Content-Encoding: the key says .gz). */
export function contentTypeOf(compression: Compression): string {
  return compression === "gzip" ? "application/gzip" : "application/json";
}
