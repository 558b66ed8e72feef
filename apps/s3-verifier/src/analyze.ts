/**
 * The verifier's judgement, as a pure function of what the scan read and what Kafka said: per Kafka partition the
 * offsets the objects cover (start offset + record count), gaps, overlaps, duplicates, invalid records, oversize
 * objects, and, with Kafka's watermarks and the group's committed offsets, loss, lag and impossible objects.
 * No I/O here: every case is unit-tested with hand-made inputs.
 */
import type {
  Analysis,
  AnalyzeOptions,
  Finding,
  KafkaPartitionState,
  KafkaState,
  LatencySummary,
  Note,
  OffsetRange,
  PartitionReport,
  ScannedObject,
  ScanResult,
} from "./model";

interface PartitionGroup {
  topic: string;
  partition: number;
  objects: ScannedObject[];
  kafka: KafkaPartitionState | null;
  /** Objects under different partitioner paths share offset ranges (field/time partitioner): see isInterleaved. */
  interleaved: boolean;
  /** Offsets found in the dead-letter topic, ascending. */
  deadLetters: bigint[];
  /** Offsets holding a tombstone in Kafka (read only where S3 left offsets unexplained), ascending. */
  tombstones: bigint[];
  /** deadLetters and tombstones merged: offsets the sink consumed without writing a line. */
  skipped: bigint[];
}

/**
 * A field partitioner (and a time partitioner with late records) keeps one open file per path, so a Kafka
 * partition's offsets interleave between objects: an object's records are not consecutive offsets. Detected as
 * objects under different paths whose [start, start + count) ranges cross. Such partitions are checked by count.
 */
export function isInterleaved(objects: readonly ScannedObject[]): boolean {
  let maxEnd = -1n;
  let maxPath = "";
  for (const o of objects) {
    if (o.readError !== undefined || o.records === 0) continue;
    const end = o.parts.startOffset + BigInt(o.records) - 1n;
    if (o.parts.startOffset <= maxEnd && o.parts.encodedPartition !== maxPath) return true;
    if (end > maxEnd) {
      maxEnd = end;
      maxPath = o.parts.encodedPartition;
    }
  }
  return false;
}

const fmtRange = (r: OffsetRange) => (r.from === r.to ? `offset ${r.from}` : `offsets ${r.from}..${r.to}`);
const size = (r: OffsetRange) => r.to - r.from + 1n;
const where = (topic: string, partition: number) => `${topic}/${partition}`;
const plural = (n: number | bigint, word: string) => `${n} ${word}${n === 1 || n === 1n ? "" : "s"}`;

/** Nearest-rank percentile of sorted numbers. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export function summarizeLatency(samplesMs: number[]): LatencySummary | null {
  if (samplesMs.length === 0) return null;
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    maxMs: sorted[sorted.length - 1] as number,
  };
}

function latencyOf(o: ScannedObject): number | null {
  return o.lastModifiedMs !== null && o.newestRecordMs !== null ? o.lastModifiedMs - o.newestRecordMs : null;
}

/** Splits [from, to] at `at`: the part below `at` and the part at or above it (either may be null). */
function splitAt(r: OffsetRange, at: bigint): [OffsetRange | null, OffsetRange | null] {
  if (r.to < at) return [r, null];
  if (r.from >= at) return [null, r];
  return [
    { from: r.from, to: at - 1n },
    { from: at, to: r.to },
  ];
}

/**
 * Where an object's offsets end when the sink skipped dead-lettered records inside it: its `count` records are the
 * first `count` offsets from `start` that are not in `dead` (sorted ascending). Returns the end and how many
 * dead-lettered offsets lie inside.
 */
export function spanEnd(
  start: bigint,
  count: number,
  dead: readonly bigint[],
): { end: bigint; inside: number } {
  let end = start + BigInt(count) - 1n;
  let inside = 0;
  for (const d of dead) {
    if (d < start) continue;
    if (d > end) break;
    end += 1n;
    inside += 1;
  }
  return { end, inside };
}

