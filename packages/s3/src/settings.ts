import type { Compression, KeyLayout, ParquetCodec } from "./keys";

/**
 * The sink's settings, one camelCase field per Confluent S3 sink key (the key is named on each field). Our sink
 * (apps/consumer), the verifier and infra's tests all read these; `loadConnectorConfig` builds them from a Kafka
 * Connect connector JSON, `toConnectorConfig` writes them back.
 */

export type TimestampExtractor = "Record" | "RecordField" | "Wallclock";

export type PartitionerSettings =
  /** `partitioner.class=io.confluent.connect.storage.partitioner.DefaultPartitioner` -> `partition=<p>`. */
  | { kind: "default" }
  /** `FieldPartitioner` + `partition.field.name` (comma separated) -> `<field>=<value>[/<field>=<value>...]`. */
  | { kind: "field"; fields: string[] }
  /** `TimeBasedPartitioner` (or Hourly/Daily, which preset `path.format` and `partition.duration.ms`). */
  | {
      kind: "time";
      /** `path.format`, Joda-style, e.g. `'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH`. */
      pathFormat: string;
      /** `partition.duration.ms`: timestamps are floored to a multiple of this before formatting. */
      partitionDurationMs: number;
      /** `locale` (e.g. `en-US`); kept for round trips, our formats are numeric so it does not change output. */
      locale: string;
      /** `timezone` (IANA, e.g. `UTC`, `Asia/Seoul`). */
      timezone: string;
      /** `timestamp.extractor`. */
      timestampExtractor: TimestampExtractor;
      /** `timestamp.field` (RecordField only): a field of the JSON value, nested with dots (`a.b`). */
      timestampField: string;
    };

export type NullValueBehavior = "fail" | "ignore" | "write";
export type ErrorsTolerance = "none" | "all";

export interface SinkSettings {
  /** `topics` (comma separated in Connect). */
  topics: string[];
  /** `s3.bucket.name`. */
  bucket: string;
  /** `s3.region`. */
  region: string;
  /** `store.url`: a custom endpoint (MinIO, S3Proxy, ...). Absent = AWS S3. */
  storeUrl?: string;
  /** `s3.path.style.access.enabled`. */
  pathStyle: boolean;
  /** `flush.size`: records per object at most. */
  flushSize: number;
  /** `rotate.interval.ms` (record time; -1 = off). */
  rotateIntervalMs: number;
  /** `rotate.schedule.interval.ms` (wall clock; -1 = off). */
  rotateScheduleIntervalMs: number;
  /** `timezone`: used by scheduled rotation and the time-based partitioner. */
  timezone: string;
  /** `topics.dir`. */
  topicsDir: string;
  /** `directory.delim`. */
  directoryDelim: string;
  /** `file.delim`. */
  fileDelim: string;
  /** `filename.offset.zero.pad.width`. */
  offsetPadWidth: number;
  /** `s3.compression.type` (JSON lines only). */
  compression: Compression;
  /** `format.class`: JsonFormat (`json`, JSON lines) or ParquetFormat (`parquet`, typed columns). */
  format: "json" | "parquet";
  /** `parquet.codec` (ParquetFormat only). */
  parquetCodec: ParquetCodec;
  /** `partitioner.class` and its keys. */
  partitioner: PartitionerSettings;
  /** `behavior.on.null.values` (tombstones). */
  behaviorOnNullValues: NullValueBehavior;
  /** `errors.tolerance`. */
  errorsTolerance: ErrorsTolerance;
  /** `errors.deadletterqueue.topic.name` (used when errorsTolerance is `all`). */
  dlqTopic?: string;
  /** Consumer group. Connect uses `connect-<connector name>`; our sink's default is `weblog-s3-sink`. */
  groupId: string;
  /** Ours only (no Confluent key): total bytes buffered across partitions before we stop fetching. */
  bufferMaxBytes: number;
}

