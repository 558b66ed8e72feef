import { decode, encode, quickAccept } from "@weblog/log-schema";
import {
  type HeaderValue,
  headersLine,
  keyLine,
  type Partitioner,
  recordTimeMs,
  type SinkSettings,
} from "@weblog/sink-contract";
import type { Companion } from "./partition-buffer";

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
      /** The key / headers lines (store.kafka.keys / store.kafka.headers); undefined when both are off. */
      companion?: Companion;
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
  /** Read only with store.kafka.keys. */
  key?: Buffer | null;
  /** Read only with store.kafka.headers. */
  headers?: Readonly<Record<string, HeaderValue>>;
}

type RecordSettings = Pick<SinkSettings, "behaviorOnNullValues" | "partitioner" | "rotateIntervalMs"> &
  Partial<Pick<SinkSettings, "storeKafkaKeys" | "storeKafkaHeaders">>;

/**
 * store.kafka.keys / store.kafka.headers: a record's companion lines, or the reason it is a bad record (no key / no
 * headers: Confluent's DataException, the errant-record path). Only called when one of them is on.
 */
function companionOf(
  message: RecordInput,
  keys: boolean,
  headers: boolean,
): Companion | Extract<Classified, { kind: "reject" }> {
  const companion: Companion = {};
  if (keys) {
    const line = keyLine(message.key);
    if (line === null) {
      return { kind: "reject", reason: "NULL_KEY", text: "record has no key, with store.kafka.keys=true" };
    }
    companion.key = line;
  }
  if (headers) {
    const line = headersLine(message.headers);
    if (line === null) {
      return {
        kind: "reject",
        reason: "NO_HEADERS",
        text: "record has no headers, with store.kafka.headers=true",
      };
    }
    companion.headers = line;
  }
  return companion;
}

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
  const keys = settings.storeKafkaKeys === true;
  const headers = settings.storeKafkaHeaders === true;
  const companions = keys || headers;

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
      if (!companions) return { kind: "append", line, size, encodedPartition, recordTimeMs: timeMs };
      const companion = companionOf(message, keys, headers);
      if ("kind" in companion) return companion;
      return { kind: "append", line, size, encodedPartition, recordTimeMs: timeMs, companion };
    },
  };
}
