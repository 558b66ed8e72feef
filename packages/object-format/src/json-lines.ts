/**
 * JSON lines as Confluent's JsonFormat writes them: each record then "\n", gzipped for `s3.compression.type=gzip`.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import type { JsonCompression } from "./encoding";

/** Lines -> an object body: each line then "\n" (nothing for no lines); gzipped for gzip. */
export function encodeJsonLines(lines: readonly string[], compression: JsonCompression): Buffer {
  const raw = Buffer.from(lines.length === 0 ? "" : `${lines.join("\n")}\n`, "utf8");
  return compression === "gzip" ? gzipSync(raw) : raw;
}

/**
 * An object body -> its lines: gunzips for gzip, splits on \n (and \r\n), drops the final empty line a trailing
 * newline leaves. Empty lines inside are kept (a verifier reports them as invalid records).
 */
export function decodeJsonLines(body: Uint8Array, compression: JsonCompression): string[] {
  const bytes = compression === "gzip" ? gunzipSync(body) : body;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  if (text.length === 0) return [];
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}
