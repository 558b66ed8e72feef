/**
 * The analysis works per Kafka partition: the objects S3 holds for it (in start-offset order), what Kafka says
 * about it, and the offsets the sink consumed without writing a line (dead letters and tombstones, which the
 * objects' offsets skip).
 */
import type { KafkaPartitionState, KafkaState, ProvenRange, ScannedObject, ScanResult } from "../model";
import { isInterleaved } from "./interleaved";

export interface PartitionGroup {
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
  /** Offsets an earlier run proved (--checkpoint): coverage continues from `last`, ending in object `key`. */
  proven?: ProvenRange;
  /** --since left some of this partition's objects unread: offsets before the first object read are not judged. */
  scoped?: boolean;
}

const ascending = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
const idOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** A partition's id in checkpoints and scan scopes: `topic/partition`. */
export const partitionId = (topic: string, partition: number): string => `${topic}/${partition}`;

function splitId(id: string): [string, number] {
  const at = id.lastIndexOf("/");
  return [id.slice(0, at), Number(id.slice(at + 1))];
}

/** One group per partition S3 or Kafka knows, sorted by topic then partition. */
export function groupByPartition(
  scan: ScanResult,
  kafka: KafkaState | null,
  proven?: ReadonlyMap<string, ProvenRange>,
): PartitionGroup[] {
  const groups = new Map<string, PartitionGroup>();
  const get = (topic: string, partition: number) => {
    const id = idOf(topic, partition);
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
  for (const d of kafka?.dlq?.partitions ?? []) {
    const g = groups.get(idOf(d.topic, d.partition));
    if (g) g.deadLetters = [...d.offsets].sort(ascending);
  }
  for (const t of kafka?.tombstones ?? []) {
    const g = groups.get(idOf(t.topic, t.partition));
    if (g) g.tombstones = [...t.offsets].sort(ascending);
  }
  for (const [id, range] of proven ?? []) {
    const [topic, partition] = splitId(id);
    if (groups.has(idOf(topic, partition)) || kafka === null) get(topic, partition).proven = range;
  }
  for (const id of scan.scoped ?? []) {
    const [topic, partition] = splitId(id);
    const g = groups.get(idOf(topic, partition));
    if (g && !g.proven) g.scoped = true;
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
