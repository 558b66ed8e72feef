/**
 * The data the verifier passes between its stages: what the scan read from S3 (per object, small summaries,
 * never whole records), what Kafka said, and what the analysis found. Plain data, no behaviour.
 */
import type { CompanionView, Compression, ObjectKeyParts } from "@weblog/sink-contract";

/** One record (line) that did not validate. `line` is 1-based within the object. */
export interface InvalidRecord {
  line: number;
  code: string;
  message: string;
}

/** What the scan learned about one object whose key parsed. */
export interface ScannedObject {
  key: string;
  /** Bytes as stored (compressed size for `.gz`). */
  size: number;
  /** S3 LastModified in ms since the epoch, or null when the store did not say. */
  lastModifiedMs: number | null;
  parts: ObjectKeyParts;
  /** Records (lines) in the object, valid or not: each one occupied a Kafka offset. */
  records: number;
  /** Bytes of the record lines with their newlines, uncompressed (what `weblog.flush.size.bytes` limits). */
  lineBytes?: number;
  invalid: InvalidRecord[];
  /** Newest record timestamp (ms) among the valid records, null when none had one. */
  newestRecordMs: number | null;
  /** One content hash per record, in line order (for "identical record in two objects"). */
  recordHashes: string[];
  /**
   * Only for an object rewritten inside a checkpoint's proven range: the start offset of the object listed after it
   * in its partition (its records must end right before it).
   */
  nextStart?: bigint;
  /** Set when the object could not be read or decompressed; then `records` is 0. */
  readError?: string;
}

/** A companion object listed beside the value objects (store.kafka.keys / store.kafka.headers). */
export interface ListedCompanion {
  key: string;
  view: CompanionView;
  compression: Compression;
  /** The value object it belongs to: `companionOwner(parts)` of that object's key parts. */
  owner: string;
  size: number;
}

export interface UnparsableKey {
  key: string;
  reason: string;
  size: number;
}

export interface ScanResult {
  bucket: string;
  prefix: string;
  objects: ScannedObject[];
  unparsable: UnparsableKey[];
  /** Objects listed (parsed or not). */
  listed: number;
  /** Bytes fetched. */
  bytes: number;
  elapsedMs: number;
  /** Objects listed and left unread: already proven (--checkpoint) or older than --since. */
  unread?: number;
  /** Partitions (`topic/partition`) with objects left unread by --since: offsets before the first read are not judged. */
  scoped?: string[];
  /** Companion objects listed (`.keys.json`, `.headers.json`, ...), checked by companions.ts. */
  companions?: ListedCompanion[];
}

/** What a checkpoint says earlier runs proved of one partition: offsets [first, last], the last in object `key`. */
export interface ProvenRange {
  first: bigint;
  last: bigint;
  key: string;
}

/** Kafka's view of one partition. Offsets as Kafka defines them: `high` is the next offset to be written. */
export interface KafkaPartitionState {
  partition: number;
  low: bigint;
  high: bigint;
  /** The group's committed offset (next offset to consume), null when the group has none. */
  committed: bigint | null;
}

export interface KafkaTopicState {
  topic: string;
  /** False when the topic does not exist on the cluster. */
  exists: boolean;
  partitions: KafkaPartitionState[];
}

/** Offsets of one partition that the sink dead-lettered (from the DLQ's `__connect.errors.*` headers). */
export interface DeadLetters {
  topic: string;
  partition: number;
  offsets: bigint[];
}

/** Offsets of one partition that hold a tombstone (null value): a sink with behavior.on.null.values=ignore skips them. */
export interface SkippedOffsets {
  topic: string;
  partition: number;
  offsets: bigint[];
}

export interface KafkaState {
  brokers: string[];
  group: string | null;
  topics: KafkaTopicState[];
  /** Set when --dlq-topic was read. */
  dlq?: { topic: string; exists: boolean; records: number; partitions: DeadLetters[] };
  /**
   * Tombstones read from the topic where S3 left offsets unexplained (only those partitions and ranges; see
   * main.ts). Absent when not read.
   */
  tombstones?: SkippedOffsets[];
  /** Hashes of Kafka's values at the offsets of identical records in S3 (main.ts reads them). Absent when not read. */
  values?: KafkaValue[];
}

/** A hash of the value Kafka holds at one offset (`recordHash` of it as UTF-8; null value: "null"). */
export interface KafkaValue {
  topic: string;
  partition: number;
  offset: bigint;
  hash: string;
}

