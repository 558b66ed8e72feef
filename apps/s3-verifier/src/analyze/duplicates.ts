/**
 * Identical records at different positions (another offset, partition or topic) in two different objects: a
 * duplicate, or twins (two Kafka records with the same bytes: real logs have them, and a live producer makes them
 * when two requests share a millisecond). The same record at the same offset in a contiguous partition is an
 * overlap, already named there.
 *
 * What decides (README "Duplicates and twins"):
 * - A contiguous partition places every line at its Kafka offset (key's start offset + line, skipping dead letters
 *   and tombstones), and the coverage check proves each offset is held once. Identical lines at two offsets are
 *   then two records, not one record twice. With Kafka's values at both offsets (`kafkaValues`, read with
 *   --brokers): equal -> twins (a note); different -> S3 holds at one offset the other's record: a finding.
 *   Without them: twins, unconfirmed (a note; Kafka could not be asked, or the offsets have expired).
 * - An interleaved partition (field/time partitioner) does not place lines at offsets: always a finding
 *   (--allow-duplicates makes it a note).
 */
import type { PartitionReport } from "../model";
import type { DuplicateFact, TwinFact } from "./facts";
import type { Fold } from "./fold";
import type { PartitionGroup } from "./partitions";
import { recordOffsets } from "./ranges";
import type { RecordPlace } from "./record-index";
import { keyOf, type Template } from "./runs";

/** One record's place in Kafka. */
export interface Position {
  topic: string;
  partition: number;
  offset: bigint;
}

export const positionId = (p: Position): string => `${p.topic}/${p.partition}/${p.offset}`;

interface Seen extends Position {
  key: string;
  line: number;
  interleaved: boolean;
  /** The group's rank and the object's start: with key and line, the order the check walks records in. */
  rank: number;
  start: bigint;
}

export interface DuplicateResult {
  /** Discrepancies (or notes with --allow-duplicates): one per pair of objects. */
  duplicates: DuplicateFact[];
  /** Twins (notes): one per pair of objects. */
  twins: TwinFact[];
  /** Offsets of unconfirmed twins whose Kafka values would confirm (or refute) them. */
  toConfirm: Position[];
}

type Verdict = "duplicate" | "twin-confirmed" | "twin-unconfirmed";

/** The order records are walked in: partition (topic, then number), object (start offset, key), line. */
function walkOrder(a: Seen, b: Seen): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  if (a.start !== b.start) return a.start < b.start ? -1 : 1;
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  return a.line - b.line;
}

/**
 * Finds identical records in two objects at different positions and judges each occurrence (see above): each
 * record is compared with the first occurrence of its content in walk order. Adds each duplicate to its partition's
 * report. `kafkaValues`: a hash of Kafka's value per `positionId`, for the offsets read. Only records whose content
 * occurs more than once (the fold's record index) are looked at.
 */
export function findDuplicates(
  fold: Fold,
  groups: PartitionGroup[],
  reports: PartitionReport[],
  kafkaValues?: ReadonlyMap<string, string>,
): DuplicateResult {
  const rankOf = new Map<number, number>();
  groups.forEach((g, gi) => {
    if (g.log) rankOf.set(g.log.index, gi);
  });
  const seen = (p: RecordPlace): Seen => {
    const rank = rankOf.get(p.partition) as number;
    const g = groups[rank] as PartitionGroup;
    const start = BigInt(p.start);
    const key =
      p.ref >= 0
        ? keyOf(fold.templates[p.ref] as Template, start)
        : (fold.kept[-p.ref - 1] as Fold["kept"][number]).object.key;
    let offset = start;
    for (const o of recordOffsets(start, p.line + 1, g.skipped)) offset = o;
    return {
      topic: g.topic,
      partition: g.partition,
      offset,
      key,
      line: p.line + 1,
      interleaved: g.interleaved,
      rank,
      start,
    };
  };
  // Every later occurrence against the first, walked in the order of a record-by-record check.
  const events: [Seen, Seen][] = [];
  for (const places of fold.repeats()) {
    const all = places.map(seen).sort(walkOrder);
    const first = all[0] as Seen;
    for (const here of all.slice(1)) events.push([first, here]);
  }
  events.sort((a, b) => walkOrder(a[1], b[1]));
  const duplicates = new Map<string, DuplicateFact>();
  const twins = new Map<string, TwinFact>();
  const toConfirm: Position[] = [];
  const judge = (a: Seen, b: Seen): Verdict => {
    if (a.interleaved || b.interleaved) return "duplicate";
    const va = kafkaValues?.get(positionId(a));
    const vb = kafkaValues?.get(positionId(b));
    if (va === undefined || vb === undefined) return "twin-unconfirmed";
    return va === vb ? "twin-confirmed" : "duplicate";
  };
  for (const [prev, here] of events) {
    const g = groups[here.rank] as PartitionGroup;
    if (prev.key === here.key) continue;
    if (positionId(prev) === positionId(here) && !g.interleaved) continue;
    const verdict = judge(prev, here);
    const id = `${prev.key}\u0000${here.key}`;
    if (verdict === "duplicate") {
      const pair = duplicates.get(id) ?? {
        kind: "duplicate-record",
        topic: g.topic,
        partition: g.partition,
        keys: [prev.key, here.key],
        count: 0,
        lineA: prev.line,
        lineB: here.line,
        kafkaDiffers: !prev.interleaved && !here.interleaved,
      };
      pair.count += 1;
      duplicates.set(id, pair);
      const report = reports[here.rank];
      if (report) report.duplicateRecords += 1;
      continue;
    }
    if (verdict === "twin-unconfirmed") toConfirm.push(prev, here);
    const twinId = `${id}\u0000${verdict}`;
    const twin = twins.get(twinId) ?? {
      kind: "twin-records",
      topic: g.topic,
      partition: g.partition,
      keys: [prev.key, here.key],
      count: 0,
      lineA: prev.line,
      lineB: here.line,
      confirmed: verdict === "twin-confirmed",
    };
    twin.count += 1;
    twins.set(twinId, twin);
  }
  const unique = new Map(
    toConfirm.map((p) => [positionId(p), { topic: p.topic, partition: p.partition, offset: p.offset }]),
  );
  return {
    duplicates: [...duplicates.values()],
    twins: [...twins.values()],
    toConfirm: [...unique.values()],
  };
}
