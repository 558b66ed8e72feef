/**
 * JSON lines as Confluent's JsonFormat writes them. The encoding itself has one home, `@weblog/sink-contract`'s
 * body module (the sink's contract); this module gives it the object-format names, and a streaming twin.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { encodeRecordLines, readRecordLines } from "@weblog/sink-contract";
import type { JsonCompression } from "./encoding";

/** Lines -> an object body: each line then "\n" (nothing for no lines); gzipped for gzip. */
export function encodeJsonLines(lines: readonly string[], compression: JsonCompression): Buffer {
  return encodeRecordLines(lines, compression);
}

/** An object body -> its lines (see `readRecordLines`: \r\n tolerated, inner empty lines kept). */
export function decodeJsonLines(body: Uint8Array, compression: JsonCompression): string[] {
  return readRecordLines(body, compression);
}

/** Bytes of plain text per chunk the streaming encoder hands out (and feeds gzip with). */
export const JSON_CHUNK_BYTES = 256 * 1024;

/** The plain body in chunks of about `JSON_CHUNK_BYTES` (whole lines each), lazily. */
function* plainChunks(lines: readonly string[]): Generator<Buffer> {
  let from = 0;
  let size = 0;
  for (let i = 0; i < lines.length; i++) {
    size += (lines[i] as string).length + 1; // UTF-16 units: close enough to bytes for sizing a chunk
    if (size >= JSON_CHUNK_BYTES || i === lines.length - 1) {
      yield Buffer.from(`${lines.slice(from, i + 1).join("\n")}\n`, "utf8");
      from = i + 1;
      size = 0;
    }
  }
}

/**
 * The same bytes as `encodeJsonLines`, chunk by chunk, so a big body never exists whole: plain chunks as they are;
 * for gzip the chunks go through one `zlib.createGzip()` stream with the defaults `gzipSync` uses (level, window,
 * memLevel, strategy), whose output does not depend on how its input was chunked (tests compare the bytes).
 * Backpressure: the next plain chunk is made only when the consumer pulls.
 */
export async function* encodeJsonLinesChunks(
  lines: readonly string[],
  compression: JsonCompression,
): AsyncGenerator<Buffer> {
  if (compression !== "gzip") {
    yield* plainChunks(lines);
    return;
  }
  if (lines.length === 0) {
    yield encodeRecordLines(lines, "gzip"); // gzip of nothing: one small chunk
    return;
  }
  const gzip = createGzip();
  const fed = pipeline(Readable.from(plainChunks(lines), { objectMode: false }), gzip);
  fed.catch(() => {}); // its failure is the gzip stream's, thrown by the loop below
  try {
    for await (const chunk of gzip) yield chunk as Buffer;
    await fed;
  } finally {
    gzip.destroy();
  }
}
