/**
 * What the analysis found, as data: one typed fact per discrepancy or note, with the numbers and keys it is about.
 * The public fields (topic, partition, keys, range, count, line) appear in the report as they are; the others are
 * only what `report.ts` needs to say the fact in a sentence. No prose here.
 */
import type { FindingKind, Note, OffsetRange } from "../model";

interface At {
  topic: string;
  partition: number;
}

/** A discrepancy, before it is put into words. */
export type FindingFact =
  | { kind: "unparsable-key"; keys: [string]; reason: string }
  | { kind: "unknown-topic"; topic: string; brokers: string[] }
  | (At & { kind: "unreadable-object"; keys: [string]; readError: string })
  | (At & { kind: "invalid-record"; keys: [string]; line: number; code: string; detail: string })
  | (At & { kind: "over-flush-size"; keys: [string]; count: number; flushSize: number })
  | (At & { kind: "over-flush-size-bytes"; keys: [string]; bytes: number; flushSizeBytes: number })
  | (At & { kind: "empty-object"; keys: [string] })
  /** `same-start`: two objects of an interleaved partition start at one offset; `range`: covered twice. */
  | (At & {
      kind: "overlap";
      shape: "same-start" | "range";
      keys: [string, string];
      range: OffsetRange;
      count: number;
    })
  /** `range`: these offsets were committed and are not in S3; `count`: fewer records than committed offsets. */
  | (At & { kind: "committed-but-missing"; shape: "range"; range: OffsetRange; count: number })
  | (At & {
      kind: "committed-but-missing";
      shape: "count";
      range: OffsetRange;
      count: number;
      committed: bigint;
      held: bigint;
      begin: bigint;
    })
  | (At & { kind: "missing-from-s3" | "gap"; range: OffsetRange; count: number })
  /** `start`: an object starts at or beyond the high watermark; `end`: it reaches it. */
  | (At & {
      kind: "beyond-high-watermark";
      shape: "start" | "end";
      keys: [string];
      offset: bigint;
      high: bigint;
    })
  | (At & { kind: "committed-beyond-high-watermark"; committed: bigint; high: bigint })
  | (At & { kind: "unknown-partition"; keys: string[]; objects: number })
  | { kind: "count-mismatch"; count: number; expected: number }
  | { kind: "lag-over-limit"; count: number; maxLag: number };

/** A note (not a discrepancy), before it is put into words. */
export type NoteFact =
  | (At & { kind: "interleaved-partitioner"; paths: number })
  | (At & { kind: "not-checked"; range: OffsetRange })
  /** `interleaved`: counted against Kafka; `contiguous`: offset by offset. */
  | (At & { kind: "lag"; shape: "interleaved" | "contiguous"; lag: bigint })
  | (At & { kind: "expired-from-kafka"; offsets: bigint; low: bigint })
  | (At & { kind: "dead-lettered" | "tombstones"; offsets: bigint });

/** Records of one object found again in another at a different position: a finding, or a note when allowed. */
export interface DuplicateFact extends At {
  kind: "duplicate-record";
  keys: [string, string];
  count: number;
  lineA: number;
  lineB: number;
  /** True: both at known offsets, where Kafka holds different records; false: an interleaved partition's. */
  kafkaDiffers: boolean;
}

/** Records of one object identical to records of another at other offsets, each offset held once: a note. */
export interface TwinFact extends At {
  kind: "twin-records";
  keys: [string, string];
  count: number;
  lineA: number;
  lineB: number;
  /** Kafka's values at both offsets were read and are equal (else: not read, e.g. no --brokers). */
  confirmed: boolean;
}

/** Where analyzers put what they find, in the order they find it. */
export interface Facts {
  findings: (FindingFact | DuplicateFact)[];
  notes: (NoteFact | DuplicateFact | TwinFact)[];
}

// Every fact kind is a report kind (a compile-time check).
type Check<T extends true> = T;
export type _Kinds = Check<FindingFact["kind"] extends FindingKind ? true : false> &
  Check<NoteFact["kind"] extends Note["kind"] ? true : false> &
  Check<TwinFact["kind"] extends Note["kind"] ? true : false>;