/** How many of `offsets` lie in `r`. */
function countIn(offsets: readonly bigint[], r: OffsetRange): bigint {
  let n = 0n;
  for (const o of offsets) if (o >= r.from && o <= r.to) n += 1n;
  return n;
}

/** Removes `offsets` (sorted ascending) from `r`: the remaining sub-ranges and how many offsets were removed. */
export function subtractOffsets(
  r: OffsetRange,
  offsets: readonly bigint[],
): { ranges: OffsetRange[]; removed: bigint } {
  const ranges: OffsetRange[] = [];
  let from = r.from;
  let removed = 0n;
  for (const o of offsets) {
    if (o < from) continue;
    if (o > r.to) break;
    if (o > from) ranges.push({ from, to: o - 1n });
    removed += 1n;
    from = o + 1n;
  }
  if (from <= r.to) ranges.push({ from, to: r.to });
  return { ranges, removed };
}

function groupByPartition(scan: ScanResult, kafka: KafkaState | null): PartitionGroup[] {
  const groups = new Map<string, PartitionGroup>();
  const get = (topic: string, partition: number) => {
    const id = `${topic}\u0000${partition}`;
    let g = groups.get(id);
    if (!g) {
      g = {
        topic,
        partition,
        objects: [],
        kafka: null,
        interleaved: false,
        deadLetters: [],
        tombstones: [],
        skipped: [],
      };
      groups.set(id, g);
    }
    return g;
  };
  for (const o of scan.objects) get(o.parts.topic, o.parts.kafkaPartition).objects.push(o);
  for (const t of kafka?.topics ?? []) {
    for (const p of t.partitions) get(t.topic, p.partition).kafka = p;
  }
  const ascending = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
  for (const d of kafka?.dlq?.partitions ?? []) {
    const g = groups.get(`${d.topic}\u0000${d.partition}`);
    if (g) g.deadLetters = [...d.offsets].sort(ascending);
  }
  for (const t of kafka?.tombstones ?? []) {
    const g = groups.get(`${t.topic}\u0000${t.partition}`);
    if (g) g.tombstones = [...t.offsets].sort(ascending);
  }
  for (const g of groups.values())
    g.skipped = [...new Set([...g.deadLetters, ...g.tombstones])].sort(ascending);
  const sorted = [...groups.values()].sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  );
  for (const g of sorted) {
    g.objects.sort((a, b) =>
      a.parts.startOffset === b.parts.startOffset
        ? a.key < b.key
          ? -1
          : 1
        : a.parts.startOffset < b.parts.startOffset
          ? -1
          : 1,
    );
    g.interleaved = isInterleaved(g.objects);
  }
  return sorted;
}

