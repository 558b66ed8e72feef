/**
 * How an Analysis is said and shown. The only place with prose: each fact the analysis found becomes a sentence
 * (findingOf, noteOf) and the whole a one-line verdict; then a per-partition table, the findings, notes, and the
 * verdict last; or, with --json, the same as one JSON document (offsets as numbers while they are safe integers).
 */
import { formatCount, formatDuration } from "@weblog/cli";
import type { DuplicateFact, FindingFact, NoteFact, TwinFact } from "./analyze/facts";
import { size } from "./analyze/ranges";
import type { Analysis, Finding, LatencySummary, Note, OffsetRange, ScanResult } from "./model";

const fmtRange = (r: OffsetRange) => (r.from === r.to ? `offset ${r.from}` : `offsets ${r.from}..${r.to}`);
const one = (n: number | bigint) => n === 1 || n === 1n;
const plural = (n: number | bigint, word: string, words = `${word}s`) => `${n} ${one(n) ? word : words}`;

/** The sentence for a discrepancy. */
function findingText(f: FindingFact | DuplicateFact): string {
  const at = "topic" in f && "partition" in f ? `${f.topic}/${f.partition}` : "";
  switch (f.kind) {
    case "unparsable-key":
      return `${f.keys[0]}: not an S3 sink object key (${f.reason}).`;
    case "unknown-topic":
      return `S3 holds objects of topic "${f.topic}", which does not exist on ${f.brokers.join(",")}.`;
    case "unreadable-object":
      return `${f.keys[0]} could not be read: ${f.readError}.`;
    case "invalid-record":
      return `${f.keys[0]} line ${f.line} is not a valid web-log record (${f.code}): ${f.detail}`;
    case "over-flush-size":
      return `${f.keys[0]} holds ${f.count} records, more than flush.size ${f.flushSize}.`;
    case "over-flush-size-bytes":
      return `${f.keys[0]} holds ${f.bytes} bytes of records, more than weblog.flush.size.bytes ${f.flushSizeBytes} (and more than one record).`;
    case "empty-object":
      return `${f.keys[0]} holds no records (a sink never writes an empty object).`;
    case "overlap":
      return f.shape === "same-start"
        ? `${at}: ${f.keys[0]} and ${f.keys[1]} both start at offset ${f.range.from}: that record is in two objects.`
        : `${at}: ${fmtRange(f.range)} are in two objects (${f.keys[0]} and ${f.keys[1]}): delivered twice.`;
    case "committed-but-missing":
      return f.shape === "range"
        ? `${at}: ${fmtRange(f.range)} (${plural(size(f.range), "record")}) were committed by the sink's group but are not in S3: lost.`
        : `${at}: the group committed up to offset ${f.committed}, but S3 holds ${f.held} records from offset ${f.begin} on: ${plural(f.count, "record")} lost.`;
    case "missing-from-s3":
      return `${at}: ${fmtRange(f.range)} (${plural(size(f.range), "record")}) missing before the first object, while Kafka still holds them.`;
    case "gap":
      return `${at}: ${fmtRange(f.range)} (${plural(size(f.range), "record")}) missing between two objects.`;
    case "beyond-high-watermark":
      return f.shape === "start"
        ? `${f.keys[0]} starts at offset ${f.offset}, but Kafka's high watermark is ${f.high}: impossible for this topic.`
        : `${f.keys[0]} covers offsets up to ${f.offset}, but Kafka's high watermark is ${f.high}: impossible for this topic (wrong cluster, or the topic was recreated).`;
    case "committed-beyond-high-watermark":
      return `${at}: the group committed offset ${f.committed}, beyond the high watermark ${f.high}.`;
    case "unknown-partition":
      return `${at}: S3 holds ${plural(f.objects, "object")} for a partition Kafka does not have.`;
    case "count-mismatch":
      return `S3 holds ${plural(f.count, "record")}, expected ${f.expected} (--expect-count).`;
    case "lag-over-limit":
      return `${plural(f.count, "record")} in Kafka are not in S3 yet, more than --max-lag ${f.maxLag}.`;
    case "duplicate-record": {
      const more = f.count > 1 ? ", ..." : "";
      const what = `${one(f.count) ? "a record" : `${f.count} records`} of ${f.keys[0]} (line ${f.lineA}${more}) ${one(f.count) ? "appears" : "appear"} again in ${f.keys[1]} (line ${f.lineB}${more}) at another offset`;
      return f.kafkaDiffers
        ? `${what}, where Kafka holds a different record: written in place of that offset's own record, which is not in S3.`
        : `${what} (a field or time partitioner's objects do not place records at offsets): written twice, or twins in the source data (--allow-duplicates).`;
    }
  }
}

/** The sentence for twins: identical records at two offsets, each offset held once. */
function twinText(n: TwinFact): string {
  const more = n.count > 1 ? ", ..." : "";
  const what = `${n.topic}/${n.partition}: ${one(n.count) ? "a record" : `${n.count} records`} of ${n.keys[0]} (line ${n.lineA}${more}) ${one(n.count) ? "is" : "are"} identical to ${n.keys[1]} (line ${n.lineB}${more}) at another offset`;
  return n.confirmed
    ? `${what}, as in Kafka, which holds the same value at both offsets: twins in the source data (e.g. two requests in one millisecond), not a duplicate.`
    : `${what}; each offset is held once, so no record is in S3 twice: twins in the source data (with --brokers the verifier compares both offsets' records in Kafka).`;
}

