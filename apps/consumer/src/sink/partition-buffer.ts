/**
 * The records of ONE Kafka partition that are read but not yet in S3, grouped by encoded partition (one open file
 * per encoded partition; the Default partitioner has exactly one).
 *
 * Rules (the exactly-once argument in README.md rests on them):
 * - A file's start offset is the offset of its first record. Files only ever start after a flush, and a flush
 *   always takes ALL open files of the Kafka partition, so every file's start offset is "the first record of that
 *   encoded partition at or after the last committed offset" - a function of the committed offset only.
 * - `nextOffset` is the offset after the last record processed (buffered, sent to the DLQ or skipped); it is what
 *   gets committed once the files taken by `takeAll()` are uploaded.
 */

/** One record's companion lines (store.kafka.keys / store.kafka.headers): its key's line, its headers' line. */
export interface Companion {
  key?: string;
  headers?: string;
}

export interface OpenFile {
  encodedPartition: string;
  startOffset: bigint;
  /** The last buffered record's offset (Confluent's endOffset tag); absent: startOffset + lines - 1. */
  endOffset?: bigint;
  lines: string[];
  bytes: number;
  /** store.kafka.keys: one key line per record of `lines`, in order (absent when the keys are off). */
  keys?: string[];
  /** store.kafka.headers: one headers line per record of `lines` (absent when the headers are off). */
  headers?: string[];
}

export interface FlushSet {
  topic: string;
  kafkaPartition: number;
  files: OpenFile[];
  /** The offset to commit once every file is uploaded (last processed + 1). */
  commitOffset: bigint;
  records: number;
  bytes: number;
  reason: FlushReason;
}

export type FlushReason =
  | "flush.size"
  | "weblog.flush.size.bytes"
  /** A cut replayed from the commit metadata after a re-read (README "Exactly once", rule 5). */
  | "planned"
  | "rotate.interval.ms"
  | "rotate.schedule.interval.ms"
  | "memory"
  | "shutdown";

export class PartitionBuffer {
  readonly files = new Map<string, OpenFile>();
  /** Offset after the last processed record; null until the first record is seen. */
  nextOffset: bigint | null = null;
  /** Wall clock (ms) of the first record now buffered (rotate.schedule.interval.ms). */
  firstBufferedAtMs: number | null = null;
  /** Record time (ms) of the first record now buffered (rotate.interval.ms). */
  baseRecordTimeMs: number | null = null;
  records = 0;
  bytes = 0;

  constructor(
    readonly topic: string,
    readonly kafkaPartition: number,
  ) {}

  get isEmpty(): boolean {
    return this.records === 0;
  }

  /** Marks an offset as processed without buffering anything (DLQ'd, ignored tombstone). */
  skip(offset: bigint): void {
    this.nextOffset = offset + 1n;
  }

  /**
   * Buffers one line; returns the file it went to (so the caller can check flush.size). Positional arguments and
   * `size` (bytes of line + "\n", -1 to measure here) because this runs once per record. `companion`: the record's
   * key / headers lines (only with store.kafka.keys / headers; their bytes count in the buffer, not the file's).
   */
  append(
    offset: bigint,
    encodedPartition: string,
    line: string,
    size: number,
    recordTimeMs: number,
    nowMs: number,
    companion?: Companion,
  ): OpenFile {
    let file = this.files.get(encodedPartition);
    if (!file) {
      file = { encodedPartition, startOffset: offset, lines: [], bytes: 0 };
      this.files.set(encodedPartition, file);
    }
    const bytes = size >= 0 ? size : Buffer.byteLength(line) + 1;
    file.lines.push(line);
    file.endOffset = offset;
    file.bytes += bytes;
    this.bytes += bytes;
    if (companion !== undefined) this.bytes += appendCompanion(file, companion);
    this.records += 1;
    this.nextOffset = offset + 1n;
    if (this.firstBufferedAtMs === null) this.firstBufferedAtMs = nowMs;
    if (this.baseRecordTimeMs === null) this.baseRecordTimeMs = recordTimeMs;
    return file;
  }

  /** rotate.interval.ms: true when `recordTimeMs` is at least `intervalMs` past the first buffered record's time. */
  recordTimeExceeded(recordTimeMs: number, intervalMs: number): boolean {
    return (
      intervalMs > 0 && this.baseRecordTimeMs !== null && recordTimeMs - this.baseRecordTimeMs >= intervalMs
    );
  }

  /** rotate.schedule.interval.ms: true when the first buffered record has waited `intervalMs` of wall clock. */
  wallClockExceeded(nowMs: number, intervalMs: number): boolean {
    return intervalMs > 0 && this.firstBufferedAtMs !== null && nowMs - this.firstBufferedAtMs >= intervalMs;
  }

  /** Takes every open file (the buffer is empty afterwards); null when nothing is buffered. */
  takeAll(reason: FlushReason): FlushSet | null {
    if (this.isEmpty || this.nextOffset === null) return null;
    const set: FlushSet = {
      topic: this.topic,
      kafkaPartition: this.kafkaPartition,
      files: [...this.files.values()],
      commitOffset: this.nextOffset,
      records: this.records,
      bytes: this.bytes,
      reason,
    };
    this.clear();
    return set;
  }

  /** Drops everything buffered (rebalance: the new position is the committed offset). */
  clear(): void {
    this.files.clear();
    this.records = 0;
    this.bytes = 0;
    this.firstBufferedAtMs = null;
    this.baseRecordTimeMs = null;
  }

  /** Forgets the position too (partition revoked, or re-read from the committed offset after a rejoin). */
  reset(): void {
    this.clear();
    this.nextOffset = null;
  }
}

/** Adds a record's companion lines to its file; returns their bytes (counted against the buffer cap). */
function appendCompanion(file: OpenFile, companion: Companion): number {
  let bytes = 0;
  if (companion.key !== undefined) {
    if (file.keys === undefined) file.keys = [];
    file.keys.push(companion.key);
    bytes += companion.key.length + 1;
  }
  if (companion.headers !== undefined) {
    if (file.headers === undefined) file.headers = [];
    file.headers.push(companion.headers);
    bytes += companion.headers.length + 1;
  }
  return bytes;
}
