/**
 * Query results: DuckDB rows -> plain JSON values (numbers where safe, timestamps as ISO-8601 UTC text, as the
 * records write them) and a terminal table.
 */
import type { DuckDBResultReader } from "@duckdb/node-api";

export interface ResultTable {
  columns: string[];
  rows: Record<string, unknown>[];
}

function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint")
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : v.toString();
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(plain);
  return String(v); // DuckDB value classes (timestamps, decimals, lists) print as DuckDB does
}

export function tableOf(result: DuckDBResultReader): ResultTable {
  const columns = result.columnNames();
  const rows = result.getRowObjectsJS().map((row) => {
    const out: Record<string, unknown> = {};
    for (const c of columns) out[c] = plain(row[c]);
    return out;
  });
  return { columns, rows };
}

const MAX_CELL = 60;

/** Columns padded to their widest cell (cells cut at 60 characters), numbers right-aligned. */
export function renderTable(t: ResultTable): string {
  const cell = (v: unknown) => {
    const s = v === null ? "NULL" : String(v);
    return s.length > MAX_CELL ? `${s.slice(0, MAX_CELL - 1)}…` : s;
  };
  const cells = t.rows.map((r) => t.columns.map((c) => cell(r[c])));
  const numeric = t.columns.map(
    (c) => t.rows.length > 0 && t.rows.every((r) => typeof r[c] === "number" || r[c] === null),
  );
  const width = t.columns.map((c, i) => Math.max(c.length, ...cells.map((row) => (row[i] ?? "").length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(width[i] ?? 0) : v.padEnd(width[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const out = [line(t.columns), width.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)];
  out.push(`(${t.rows.length} row${t.rows.length === 1 ? "" : "s"})`);
  return out.join("\n");
}