/** The sentence for a note. */
function noteText(n: NoteFact | DuplicateFact | TwinFact): string {
  const at = `${n.topic}/${n.partition}`;
  switch (n.kind) {
    case "interleaved-partitioner":
      return `${at}: objects under ${n.paths} partitioner paths interleave offsets (field or time partitioner), so gaps are checked by record count against Kafka, not offset by offset.`;
    case "not-checked":
      return `${at}: the first object starts at offset ${n.range.to + 1n}; ${fmtRange(n.range)} were not checked (pass --brokers to compare with Kafka).`;
    case "lag":
      return n.shape === "interleaved"
        ? `${at}: ${plural(n.lag, "record")} in Kafka not in S3 yet.`
        : `${at}: ${plural(n.lag, "record")} in Kafka not delivered to S3 yet.`;
    case "expired-from-kafka":
      return `${at}: ${plural(n.offsets, "offset")} below the low watermark ${n.low} are not in S3 and no longer in Kafka (retention); not counted as loss.`;
    case "dead-lettered":
      return `${at}: ${plural(n.offsets, "offset")} not in S3 are in the dead-letter topic (bad records): not counted as gaps.`;
    case "tombstones":
      return `${at}: ${plural(n.offsets, "offset")} not in S3 are tombstones in Kafka (null values, which behavior.on.null.values=ignore skips): not counted as gaps.`;
    case "duplicate-record":
      return findingText(n);
    case "twin-records":
      return twinText(n);
  }
}

/** The fields a report shows of a fact, in the report's order (kind, message, then where and how many). */
function shown<K extends string>(
  f: { kind: K } & Partial<Omit<Finding, "kind" | "message">>,
  message: string,
) {
  const out: { kind: K; message: string } & Partial<Omit<Finding, "kind" | "message">> = {
    kind: f.kind,
    message,
  };
  if (f.topic !== undefined) out.topic = f.topic;
  if (f.partition !== undefined) out.partition = f.partition;
  if (f.keys !== undefined) out.keys = [...f.keys];
  if (f.range !== undefined) out.range = f.range;
  if (f.count !== undefined) out.count = f.count;
  if (f.line !== undefined) out.line = f.line;
  return out;
}

export const findingOf = (f: FindingFact | DuplicateFact): Finding => shown(f, findingText(f));
export const noteOf = (n: NoteFact | DuplicateFact | TwinFact): Note => shown(n, noteText(n));

/** The last line: OK with the scope, or FAIL with the number of discrepancies of each kind. */
export function verdictOf(a: Pick<Analysis, "totals" | "findings">, kafkaGiven: boolean): string {
  const t = a.totals;
  const scope = `${plural(t.records, "record")} in ${plural(t.objects, "object")} over ${plural(t.partitions, "partition")}`;
  if (a.findings.length === 0) {
    const kafka = kafkaGiven ? `; Kafka: ${t.missing ?? 0n} missing, ${t.lag ?? 0n} not delivered yet` : "";
    return `OK: ${scope}; no gaps, overlaps, duplicates or invalid records${kafka}.`;
  }
  const byKind = new Map<string, number>();
  for (const f of a.findings) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
  const kinds = [...byKind].map(([kind, n]) => `${n} ${kind}`).join(", ");
  return `FAIL: ${plural(a.findings.length, "discrepancy", "discrepancies")} (${kinds}) in ${scope}.`;
}

const MAX_FINDINGS_SHOWN = 25;

/** A signed duration: negative values (clock skew) keep their sign, e.g. "-1.2s". */
const signed = (ms: number): string => (ms < 0 ? `-${formatDuration(-ms)}` : formatDuration(ms));

function latencyText(l: LatencySummary | null): string {
  if (!l) return "-";
  const text = `${signed(l.p50Ms)}/${signed(l.p95Ms)}/${signed(l.maxMs)}`;
  return l.skewed > 0 ? `${text} (${l.skewed} skewed)` : text;
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

/** A table cell for a count: "1,234", or "-" where there is none (no Kafka state). */
const countCell = (v: number | bigint | null | undefined) =>
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
      countCell(p.objects),
      countCell(p.records),
      p.firstOffset === null ? "-" : `${p.firstOffset}..${p.lastOffset ?? "? (interleaved)"}`,
      countCell(p.gaps.length),
      countCell(p.overlaps),
      countCell(p.duplicateRecords),
      countCell(p.invalidRecords),
      countCell(p.overFlushSize),
    ];
    if (withKafka) {
      row.push(
        p.kafka ? `${p.kafka.low}..${p.kafka.high}` : "-",
        p.kafka?.committed === null || p.kafka === null ? "-" : String(p.kafka.committed),
        countCell(p.kafka?.lag),
        countCell(p.kafka?.missing),
      );
    }
    row.push(latencyText(p.latency));
    rows.push(row);
  }
  const t = a.totals;
  const total = [
    "total",
    countCell(t.objects),
    countCell(t.records),
    "",
    countCell(a.partitions.reduce((s, p) => s + p.gaps.length, 0)),
    countCell(a.partitions.reduce((s, p) => s + p.overlaps, 0)),
    countCell(t.duplicateRecords),
    countCell(t.invalidRecords),
    countCell(a.partitions.reduce((s, p) => s + p.overFlushSize, 0)),
  ];
  if (withKafka) total.push("", "", countCell(t.lag), countCell(t.missing));
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