/**
 * Defaults. Where the concept is Confluent's, so is the default, except where the shared stack defaults
 * (COMMON: topic `weblogs`, bucket `weblogs`, MinIO at localhost:9000, flush.size 10, 10 s wall-clock rotation)
 * decide otherwise; each such case says so.
 */
export const DEFAULT_SINK_SETTINGS: Readonly<SinkSettings> = Object.freeze({
  /** Ours: the shared topic. Connect has no default (`topics` or `topics.regex` is required). */
  topics: ["weblogs"],
  /** Ours: the compose stack's bucket. Required in Confluent. */
  bucket: "weblogs",
  /** Ours: us-east-1 (MinIO's default region). Confluent defaults to us-west-2. */
  region: "us-east-1",
  /** Ours: MinIO from `docker compose up`. Confluent: unset (AWS). */
  storeUrl: "http://localhost:9000",
  /** Confluent: true. Needed by MinIO and S3Proxy. */
  pathStyle: true,
  /** Ours: 10 (the seed's "upload when 10 have piled up"). Required, no default, in Confluent. */
  flushSize: 10,
  /** Confluent: -1 (off). */
  rotateIntervalMs: -1,
  /** Ours: 10 s, so slow traffic still lands (the seed's interval). Confluent: -1 (off). */
  rotateScheduleIntervalMs: 10_000,
  /** Ours: UTC. Confluent: no default, but required when rotate.schedule.interval.ms is set. */
  timezone: "UTC",
  /** Confluent: `topics`. */
  topicsDir: "topics",
  /** Confluent: `/`. */
  directoryDelim: "/",
  /** Confluent: `+`. */
  fileDelim: "+",
  /** Confluent: 10. */
  offsetPadWidth: 10,
  /** Confluent: `none`. */
  compression: "none",
  /** Confluent: JsonFormat is what the shared connector JSON names (format.class has no default). */
  format: "json",
  /** Confluent: `snappy`. */
  parquetCodec: "snappy",
  /** Confluent: DefaultPartitioner. */
  partitioner: Object.freeze({ kind: "default" }) as PartitionerSettings,
  /** Confluent: `fail`. */
  behaviorOnNullValues: "fail",
  /** Kafka Connect: `none`. */
  errorsTolerance: "none",
  /** Ours: the shared DLQ topic, used only when errorsTolerance is `all`. Connect: unset (no DLQ). */
  dlqTopic: "weblogs-dlq",
  /** Ours: `weblog-s3-sink`. Connect would use `connect-weblogs-s3-sink`. */
  groupId: "weblog-s3-sink",
  /** Ours: 64 MiB of buffered record bytes across all partitions. */
  bufferMaxBytes: 64 * 1024 * 1024,
}) as Readonly<SinkSettings>;

/** A fresh, mutable copy of the defaults (nested objects copied too). */
export function defaultSinkSettings(): SinkSettings {
  return {
    ...DEFAULT_SINK_SETTINGS,
    topics: [...DEFAULT_SINK_SETTINGS.topics],
    partitioner: structuredClone(DEFAULT_SINK_SETTINGS.partitioner),
  };
}

/** Hourly/Daily presets and the time partitioner's own defaults. */
export const DEFAULT_TIME_PARTITIONER: Readonly<Extract<PartitionerSettings, { kind: "time" }>> =
  Object.freeze({
    kind: "time",
    pathFormat: "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH",
    partitionDurationMs: 3_600_000,
    locale: "en-US",
    timezone: "UTC",
    timestampExtractor: "Wallclock",
    timestampField: "timestamp",
  });

/** The object-key layout part of the settings, for `formatObjectKey` / `parseObjectKey`. */
export function keyLayoutOf(
  s: Pick<SinkSettings, "topicsDir" | "directoryDelim" | "fileDelim" | "offsetPadWidth">,
): KeyLayout {
  return {
    topicsDir: s.topicsDir,
    directoryDelim: s.directoryDelim,
    fileDelim: s.fileDelim,
    offsetPadWidth: s.offsetPadWidth,
  };
}