/** An inclusive offset range. */
export interface OffsetRange {
  from: bigint;
  to: bigint;
}

export type FindingKind =
  | "gap"
  | "overlap"
  | "duplicate-record"
  | "invalid-record"
  | "over-flush-size"
  | "over-flush-size-bytes"
  | "unparsable-key"
  | "unreadable-object"
  | "empty-object"
  | "committed-but-missing"
  | "missing-from-s3"
  | "beyond-high-watermark"
  | "committed-beyond-high-watermark"
  | "unknown-topic"
  | "unknown-partition"
  | "lag-over-limit"
  | "count-mismatch"
  | "companion-missing"
  | "companion-mismatch";

/** Facts worth showing that are not discrepancies (records expired from Kafka, offsets not checkable, lag). */
export interface Note {
  kind:
    | "expired-from-kafka"
    | "not-checked"
    | "lag"
    | "interleaved-partitioner"
    | "duplicate-record"
    | "twin-records"
    | "dead-lettered"
    | "tombstones"
    | "clock-skew"
    | "orphan-companion";
  message: string;
  topic?: string;
  partition?: number;
  range?: OffsetRange;
}

/** One named discrepancy. `message` is a complete sentence a person can act on. */
export interface Finding {
  kind: FindingKind;
  message: string;
  topic?: string;
  partition?: number;
  keys?: string[];
  range?: OffsetRange;
  /** Records concerned (range size, duplicate count, ...). */
  count?: number;
  line?: number;
}

export interface LatencySummary {
  /** Objects that had a timestamped record and a LastModified. */
  samples: number;
  /** Signed, never clamped: below 0 the newest record is stamped after the object was stored (clock skew). */
  minMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Samples below 0 (clock skew between the producer and S3). */
  skewed: number;
}

export interface PartitionReport {
  topic: string;
  partition: number;
  objects: number;
  records: number;
  invalidRecords: number;
  /** Lowest and highest offset covered by an object (start offset + record count - 1). */
  firstOffset: bigint | null;
  lastOffset: bigint | null;
  /** The object holding `lastOffset` (contiguous partitions; what a checkpoint records as the seam). */
  lastKey?: string;
  /** Offset ranges inside the covered span (or inside Kafka's retained range) that no object holds. */
  gaps: OffsetRange[];
  /** Records covered by more than one object. */
  overlaps: number;
  duplicateRecords: number;
  overFlushSize: number;
  maxRecordsPerObject: number;
  kafka: {
    low: bigint;
    high: bigint;
    committed: bigint | null;
    /** Records Kafka holds that are not in S3 yet and not committed (or no group was given). */
    lag: bigint;
    /** Records committed by the group (or before the first object) that are not in S3. */
    missing: bigint;
    /** Uncovered offsets explained by a record in the dead-letter topic. */
    deadLettered: bigint;
    /** Uncovered offsets explained by a tombstone in Kafka (behavior.on.null.values=ignore skips them). */
    tombstones: bigint;
  } | null;
  latency: LatencySummary | null;
}

export interface AnalyzeOptions {
  /** Configured `flush.size`: objects with more records are reported. */
  flushSize?: number;
  /** Configured `weblog.flush.size.bytes`: objects of 2+ records with more line bytes are reported. */
  flushSizeBytes?: number;
  /** Expected total records in S3 (over the selected topics). */
  expectCount?: number;
  /** Identical records at different offsets are noted, not failed (real logs with coarse timestamps have twins). */
  allowDuplicates?: boolean;
  /** Fail when the total lag (records in Kafka not in S3) exceeds this. Unlimited when absent. */
  maxLag?: number;
  /** Per partition (`topic/partition`), what a checkpoint says earlier runs proved (--checkpoint). */
  proven?: ReadonlyMap<string, ProvenRange>;
}

export interface Analysis {
  ok: boolean;
  verdict: string;
  totals: {
    objects: number;
    unparsableKeys: number;
    records: number;
    invalidRecords: number;
    duplicateRecords: number;
    /** Records identical to another at another offset, each offset held once (twins in the source): notes. */
    twinRecords: number;
    bytes: number;
    partitions: number;
    lag: bigint | null;
    missing: bigint | null;
  };
  partitions: PartitionReport[];
  findings: Finding[];
  notes: Note[];
  latency: LatencySummary | null;
  /** Offsets whose Kafka values would confirm (or refute) twins found without them; main.ts reads them. */
  twinsToConfirm: { topic: string; partition: number; offset: bigint }[];
}
