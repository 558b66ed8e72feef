import { decode, encode, quickAccept } from "@weblog/log-schema";
import { type Partitioner, recordTimeMs, type SinkSettings } from "@weblog/sink-contract";

/**
 * Record policy, pure: what one Kafka record becomes. `append` (the line to buffer, where it goes, its record time),
 * `skip` (a tombstone with behavior.on.null.values=ignore: its offset is passed, nothing written) or `reject` (bad
 * record or tombstone with behavior fail: the DLQ with errors.tolerance=all, else the sink stops).
 */
export type Classified =
  | {
      kind: "append";
      line: string;
      /** Bytes of `line` + "\n" when already known (else -1: the buffer measures it). */
      size: number;
      encodedPartition: string;
      /** Record time for rotate.interval.ms (0 when that is off). */
      recordTimeMs: number;
    }
  | { kind: "skip" }
  | {
      kind: "reject";
      reason: string;
      text: string;
      issues?: { field: string; reason: string }[] | undefined;
    };

export interface RecordInput {
  value: Buffer | null;
  /** Kafka timestamp (ms, as a string, as kafkajs gives it). */
  timestamp: string;
}

type RecordSettings = Pick<SinkSettings, "behaviorOnNullValues" | "partitioner" | "rotateIntervalMs">;

export interface RecordPolicy {
  /** `defaultEncoded`: the partition's encoded directory under the Default partitioner (computed once). */
  classify(message: RecordInput, kafkaPartition: number, defaultEncoded: string, nowMs: number): Classified;
}

export function createRecordPolicy(settings: RecordSettings, partitioner: Partitioner): RecordPolicy {
  // Per-record work only where the settings need it (hot path, README "Bench"): the Default partitioner's encoded
  // partition is a constant per Kafka partition; a record's time is only needed for rotate.interval.ms.
  const defaultPartitioner = settings.partitioner.kind === "default";
  const needsRecordTime = settings.rotateIntervalMs > 0;
  const p = settings.partitioner;
  const timeField = p.kind === "time" && p.timestampExtractor === "RecordField" ? p.timestampField : null;
  // WEBLOG_SINK_QUICK_ACCEPT=0: every record through decode, the one-pass check off (a diagnostic switch, and the
  // bench's same-run baseline); verdicts are the same either way.
  const quick = process.env.WEBLOG_SINK_QUICK_ACCEPT !== "0";

  // Record time (the contract's one reading: nested field, ISO string or epoch ms), else the Kafka timestamp.
  const recordTimeOf = (message: RecordInput, record: unknown): number =>
    (timeField === null ? undefined : recordTimeMs(record, timeField)) ?? Number(message.timestamp);

  return {
    classify(message, kafkaPartition, defaultEncoded, nowMs) {
      let line: string;
      let record: unknown;
      let size = -1;
      if (message.value === null) {
        if (settings.behaviorOnNullValues === "ignore") return { kind: "skip" };
        if (settings.behaviorOnNullValues === "fail") {
          return {
            kind: "reject",
            reason: "NULL_VALUE",
            text: "tombstone (null value) with behavior.on.null.values=fail",
          };
        }
        line = "null";
        record = null;
      } else {
        const value = message.value;
        const text = value.toString("utf8");
        if (quick && quickAccept(text)) {
          // encode's own form, valid for certain (log-schema's one-pass check, same verdict as decode): one line,
          // kept byte-faithful; the object is built only for a partitioner that reads fields.
          line = text;
          size = value.length + 1;
          record = defaultPartitioner ? undefined : JSON.parse(text);
        } else {
          const decoded = decode(text);
          if (!decoded.ok) {
            const e = decoded.error;
            return { kind: "reject", reason: e.code, text: e.message, issues: e.issues };
          }
          record = decoded.record;
          // The value as produced (byte-faithful) unless it spans lines; then our canonical one-line encoding.
          // (memchr on the bytes; the byte length comes with the Buffer instead of a per-record Buffer.byteLength.)
          if (value.indexOf(10) === -1 && value.indexOf(13) === -1) {
            line = text;
            size = value.length + 1;
          } else line = encode(decoded.record);
        }
      }
      let encodedPartition = defaultEncoded;
      if (!defaultPartitioner) {
        try {
          encodedPartition = partitioner.encodePartition({
            kafkaPartition,
            record,
            kafkaTimestampMs: Number(message.timestamp),
            nowMs,
          });
        } catch (err) {
          return { kind: "reject", reason: "PARTITIONER", text: (err as Error).message };
        }
      }
      const timeMs = needsRecordTime ? recordTimeOf(message, record) : 0;
      return { kind: "append", line, size, encodedPartition, recordTimeMs: timeMs };
    },
  };
}
