/** What a partition's coverage check (contiguous or interleaved) is asked and answers. */
import type { KafkaPartitionState, OffsetRange } from "../model";
import type { Unit } from "./partitions";

/** Kafka-side counts of a partition; each is 0 when nothing of the kind was found. */
export interface KafkaCounts {
  lag: bigint;
  missing: bigint;
  deadLettered: bigint;
  tombstones: bigint;
}

export interface CoverageResult {
  first: bigint | null;
  /** The last covered offset; null when unknown (interleaved) or nothing is covered. */
  last: bigint | null;
  /** The object that ends at `last` (contiguous partitions only). */
  lastKey?: string | undefined;
  gaps: OffsetRange[];
  overlaps: bigint;
  /** Only when Kafka knows the partition. */
  kafka: KafkaCounts | null;
}

export interface Coverage {
  /** Each readable object that holds records, in start-offset order. */
  add(o: Unit): void;
  /** After the last object: the verdict on offsets, against Kafka when `k` is given. */
  finish(k: KafkaPartitionState | null, records: number): CoverageResult;
}
