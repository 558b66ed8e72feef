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
import type { PartitionReport, ScannedObject } from "../model";
import type { DuplicateFact, TwinFact } from "./facts";
import type { PartitionGroup } from "./partitions";
import { recordOffsets } from "./ranges";

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

/** Lines per object in a packed (object, line) number: 2^24 lines, and 2^29 objects stay below 2^53. */
const LINES = 2 ** 24;

/**
 * Finds identical records in two objects at different positions and judges each occurrence (see above). Adds each
 * duplicate to its partition's report. `kafkaValues`: a hash of Kafka's value per `positionId`, for the offsets read.
 */
export function findDuplicates(
  groups: PartitionGroup[],
  reports: PartitionReport[],
  kafkaValues?: ReadonlyMap<string, string>,
): DuplicateResult {
  // First occurrence of each hash, packed as (object ordinal, line) in one number: a Map entry per record and no
  // object per record (at a million objects the old per-record objects dominated the peak). Sharded by the hash's
  // first character: one V8 Map holds at most 2^24 entries.
  const seen = Array.from({ length: 64 }, () => new Map<string, number>());
  const shardOf = (h: string) => seen[h.charCodeAt(0) & 63] as Map<string, number>;
  const placed: { g: PartitionGroup; o: ScannedObject; offsets?: bigint[] }[] = [];
  const seenAt = (packed: number): Seen => {
    const at = placed[Math.floor(packed / LINES)] as (typeof placed)[number];
    const line = packed % LINES;
    at.offsets ??= [...recordOffsets(at.o.parts.startOffset, at.o.recordHashes.length, at.g.skipped)];
    return {
      topic: at.g.topic,
      partition: at.g.partition,
      offset: at.offsets[line] as bigint,
      key: at.o.key,
      line: line + 1,
      interleaved: at.g.interleaved,
    };
  };
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
  groups.forEach((g, gi) => {
    for (const o of g.objects) {
      if (o.readError !== undefined) continue;
      const ordinal = placed.length;
      placed.push({ g, o });
      o.recordHashes.forEach((h, i) => {
        const shard = shardOf(h);
        const first = shard.get(h);
        if (first === undefined) {
          shard.set(h, ordinal * LINES + i);
          return;
        }
        const prev = seenAt(first);
        const here = seenAt(ordinal * LINES + i);
        if (prev.key === o.key) return;
        if (positionId(prev) === positionId(here) && !g.interleaved) return;
        const verdict = judge(prev, here);
        const id = `${prev.key}\u0000${o.key}`;
        if (verdict === "duplicate") {
          const pair = duplicates.get(id) ?? {
            kind: "duplicate-record",
            topic: g.topic,
            partition: g.partition,
            keys: [prev.key, o.key],
            count: 0,
            lineA: prev.line,
            lineB: here.line,
            kafkaDiffers: !prev.interleaved && !here.interleaved,
          };
          pair.count += 1;
          duplicates.set(id, pair);
          const report = reports[gi];
          if (report) report.duplicateRecords += 1;
          return;
        }
        if (verdict === "twin-unconfirmed") toConfirm.push(prev, here);
        const twinId = `${id}\u0000${verdict}`;
        const twin = twins.get(twinId) ?? {
          kind: "twin-records",
          topic: g.topic,
          partition: g.partition,
          keys: [prev.key, o.key],
          count: 0,
          lineA: prev.line,
          lineB: here.line,
          confirmed: verdict === "twin-confirmed",
        };
        twin.count += 1;
        twins.set(twinId, twin);
      });
    }
  });
  const unique = new Map(
    toConfirm.map((p) => [positionId(p), { topic: p.topic, partition: p.partition, offset: p.offset }]),
  );
  return {
    duplicates: [...duplicates.values()],
    twins: [...twins.values()],
    toConfirm: [...unique.values()],
  };
}
