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
import type { Facts } from "./facts";
import { interleavedCoverage } from "./interleaved";
import { latencyOf, skewNote, summarizeLatency } from "./latency";
import { checkObject, emptyTally } from "./objects";
import { groupByPartition, type PartitionGroup } from "./partitions";

export { subtractOffsets } from "./ranges";

function analyzePartition(
  g: PartitionGroup,
  kafkaGiven: boolean,
  opts: AnalyzeOptions,
  facts: Facts,
): PartitionReport {
  const { topic, partition } = g;
  const tally = emptyTally();
  const coverage = g.interleaved ? interleavedCoverage(g, facts) : contiguousCoverage(g, facts);
  for (const o of g.objects) {
    if (checkObject(o, { topic, partition }, opts, tally, facts)) coverage.add(o);
  }
  const k = g.kafka;
  if (k === null && kafkaGiven && g.objects.length > 0) {
    facts.findings.push({
      kind: "unknown-partition",
      topic,
      partition,
      keys: g.objects.slice(0, 3).map((o) => o.key),
      objects: g.objects.length,
    });
  }
  const c = coverage.finish(k, tally.records);
  return {
    topic,
    partition,
    objects: g.objects.length,
    records: tally.records,
    invalidRecords: tally.invalidRecords,
    firstOffset: c.first,
    lastOffset: c.last,
    ...(c.lastKey !== undefined ? { lastKey: c.lastKey } : {}),
    gaps: c.gaps,
    overlaps: Number(c.overlaps),
    duplicateRecords: 0,
    overFlushSize: tally.overFlushSize,
    maxRecordsPerObject: tally.maxRecordsPerObject,
    kafka:
      k === null || c.kafka === null
        ? null
        : { low: k.low, high: k.high, committed: k.committed, ...c.kafka },
    latency: summarizeLatency(tally.latencies),
  };
}

export function analyze(scan: ScanResult, kafka: KafkaState | null, opts: AnalyzeOptions = {}): Analysis {
  const facts: Facts = { findings: [], notes: [] };
  const groups = groupByPartition(scan, kafka, opts.proven);

  for (const u of scan.unparsable)
    facts.findings.push({ kind: "unparsable-key", keys: [u.key], reason: u.reason });
  if (kafka) {
    const scanned = new Set(scan.objects.map((o) => o.parts.topic));
    for (const t of kafka.topics) {
      if (!t.exists && scanned.has(t.topic)) {
        facts.findings.push({ kind: "unknown-topic", topic: t.topic, brokers: kafka.brokers });
      }
    }
  }

  const partitions = groups.map((g) =>
    analyzePartition(g, kafka?.topics.some((t) => t.topic === g.topic && t.exists) === true, opts, facts),
  );
  const kafkaValues = kafka?.values ? new Map(kafka.values.map((v) => [positionId(v), v.hash])) : undefined;
  const { duplicates, twins, toConfirm } = findDuplicates(groups, partitions, kafkaValues);
  (opts.allowDuplicates === true ? facts.notes : facts.findings).push(...duplicates);
  facts.notes.push(...twins);

  const records = partitions.reduce((n, p) => n + p.records, 0);
  const sum = (pick: (p: NonNullable<PartitionReport["kafka"]>) => bigint) =>
    kafka !== null ? partitions.reduce((n, p) => n + (p.kafka ? pick(p.kafka) : 0n), 0n) : null;
  const totals = {
    objects: scan.objects.length,
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

  const latency = summarizeLatency(scan.objects.map(latencyOf).filter((v): v is number => v !== null));
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
