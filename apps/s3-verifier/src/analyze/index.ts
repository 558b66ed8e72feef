/**
 * The verifier's judgement, as a pure function of what the scan read and what Kafka said: per Kafka partition the
 * offsets the objects cover (start offset + record count), gaps, overlaps, duplicates, invalid records, oversize
 * objects, and, with Kafka's watermarks and the group's committed offsets, loss, lag and impossible objects.
 * No I/O here: every case is unit-tested with hand-made inputs. The checks find facts (./facts); `report.ts`
 * says them.
 *
 * - ./partitions: the objects, Kafka state, dead letters and tombstones of each partition
 * - ./objects: checks of one object on its own
 * - ./contiguous, ./interleaved: the two ways a partition's offsets are checked
 * - ./duplicates: the same record at two positions (a duplicate, or twins Kafka itself holds)
 * - ./ranges: offset arithmetic, and the one way an object's offsets are computed
 */
import type { Analysis, AnalyzeOptions, KafkaState, PartitionReport, ScanResult } from "../model";
import { findingOf, noteOf, verdictOf } from "../report";
import { contiguousCoverage } from "./contiguous";
import { findDuplicates, positionId } from "./duplicates";
import { unitsToCheck } from "./expand";
import type { Facts } from "./facts";
import { type Fold, foldOf } from "./fold";
import { interleavedCoverage } from "./interleaved";
import { Samples, skewNote, summarizeLatency } from "./latency";
import { firstKeys, groupByPartition, type PartitionGroup } from "./partitions";

export { createFold, type Fold } from "./fold";
export { subtractOffsets } from "./ranges";

/** What the analysis takes from the scan besides the fold. */
export type ScanFacts = Pick<ScanResult, "unparsable" | "bytes" | "scoped">;

function analyzePartition(g: PartitionGroup, fold: Fold, kafkaGiven: boolean, facts: Facts): PartitionReport {
  const { topic, partition } = g;
  const tally = g.log?.tally;
  facts.findings.push(...(g.log?.facts ?? []));
  const units = unitsToCheck(g, fold.templates);
  const coverage = g.interleaved ? interleavedCoverage(g, facts, units) : contiguousCoverage(g, facts, units);
  for (const u of units) if (u.readError === undefined && u.records > 0) coverage.add(u);
  const k = g.kafka;
  if (k === null && kafkaGiven && g.objects > 0) {
    facts.findings.push({
      kind: "unknown-partition",
      topic,
      partition,
      keys: firstKeys(g.units, fold.templates, 3),
      objects: g.objects,
    });
  }
  const records = tally?.records ?? 0;
  const c = coverage.finish(k, records);
  return {
    topic,
    partition,
    objects: g.objects,
    records,
    invalidRecords: tally?.invalidRecords ?? 0,
    firstOffset: c.first,
    lastOffset: c.last,
    ...(c.lastKey !== undefined ? { lastKey: c.lastKey } : {}),
    gaps: c.gaps,
    overlaps: Number(c.overlaps),
    duplicateRecords: 0,
    overFlushSize: tally?.overFlushSize ?? 0,
    maxRecordsPerObject: tally?.maxRecordsPerObject ?? 0,
    kafka:
      k === null || c.kafka === null
        ? null
        : { low: k.low, high: k.high, committed: k.committed, ...c.kafka },
    latency: tally ? summarizeLatency(tally.latencies) : null,
  };
}

/** The analysis of objects already in memory (tests, small inputs): folds them, then `analyzeFold`. */
export function analyze(scan: ScanResult, kafka: KafkaState | null, opts: AnalyzeOptions = {}): Analysis {
  const fold = foldOf(scan.objects, opts);
  try {
    return analyzeFold(fold, scan, kafka, opts);
  } finally {
    fold.close();
  }
}

/** The verdict on a fold of the scan's objects; pure apart from reading the fold's record index. */
export function analyzeFold(
  fold: Fold,
  scan: ScanFacts,
  kafka: KafkaState | null,
  opts: AnalyzeOptions = {},
): Analysis {
  const facts: Facts = { findings: [], notes: [] };
  const groups = groupByPartition(fold, scan.scoped ?? [], kafka, opts.proven);

  for (const u of scan.unparsable)
    facts.findings.push({ kind: "unparsable-key", keys: [u.key], reason: u.reason });
  if (kafka) {
    const scanned = new Set(fold.partitions.map((p) => p.topic));
    for (const t of kafka.topics) {
      if (!t.exists && scanned.has(t.topic)) {
        facts.findings.push({ kind: "unknown-topic", topic: t.topic, brokers: kafka.brokers });
      }
    }
  }

  const partitions = groups.map((g) =>
    analyzePartition(g, fold, kafka?.topics.some((t) => t.topic === g.topic && t.exists) === true, facts),
  );
  const kafkaValues = kafka?.values ? new Map(kafka.values.map((v) => [positionId(v), v.hash])) : undefined;
  const { duplicates, twins, toConfirm } = findDuplicates(fold, groups, partitions, kafkaValues);
  (opts.allowDuplicates === true ? facts.notes : facts.findings).push(...duplicates);
  facts.notes.push(...twins);

  const records = partitions.reduce((n, p) => n + p.records, 0);
  const sum = (pick: (p: NonNullable<PartitionReport["kafka"]>) => bigint) =>
    kafka !== null ? partitions.reduce((n, p) => n + (p.kafka ? pick(p.kafka) : 0n), 0n) : null;
  const totals = {
    objects: fold.objects(),
    unparsableKeys: scan.unparsable.length,
    records,
    invalidRecords: partitions.reduce((n, p) => n + p.invalidRecords, 0),
    duplicateRecords: duplicates.reduce((n, d) => n + d.count, 0),
    twinRecords: twins.reduce((n, d) => n + d.count, 0),
    bytes: scan.bytes,
    partitions: partitions.length,
    lag: sum((k) => k.lag),
    missing: sum((k) => k.missing),
  };

  if (opts.expectCount !== undefined && records !== opts.expectCount) {
    facts.findings.push({ kind: "count-mismatch", count: records, expected: opts.expectCount });
  }
  if (opts.maxLag !== undefined && totals.lag !== null && totals.lag > BigInt(opts.maxLag)) {
    facts.findings.push({ kind: "lag-over-limit", count: Number(totals.lag), maxLag: opts.maxLag });
  }

  const all = new Samples();
  for (const log of fold.partitions) for (const v of log.tally.latencies.values()) all.push(v);
  for (const v of fold.outside.values()) all.push(v);
  const latency = summarizeLatency(all);
  const findings = facts.findings.map(findingOf);
  const notes = facts.notes.map(noteOf);
  const skew = skewNote(latency);
  if (skew) notes.push(skew);
  const partial = { totals, partitions, findings, notes, latency };
  return {
    ok: findings.length === 0,
    verdict: verdictOf(partial, kafka !== null),
    ...partial,
    twinsToConfirm: kafka?.values ? [] : toConfirm,
  };
}
