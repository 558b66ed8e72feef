/**
 * A Parquet object -> its records as JSON lines (hyparquet, with hyparquet-compressors for every codec), so the
 * verifier checks Parquet objects exactly as it checks JSON lines: one line per row, in row order.
 *
 * Rows are written back in `@weblog/log-schema`'s field order, the timestamp as `YYYY-MM-DDTHH:mm:ss.sssZ`; a file
 * whose columns are missing, extra or of the wrong type gives lines the record validator rejects (never a guess).
 */
import { WEB_LOG_FIELDS } from "@weblog/log-schema";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";

const toJsonValue = (v: unknown): unknown => {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (typeof v === "bigint") return Number(v);
  return v;
};

/** Row count from the footer alone (no column is decoded). */
export function parquetRowCount(body: Uint8Array): number {
  return Number(parquetMetadata(toArrayBuffer(body)).num_rows);
}

export async function decodeParquet(body: Uint8Array): Promise<string[]> {
  const rows = await parquetReadObjects({ file: toArrayBuffer(body), compressors });
  return rows.map((row) => {
    const ordered: Record<string, unknown> = {};
    for (const f of WEB_LOG_FIELDS) if (f in row) ordered[f] = toJsonValue(row[f]);
    for (const [k, v] of Object.entries(row)) if (!(k in ordered)) ordered[k] = toJsonValue(v);
    return JSON.stringify(ordered);
  });
}

/** The body's own bytes as an ArrayBuffer (a Node Buffer is often a view into a larger, shared pool). */
function toArrayBuffer(body: Uint8Array): ArrayBuffer {
  const whole = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
  if (whole && body.buffer instanceof ArrayBuffer) return body.buffer;
  return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
}
