/**
 * JSON lines as Confluent's JsonFormat writes them. The encoding itself has one home, `@weblog/sink-contract`'s
 * body module (the sink's contract); this module gives it the object-format names.
 */
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