function analyzePartition(
  g: PartitionGroup,
  kafkaGiven: boolean,
  opts: AnalyzeOptions,
  findings: Finding[],
  notes: Note[],
): PartitionReport {
  const { topic, partition } = g;
  const at = where(topic, partition);
  let records = 0;
  let invalidRecords = 0;
  let overFlushSize = 0;
  let maxRecordsPerObject = 0;
  let overlaps = 0n;
  const latencies: number[] = [];
  const encodedPartitions = new Set<string>();

  // Covered ranges in start order; `maxEnd`/`maxEndKey` track the furthest offset covered so far.
  const uncovered: { range: OffsetRange; place: "leading" | "internal" }[] = [];
  let first: bigint | null = null;
  let maxEnd = -1n;
  let maxEndKey = "";
  const starts = new Map<bigint, string>();
  let deadInside = 0n;
  let tombstonesInside = 0n;
  for (const o of g.objects) {
    encodedPartitions.add(o.parts.encodedPartition);
    if (o.readError !== undefined) {
      findings.push({
        kind: "unreadable-object",
        message: `${o.key} could not be read: ${o.readError}.`,
        topic,
        partition,
        keys: [o.key],
      });
      continue;
    }
    records += o.records;
    invalidRecords += o.invalid.length;
    maxRecordsPerObject = Math.max(maxRecordsPerObject, o.records);
    const lat = latencyOf(o);
    if (lat !== null) latencies.push(lat);
    for (const bad of o.invalid) {
      findings.push({
        kind: "invalid-record",
        message: `${o.key} line ${bad.line} is not a valid web-log record (${bad.code}): ${bad.message}`,
        topic,
        partition,
        keys: [o.key],
        line: bad.line,
      });
    }
    if (opts.flushSize !== undefined && o.records > opts.flushSize) {
      overFlushSize += 1;
      findings.push({
        kind: "over-flush-size",
        message: `${o.key} holds ${o.records} records, more than flush.size ${opts.flushSize}.`,
        topic,
        partition,
        keys: [o.key],
        count: o.records,
      });
    }
    if (o.records === 0) {
      findings.push({
        kind: "empty-object",
        message: `${o.key} holds no records (a sink never writes an empty object).`,
        topic,
        partition,
        keys: [o.key],
      });
      continue;
    }
    if (g.interleaved) {
      const start = o.parts.startOffset;
      if (first === null || start < first) first = start;
      const other = starts.get(start);
      if (other !== undefined) {
        overlaps += 1n;
        findings.push({
          kind: "overlap",
          message: `${at}: ${other} and ${o.key} both start at offset ${start}: that record is in two objects.`,
          topic,
          partition,
          keys: [other, o.key],
          range: { from: start, to: start },
          count: 1,
        });
      } else starts.set(start, o.key);
      continue;
    }
    const span = spanEnd(o.parts.startOffset, o.records, g.skipped);
    const range = { from: o.parts.startOffset, to: span.end };
    if (span.inside > 0) {
      const dead = countIn(g.deadLetters, range);
      deadInside += dead;
      tombstonesInside += BigInt(span.inside) - dead;
    }
    if (first === null) {
      first = range.from;
      if (range.from > 0n) uncovered.push({ range: { from: 0n, to: range.from - 1n }, place: "leading" });
    } else if (range.from <= maxEnd) {
      const overlap = { from: range.from, to: range.to < maxEnd ? range.to : maxEnd };
      overlaps += size(overlap);
      findings.push({
        kind: "overlap",
        message: `${at}: ${fmtRange(overlap)} are in two objects (${maxEndKey} and ${o.key}): delivered twice.`,
        topic,
        partition,
        keys: [maxEndKey, o.key],
        range: overlap,
        count: Number(size(overlap)),
      });
    } else if (range.from > maxEnd + 1n) {
      uncovered.push({ range: { from: maxEnd + 1n, to: range.from - 1n }, place: "internal" });
    }
    if (range.to > maxEnd) {
      maxEnd = range.to;
      maxEndKey = o.key;
    }
  }

  if (g.interleaved) {
    notes.push({
      kind: "interleaved-partitioner",
      message: `${at}: objects under ${encodedPartitions.size} partitioner paths interleave offsets (field or time partitioner), so gaps are checked by record count against Kafka, not offset by offset.`,
      topic,
      partition,
    });
  }

  const gaps: OffsetRange[] = [];
  let lag = 0n;
  let missing = 0n;
  let deadLettered = deadInside;
  let tombstones = tombstonesInside;
  const k = g.kafka;

  const loss = (r: OffsetRange, why: string) => {
    missing += size(r);
    gaps.push(r);
    findings.push({
      kind: "committed-but-missing",
      message: `${at}: ${fmtRange(r)} (${plural(size(r), "record")}) ${why} but are not in S3: lost.`,
      topic,
      partition,
      range: r,
      count: Number(size(r)),
    });
  };
  const gap = (r: OffsetRange, place: "leading" | "internal") => {
    gaps.push(r);
    const context =
      place === "leading" ? "before the first object, while Kafka still holds them" : "between two objects";
    findings.push({
      kind: place === "leading" ? "missing-from-s3" : "gap",
      message: `${at}: ${fmtRange(r)} (${plural(size(r), "record")}) missing ${context}.`,
      topic,
      partition,
      range: r,
      count: Number(size(r)),
    });
  };

  if (g.interleaved && k !== null) {
    const { low, high, committed } = k;
    for (const o of g.objects) {
      if (o.readError === undefined && o.records > 0 && o.parts.startOffset >= high) {
        findings.push({
          kind: "beyond-high-watermark",
          message: `${o.key} starts at offset ${o.parts.startOffset}, but Kafka's high watermark is ${high}: impossible for this topic.`,
          topic,
          partition,
          keys: [o.key],
        });
      }
    }
    // Records are counted from the low watermark (or from the first object when S3 reaches further back).
    const begin = first !== null && first < low ? first : low;
    deadLettered = BigInt(g.deadLetters.filter((o) => o >= begin && o < high).length);
    tombstones = BigInt(
      g.tombstones.filter((o) => o >= begin && o < high && !g.deadLetters.includes(o)).length,
    );
    const held = BigInt(records) + deadLettered + tombstones;
    if (committed !== null && committed - begin > held) {
      const r = { from: begin, to: committed - 1n };
      missing = committed - begin - held;
      findings.push({
        kind: "committed-but-missing",
        message: `${at}: the group committed up to offset ${committed}, but S3 holds ${held} records from offset ${begin} on: ${plural(missing, "record")} lost.`,
        topic,
        partition,
        range: r,
        count: Number(missing),
      });
    }
    if (high - begin > held + missing) lag = high - begin - held - missing;
    if (lag > 0n) {
      notes.push({
        kind: "lag",
        message: `${at}: ${plural(lag, "record")} in Kafka not in S3 yet.`,
        topic,
        partition,
      });
    }
  } else if (k === null) {
    if (kafkaGiven && g.objects.length > 0) {
      findings.push({
        kind: "unknown-partition",
        message: `${at}: S3 holds ${plural(g.objects.length, "object")} for a partition Kafka does not have.`,
        topic,
        partition,
        keys: g.objects.slice(0, 3).map((o) => o.key),
      });
    }
    for (const u of uncovered) {
      if (u.place === "internal") gap(u.range, "internal");
      else
        notes.push({
          kind: "not-checked",
          message: `${at}: the first object starts at offset ${u.range.to + 1n}; ${fmtRange(u.range)} were not checked (pass --brokers to compare with Kafka).`,
          topic,
          partition,
          range: u.range,
        });
    }
  } else {
    const { low, high, committed } = k;
    if (committed !== null && committed > high) {
      findings.push({
        kind: "committed-beyond-high-watermark",
        message: `${at}: the group committed offset ${committed}, beyond the high watermark ${high}.`,
        topic,
        partition,
      });
    }
    for (const o of g.objects) {
      if (o.readError !== undefined || o.records === 0) continue;
      const { end } = spanEnd(o.parts.startOffset, o.records, g.skipped);
      if (end >= high) {
        findings.push({
          kind: "beyond-high-watermark",
          message: `${o.key} covers offsets up to ${end}, but Kafka's high watermark is ${high}: impossible for this topic (wrong cluster, or the topic was recreated).`,
          topic,
          partition,
          keys: [o.key],
        });
      }
    }
    const tailFrom = maxEnd + 1n;
    const all = [...uncovered];
    if (tailFrom <= high - 1n) all.push({ range: { from: tailFrom, to: high - 1n }, place: "internal" });
    const isTail = (r: OffsetRange) => r.from >= tailFrom;
    let expired = 0n;
    for (const u of all) {
      const dead = subtractOffsets(u.range, g.deadLetters);
      deadLettered += dead.removed;
      const ranges: OffsetRange[] = [];
      for (const r of dead.ranges) {
        const left = subtractOffsets(r, g.tombstones);
        tombstones += left.removed;
        ranges.push(...left.ranges);
      }
      for (const range of ranges) {
        const [below, retained] = splitAt(range, low);
        if (below) expired += size(below);
        if (!retained) continue;
        const [committedPart, rest] = committed === null ? [null, retained] : splitAt(retained, committed);
        if (committedPart) loss(committedPart, "were committed by the sink's group");
        if (!rest) continue;
        if (isTail(rest)) lag += size(rest);
        else gap(rest, u.place);
      }
    }
    if (expired > 0n && (g.objects.length > 0 || committed !== null)) {
      notes.push({
        kind: "expired-from-kafka",
        message: `${at}: ${plural(expired, "offset")} below the low watermark ${low} are not in S3 and no longer in Kafka (retention); not counted as loss.`,
        topic,
        partition,
      });
    }
    if (deadLettered > 0n) {
      notes.push({
        kind: "dead-lettered",
        message: `${at}: ${plural(deadLettered, "offset")} not in S3 are in the dead-letter topic (bad records): not counted as gaps.`,
        topic,
        partition,
      });
    }
    if (tombstones > 0n) {
      notes.push({
        kind: "tombstones",
        message: `${at}: ${plural(tombstones, "offset")} not in S3 are tombstones in Kafka (null values, which behavior.on.null.values=ignore skips): not counted as gaps.`,
        topic,
        partition,
      });
    }
    if (lag > 0n) {
      notes.push({
        kind: "lag",
        message: `${at}: ${plural(lag, "record")} in Kafka not delivered to S3 yet.`,
        topic,
        partition,
      });
    }
  }

  return {
    topic,
    partition,
    objects: g.objects.length,
    records,
    invalidRecords,
    firstOffset: first,
    lastOffset: first === null || g.interleaved ? null : maxEnd,
    gaps,
    overlaps: Number(overlaps),
    duplicateRecords: 0,
    overFlushSize,
    maxRecordsPerObject,
    kafka:
      k === null
        ? null
        : { low: k.low, high: k.high, committed: k.committed, lag, missing, deadLettered, tombstones },
    latency: summarizeLatency(latencies),
  };
}

