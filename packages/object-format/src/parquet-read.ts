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
  const iso = isoFormatter();
  return rows.map((row) => fastLine(row, iso) ?? genericLine(row));
}

/** Any row: fields in log-schema order, then the others, each value made JSON-able. */
function genericLine(row: Record<string, unknown>): string {
  const ordered: Record<string, unknown> = {};
  for (const f of WEB_LOG_FIELDS) if (f in row) ordered[f] = toJsonValue(row[f]);
  for (const [k, v] of Object.entries(row)) if (!(k in ordered)) ordered[k] = toJsonValue(v);
  return JSON.stringify(ordered);
}

const FIELD_PREFIXES = WEB_LOG_FIELDS.map((f, i) => `${i === 0 ? "{" : ","}${JSON.stringify(f)}:`);

/**
 * The same line as `genericLine`, built by hand for the common case (exactly log-schema's columns, in its order;
 * strings, finite numbers, dates, null): no intermediate object, and dates formatted with a per-second cache. Half
 * of the decode time went to building, converting and stringifying that object (a profile of 10,000-row files).
 * undefined for anything else (the generic path decides).
 */
function fastLine(row: Record<string, unknown>, iso: (d: Date) => string | null): string | undefined {
  let out = "";
  let i = 0;
  for (const k in row) {
    if (k !== WEB_LOG_FIELDS[i]) return undefined;
    const v = row[k];
    let json: string;
    if (typeof v === "string") json = JSON.stringify(v);
    else if (typeof v === "number" && Number.isFinite(v)) json = String(v);
    else if (v === null) json = "null";
    else if (v instanceof Date) {
      const text = iso(v);
      json = text === null ? "null" : `"${text}"`;
    } else return undefined;
    out += FIELD_PREFIXES[i] + json;
    i += 1;
  }
  return i === WEB_LOG_FIELDS.length ? `${out}}` : undefined;
}

/** Date -> ISO 8601 like toISOString (null for an invalid date), reusing the text up to the second (rows rise in time). */
function isoFormatter(): (d: Date) => string | null {
  let second = Number.NaN;
  let head = "";
  return (d) => {
    const ms = d.getTime();
    if (Number.isNaN(ms)) return null;
    const s = Math.floor(ms / 1000);
    if (s !== second) {
      const text = d.toISOString();
      if (text.length !== 24) return text; // years outside 0000-9999: no cache
      second = s;
      head = text.slice(0, 20);
    }
    const milli = ms - s * 1000;
    return `${head}${milli < 10 ? "00" : milli < 100 ? "0" : ""}${milli}Z`;
  };
}

/** The body's own bytes as an ArrayBuffer (a Node Buffer is often a view into a larger, shared pool). */
function toArrayBuffer(body: Uint8Array): ArrayBuffer {
  const whole = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
  if (whole && body.buffer instanceof ArrayBuffer) return body.buffer;
  return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
}
