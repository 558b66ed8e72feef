import type { CannedAcl, CredentialsProviderKind, SseAlgorithm } from "./aws-values";
import { HONOURED_KEYS } from "./connector-keys";
import type { Compression, KeyLayout, ParquetCodec } from "./keys";

/**
 * The sink's settings, one camelCase field per Confluent S3 sink key (the key is named on each field; the key table,
 * connector-keys.ts, maps each key to its field and codec, and schema.ts compiles the settings' TypeBox schema from
 * that table). Our sink (apps/consumer), the verifier and infra's tests all read these; `loadConnectorConfig` builds
 * them from a Kafka Connect connector JSON, `toConnectorConfig` writes them back. The time zone is stored once,
 * in `timezone`: rotation and the time-based partitioner both use it, as Connect's one `timezone` key says.
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
  /** `topics.regex`: topics whose whole name matches, in place of `topics` (which then holds the ones found). */
  topicsRegex?: string;
  /** `consumer.override.metadata.max.age.ms`: how often `topics.regex` looks for new matching topics. */
  metadataMaxAgeMs: number;
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
  /**
   * `format.class`: JsonFormat (`json`, JSON lines) or ParquetFormat (`parquet`, typed columns) objects, or
   * `iceberg` (ours): Parquet data files committed to an Apache Iceberg table (the `iceberg.*` keys).
   */
  format: "json" | "parquet" | "iceberg";
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
  /**
   * Ours (`weblog.upload.max.in.flight.per.partition`): objects of one Kafka partition uploaded at once, under one
   * planned commit (consumer README "Exactly once", rule 5). 1 = the strict upload-commit-upload order.
   */
  uploadMaxInFlightPerPartition: number;
  /** Ours (`weblog.upload.max.in.flight`): PutObjects in flight over all partitions together. */
  uploadMaxInFlight: number;
  /**
   * Ours (`weblog.upload.parts.max.in.flight`): UploadParts of one multipart object in flight at once; the object's
   * memory is this many parts + the one being encoded.
   */
  uploadPartsMaxInFlight: number;
  /**
   * Ours (`weblog.flush.size.bytes`; Confluent has no byte limit): an object is cut before a record that would take
   * its record lines (uncompressed, with their newlines) past this many bytes; -1 = off.
   */
  flushSizeBytes: number;
  /**
   * `s3.part.size` (Confluent's key and default, 25 MiB, at least 5 MiB): an object whose encoded body is larger is
   * uploaded with a multipart upload in parts of this many bytes (the last part the rest).
   */
  partSize: number;
  /** `store.kafka.keys`: each object's record keys in a companion object `<stem>.keys.json[.gz]`. */
  storeKafkaKeys: boolean;
  /** `store.kafka.headers`: each object's record headers in a companion object `<stem>.headers.json[.gz]`. */
  storeKafkaHeaders: boolean;
  /** `keys.format.class`: the keys companion's format (JsonFormat only; required with `storeKafkaKeys`). */
  keysFormat?: "json";
  /** `headers.format.class`: the headers companion's format (JsonFormat only; required with `storeKafkaHeaders`). */
  headersFormat?: "json";
  /** `s3.ssea.name` (Confluent: "" = none): SSE-S3 (`AES256`, or SSE-C with `sseCustomerKey`) or SSE-KMS (`aws:kms`). */
  sseAlgorithm?: SseAlgorithm;
  /** `s3.sse.kms.key.id` (with `aws:kms` only; absent: the account's AWS-managed key). */
  sseKmsKeyId?: string;
  /** `s3.sse.customer.key` (secret; with `AES256` only, which it turns into SSE-C): base64 of a 256-bit key. */
  sseCustomerKey?: string;
  /** `s3.acl.canned`: the canned ACL on every object (absent: none, the bucket's default). */
  cannedAcl?: CannedAcl;
  /** `s3.object.tagging`: tag every object with Confluent's startOffset, endOffset and recordCount. */
  objectTagging: boolean;
  /** `s3.object.tagging.key.value.pairs`: extra tags, `key:value` items (with `s3.object.tagging`). */
  objectTaggingPairs?: string[];
  /** `aws.access.key.id` (secret): static credentials with `awsSecretAccessKey`; absent: the AWS SDK chain. */
  awsAccessKeyId?: string;
  /** `aws.secret.access.key` (secret). */
  awsSecretAccessKey?: string;
  /** `s3.credentials.provider.class`: the AWS SDK default chain, or assume-role (Confluent's class names). */
  credentialsProvider: CredentialsProviderKind;
  /** `s3.credentials.provider.sts.role.arn` (assume-role). */
  stsRoleArn?: string;
  /** `s3.credentials.provider.sts.role.session.name` (assume-role). */
  stsRoleSessionName?: string;
  /** `s3.credentials.provider.sts.role.external.id` (assume-role). */
  stsRoleExternalId?: string;
  /** Ours (`weblog.ignore.keys`): keys we do not honour that may still be set (a note each, no refusal). */
  ignoreKeys?: string[];
  /** `iceberg.tables` (format iceberg): `namespace.table`. */
  icebergTable: string;
  /** `iceberg.catalog.uri` (format iceberg): the REST catalog. */
  icebergCatalogUri: string;
  /** `iceberg.catalog.token` (secret): a bearer token for the REST catalog. */
  icebergCatalogToken?: string;
  /** `iceberg.catalog.credential` (secret): OAuth2 client credentials, `client_id:client_secret`. */
  icebergCatalogCredential?: string;
  /** `iceberg.catalog.oauth2-server-uri`: the token endpoint (unset: the catalog's /v1/oauth/tokens). */
  icebergOauth2ServerUri?: string;
  /** `iceberg.catalog.scope`: the OAuth2 scope (unset: catalog). */
  icebergCatalogScope?: string;
  /** `iceberg.control.commit.interval-ms` (format iceberg): minimum time between two snapshots. */
  icebergCommitIntervalMs: number;
  /** `iceberg.tables.default-partition-by` (format iceberg): a new table's spec. */
  icebergPartitionBy: "day(timestamp)" | "hour(timestamp)" | "none";
}

/**
 * Defaults, from the key table (each row's `default`, with its origin in `origin`). Where the concept is
 * Confluent's, so is the default, except where the shared stack (COMMON: topic `weblogs`, bucket `weblogs`, MinIO at
 * localhost:9000, flush.size 10, 10 s wall-clock rotation) decides otherwise; each such row says so.
 */
export const DEFAULT_SINK_SETTINGS: Readonly<SinkSettings> = Object.freeze(
  Object.fromEntries(
    HONOURED_KEYS.flatMap((r) =>
      typeof r.field === "string" && r.default !== undefined
        ? [[r.field, typeof r.default === "object" ? Object.freeze(r.default) : r.default]]
        : [],
    ),
  ),
) as Readonly<SinkSettings>;

/** A fresh, mutable copy of the defaults (nested objects copied too). */
export function defaultSinkSettings(): SinkSettings {
  return structuredClone(DEFAULT_SINK_SETTINGS) as SinkSettings;
}

type TimePartitioner = Extract<PartitionerSettings, { kind: "time" }>;

/** Hourly/Daily presets and the time partitioner's own defaults (the time partitioner rows' defaults). */
export const DEFAULT_TIME_PARTITIONER: Readonly<TimePartitioner> = Object.freeze({
  kind: "time",
  ...Object.fromEntries(
    HONOURED_KEYS.flatMap((r) =>
      typeof r.field === "object" && r.field.partitioner === "time" ? [[r.field.field, r.default]] : [],
    ),
  ),
}) as Readonly<TimePartitioner>;

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