/** Identical records at different positions (another offset, partition or topic) in two different objects. */
function findDuplicates(
  groups: PartitionGroup[],
  reports: PartitionReport[],
  findings: Finding[],
  notes: Note[],
  allow: boolean,
): number {
  const seen = new Map<
    string,
    { topic: string; partition: number; offset: bigint; key: string; line: number }
  >();
  const pairs = new Map<
    string,
    { a: string; b: string; topic: string; partition: number; count: number; lineA: number; lineB: number }
  >();
  groups.forEach((g, gi) => {
    for (const o of g.objects) {
      if (o.readError !== undefined) continue;
      o.recordHashes.forEach((h, i) => {
        const offset = o.parts.startOffset + BigInt(i);
        const prev = seen.get(h);
        if (!prev) {
          seen.set(h, { topic: g.topic, partition: g.partition, offset, key: o.key, line: i + 1 });
          return;
        }
        if (prev.key === o.key) return;
        const sameOffset = prev.topic === g.topic && prev.partition === g.partition && prev.offset === offset;
        if (sameOffset && !g.interleaved) return; // an overlap, already named
        const id = `${prev.key}\u0000${o.key}`;
        const pair = pairs.get(id) ?? {
          a: prev.key,
          b: o.key,
          topic: g.topic,
          partition: g.partition,
          count: 0,
          lineA: prev.line,
          lineB: i + 1,
        };
        pair.count += 1;
        pairs.set(id, pair);
        const report = reports[gi];
        if (report) report.duplicateRecords += 1;
      });
    }
  });
  let total = 0;
  for (const p of pairs.values()) {
    total += p.count;
    (allow ? notes : findings).push({
      kind: "duplicate-record",
      message: `${p.count === 1 ? "a record" : `${p.count} records`} of ${p.a} (line ${p.lineA}${p.count > 1 ? ", ..." : ""}) ${p.count === 1 ? "appears" : "appear"} again in ${p.b} (line ${p.lineB}${p.count > 1 ? ", ..." : ""}) at another offset: produced twice, or twins in the source data.`,
      topic: p.topic,
      partition: p.partition,
      keys: [p.a, p.b],
      count: p.count,
    });
  }
  return total;
}

