/**
 * How an Analysis is shown: a per-partition table, the findings (each a sentence), notes, and a one-line verdict
 * last; or, with --json, the same as one JSON document (offsets as numbers while they are safe integers).
 */
import { formatCount, formatDuration } from "@weblog/cli";
import type { Analysis, LatencySummary, ScanResult } from "./model";

const MAX_FINDINGS_SHOWN = 25;

function latencyText(l: LatencySummary | null): string {
  if (!l) return "-";
  return `${formatDuration(Math.max(0, l.p50Ms))}/${formatDuration(Math.max(0, l.p95Ms))}/${formatDuration(Math.max(0, l.maxMs))}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

const n = (v: number | bigint | null | undefined) =>
  v === null || v === undefined ? "-" : formatCount(Number(v));

export function renderText(
  a: Analysis,
  scan: Pick<ScanResult, "bucket" | "prefix" | "listed" | "elapsedMs">,
): string {
  const withKafka = a.partitions.some((p) => p.kafka !== null);
  const head = [
    "partition",
    "objects",
    "records",
    "offsets",
    "gaps",
    "overlaps",
    "dups",
    "invalid",
    ">flush",
  ];
  if (withKafka) head.push("kafka low..high", "committed", "lag", "missing");
  head.push("latency p50/p95/max");
  const rows = [head];
  for (const p of a.partitions) {
    const row = [
      `${p.topic}/${p.partition}`,
      n(p.objects),
      n(p.records),
      p.firstOffset === null ? "-" : `${p.firstOffset}..${p.lastOffset ?? "? (interleaved)"}`,
      n(p.gaps.length),
      n(p.overlaps),
      n(p.duplicateRecords),
      n(p.invalidRecords),
      n(p.overFlushSize),
    ];
    if (withKafka) {
      row.push(
        p.kafka ? `${p.kafka.low}..${p.kafka.high}` : "-",
        p.kafka?.committed === null || p.kafka === null ? "-" : String(p.kafka.committed),
        n(p.kafka?.lag),
        n(p.kafka?.missing),
      );
    }
    row.push(latencyText(p.latency));
    rows.push(row);
  }
  const t = a.totals;
  const total = [
    "total",
    n(t.objects),
    n(t.records),
    "",
    n(a.partitions.reduce((s, p) => s + p.gaps.length, 0)),
    n(a.partitions.reduce((s, p) => s + p.overlaps, 0)),
    n(t.duplicateRecords),
    n(t.invalidRecords),
    n(a.partitions.reduce((s, p) => s + p.overFlushSize, 0)),
  ];
  if (withKafka) total.push("", "", n(t.lag), n(t.missing));
  total.push(latencyText(a.latency));
  rows.push(total);

  const out: string[] = [];
  out.push(
    `s3://${scan.bucket}/${scan.prefix}: ${formatCount(scan.listed)} objects listed, ${formatCount(t.unparsableKeys)} unparsable, ${formatCount(t.bytes)} bytes read in ${formatDuration(scan.elapsedMs)}`,
  );
  out.push("");
  out.push(a.partitions.length > 0 ? table(rows) : "(no objects and no Kafka partitions)");
  if (a.findings.length > 0) {
    out.push("", "Discrepancies:");
    for (const f of a.findings.slice(0, MAX_FINDINGS_SHOWN)) out.push(`  - [${f.kind}] ${f.message}`);
    if (a.findings.length > MAX_FINDINGS_SHOWN) {
      out.push(`  ... and ${a.findings.length - MAX_FINDINGS_SHOWN} more (--json lists them all)`);
    }
  }
  if (a.notes.length > 0) {
    out.push("", "Notes:");
    for (const note of a.notes.slice(0, MAX_FINDINGS_SHOWN)) out.push(`  - ${note.message}`);
    if (a.notes.length > MAX_FINDINGS_SHOWN)
      out.push(`  ... and ${a.notes.length - MAX_FINDINGS_SHOWN} more`);
  }
  out.push("", a.verdict);
  return `${out.join("\n")}\n`;
}

/** BigInts become numbers when safe, else decimal strings. */
export function toJsonValue(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v) =>
      typeof v === "bigint"
        ? v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(v)
          : v.toString()
        : v,
    ),
  );
}

export function renderJson(
  a: Analysis,
  scan: Pick<ScanResult, "bucket" | "prefix" | "listed" | "elapsedMs">,
  extra: Record<string, unknown> = {},
): string {
  const doc = {
    ok: a.ok,
    verdict: a.verdict,
    bucket: scan.bucket,
    prefix: scan.prefix,
    listed: scan.listed,
    scanMs: scan.elapsedMs,
    ...extra,
    totals: a.totals,
    latency: a.latency,
    partitions: a.partitions,
    findings: a.findings,
    notes: a.notes,
  };
  return `${JSON.stringify(toJsonValue(doc), null, 2)}\n`;
}