function verdictOf(a: Omit<Analysis, "verdict" | "ok">, kafkaGiven: boolean): string {
  const t = a.totals;
  const scope = `${plural(t.records, "record")} in ${plural(t.objects, "object")} over ${plural(t.partitions, "partition")}`;
  if (a.findings.length === 0) {
    const kafka = kafkaGiven ? `; Kafka: ${t.missing ?? 0n} missing, ${t.lag ?? 0n} not delivered yet` : "";
    return `OK: ${scope}; no gaps, overlaps, duplicates or invalid records${kafka}.`;
  }
  const byKind = new Map<string, number>();
  for (const f of a.findings) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
  const kinds = [...byKind].map(([kind, n]) => `${n} ${kind}`).join(", ");
  return `FAIL: ${plural(a.findings.length, "discrepancy").replace("discrepancys", "discrepancies")} (${kinds}) in ${scope}.`;
}

export function analyze(scan: ScanResult, kafka: KafkaState | null, opts: AnalyzeOptions = {}): Analysis {
  const findings: Finding[] = [];
  const notes: Note[] = [];
  const groups = groupByPartition(scan, kafka);
  const kafkaGiven = kafka !== null;

  for (const u of scan.unparsable) {
    findings.push({
      kind: "unparsable-key",
      message: `${u.key}: not an S3 sink object key (${u.reason}).`,
      keys: [u.key],
    });
  }
  if (kafka) {
    const scanned = new Set(scan.objects.map((o) => o.parts.topic));
    for (const t of kafka.topics) {
      if (!t.exists && scanned.has(t.topic)) {
        findings.push({
          kind: "unknown-topic",
          message: `S3 holds objects of topic "${t.topic}", which does not exist on ${kafka.brokers.join(",")}.`,
          topic: t.topic,
        });
      }
    }
  }

  const partitions = groups.map((g) =>
    analyzePartition(
      g,
      kafkaGiven && kafka.topics.some((t) => t.topic === g.topic && t.exists),
      opts,
      findings,
      notes,
    ),
  );
  const duplicateRecords = findDuplicates(groups, partitions, findings, notes, opts.allowDuplicates === true);

  const records = partitions.reduce((n, p) => n + p.records, 0);
  const sum = (pick: (p: NonNullable<PartitionReport["kafka"]>) => bigint) =>
    kafkaGiven ? partitions.reduce((n, p) => n + (p.kafka ? pick(p.kafka) : 0n), 0n) : null;
  const totals = {
    objects: scan.objects.length,
    unparsableKeys: scan.unparsable.length,
    records,
    invalidRecords: partitions.reduce((n, p) => n + p.invalidRecords, 0),
    duplicateRecords,
    bytes: scan.bytes,
    partitions: partitions.length,
    lag: sum((k) => k.lag),
    missing: sum((k) => k.missing),
  };

  if (opts.expectCount !== undefined && records !== opts.expectCount) {
    findings.push({
      kind: "count-mismatch",
      message: `S3 holds ${plural(records, "record")}, expected ${opts.expectCount} (--expect-count).`,
      count: records,
    });
  }
  if (opts.maxLag !== undefined && totals.lag !== null && totals.lag > BigInt(opts.maxLag)) {
    findings.push({
      kind: "lag-over-limit",
      message: `${plural(totals.lag, "record")} in Kafka are not in S3 yet, more than --max-lag ${opts.maxLag}.`,
      count: Number(totals.lag),
    });
  }

  const latency = summarizeLatency(scan.objects.map(latencyOf).filter((v): v is number => v !== null));
  const partial = { totals, partitions, findings, notes, latency };
  return { ok: findings.length === 0, verdict: verdictOf(partial, kafkaGiven), ...partial };
}
