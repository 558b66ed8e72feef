/**
 * Reads a Kafka Connect S3 sink connector config (the JSON that infra registers with Connect) into `SinkSettings`,
 * so our sink, the verifier and Connect share one file.
 *
 * - Accepts `{ "name": ..., "config": { ... } }` (the POST /connectors body) or the flat config
 *   (the PUT /connectors/<name>/config body).
 * - Every key must be in `CONFLUENT_S3_SINK_KEYS` (or under one of its prefixes): keys we honour are used, keys that
 *   only matter to Connect (or that we do not implement) are ignored with a note, unknown keys are an error
 *   naming the key. Values are validated; errors name the key and the allowed values.
 * - Keys the file leaves out take `DEFAULT_SINK_SETTINGS`, except `store.url`: absent means AWS S3, as in Connect.
 *   Where our default differs from Connect's, a note says so.
 * - `overrides` (from flags / env, see `sinkSettingsFromEnv`) are applied last: e.g. the compose file says
 *   `store.url=http://minio:9000` (the container network) while our sink on the host passes
 *   `--store-url http://localhost:9000` or S3_ENDPOINT.
 */

import { readFileSync } from "node:fs";
import { AIVEN_S3_SINK_CLASS, loadAivenConnectorConfig } from "./aiven-config";
import { S3SideError } from "./errors";
import { checkTimezone, compilePathFormat } from "./partitioner";
import {
  DEFAULT_SINK_SETTINGS,
  DEFAULT_TIME_PARTITIONER,
  defaultSinkSettings,
  type ErrorsTolerance,
  type NullValueBehavior,
  type PartitionerSettings,
  type SinkSettings,
  type TimestampExtractor,
} from "./settings";

/**
 * - `honoured`: our sink reads it (mapped onto a `SinkSettings` field).
 * - `connect-only`: a Kafka Connect framework / converter key; meaningful to Connect, not to our sink.
 * - `ignored`: a documented Confluent S3 sink key our sink does not implement; harmless, noted when set.
 */
export type ConnectorKeyStatus = "honoured" | "connect-only" | "ignored";

export interface ConnectorKeyInfo {
  status: ConnectorKeyStatus;
  /** What the key means to us: the SinkSettings field, or why it is ignored. */
  note: string;
  /** When set, values other than these are rejected ("not supported by our sink"). Compared case-sensitively. */
  onlyValues?: readonly string[];
}

const PARTITIONER_PACKAGE = "io.confluent.connect.storage.partitioner.";
export const JSON_FORMAT_CLASS = "io.confluent.connect.s3.format.json.JsonFormat";
export const PARQUET_FORMAT_CLASS = "io.confluent.connect.s3.format.parquet.ParquetFormat";
const PARQUET_CODECS = ["snappy", "gzip", "zstd", "none"] as const;
export const S3_SINK_CONNECTOR_CLASS = "io.confluent.connect.s3.S3SinkConnector";
export const S3_STORAGE_CLASS = "io.confluent.connect.s3.storage.S3Storage";

const h = (note: string, onlyValues?: readonly string[]): ConnectorKeyInfo =>
  onlyValues ? { status: "honoured", note, onlyValues } : { status: "honoured", note };
const c = (note: string, onlyValues?: readonly string[]): ConnectorKeyInfo =>
  onlyValues ? { status: "connect-only", note, onlyValues } : { status: "connect-only", note };
const i = (note: string, onlyValues?: readonly string[]): ConnectorKeyInfo =>
  onlyValues ? { status: "ignored", note, onlyValues } : { status: "ignored", note };

/**
 * The documented keys of Confluent's S3 sink (kafka-connect-s3 10.x/11.x configuration reference) and of the
 * Kafka Connect framework for sink connectors. The only place that decides what a connector JSON may contain.
 */
export const CONFLUENT_S3_SINK_KEYS: Readonly<Record<string, ConnectorKeyInfo>> = Object.freeze({
  // --- Kafka Connect framework (sink connectors) ---
  name: c(
    "the connector's name; Connect's consumer group is connect-<name> (ours defaults to weblog-s3-sink)",
  ),
  "connector.class": c("we are the sink", [S3_SINK_CONNECTOR_CLASS]),
  "tasks.max": c("Connect's parallelism; ours is more sink instances in one consumer group"),
  topics: h("topics (comma separated)"),
  "topics.regex": i("not supported by our sink: list the topics in `topics`", [""]),
  "key.converter": c("our sink keeps keys as strings only to pick partitions; keys are not written"),
  "value.converter": c("our sink reads values as schemaless JSON (JsonConverter with schemas.enable=false)"),
  "header.converter": c("headers are not written by either sink here"),
  "config.action.reload": c("Connect restarts the connector on config change"),
  transforms: c("Single Message Transforms are Connect's; our sink applies none", [""]),
  predicates: c("Connect's; our sink applies none", [""]),
  "errors.tolerance": h("errorsTolerance: none (stop on a bad record) | all (bad records to the DLQ)"),
  "errors.retry.timeout": c(
    "Connect's converter/transform retry; our sink retries S3 with backoff until it answers",
  ),
  "errors.retry.delay.max.ms": c("Connect's converter/transform retry delay"),
  "errors.log.enable": c("our sink always logs bad records (without their contents)"),
  "errors.log.include.messages": c("our sink never logs record contents"),
  "errors.deadletterqueue.topic.name": h("dlqTopic"),
  "errors.deadletterqueue.topic.replication.factor": c(
    "our sink relies on topic auto-creation / existing topic",
  ),
  "errors.deadletterqueue.context.headers.enable": c("our sink always adds the reason and origin headers"),
  // --- Connector ---
  "format.class": h("format: JsonFormat (JSON lines) | ParquetFormat (typed Parquet, no schema registry)", [
    JSON_FORMAT_CLASS,
    PARQUET_FORMAT_CLASS,
  ]),
  "flush.size": h("flushSize: records per object at most"),
  "rotate.interval.ms": h("rotateIntervalMs: record-time rotation (-1 = off)"),
  "rotate.schedule.interval.ms": h(
    "rotateScheduleIntervalMs: wall-clock rotation, idle partitions too (-1 = off)",
  ),
  "schema.cache.size": c("Avro/schema cache"),
  "enhanced.avro.schema.support": c("Avro only"),
  "connect.meta.data": c("Avro only"),
  "retry.backoff.ms": i("our sink's S3 retries use their own exponential backoff"),
  "filename.offset.zero.pad.width": h("offsetPadWidth"),
  "allow.optional.map.keys": c("Avro/Parquet only"),
  "behavior.on.null.values": h("behaviorOnNullValues: fail | ignore | write (tombstones)"),
  "store.kafka.keys": i("not supported by our sink: keys are not written", ["false"]),
  "store.kafka.headers": i("not supported by our sink: headers are not written", ["false"]),
  "keys.format.class": i("keys are not written"),
  "headers.format.class": i("headers are not written"),
  "s3.object.tagging": i("our sink adds no object tags", ["false"]),
  "format.bytearray.extension": c("ByteArrayFormat only"),
  "format.bytearray.separator": c("ByteArrayFormat only"),
  "parquet.codec": h("parquetCodec: snappy | gzip | zstd | none (ParquetFormat only)"),
  "avro.codec": c("AvroFormat only"),
  "json.decimal.format": c("JsonFormat with Decimal schemas only"),
  "s3.schema.partition.affix.type": i("schema-based affixes are not written", ["NONE"]),
  "tombstone.encoded.partition": i(
    "tombstones are written per behavior.on.null.values into the record's partition",
  ),
  // --- S3 ---
  "s3.bucket.name": h("bucket"),
  "s3.region": h("region"),
  "s3.part.size": i("our objects are small (flush.size records) and written with one PutObject"),
  "s3.part.retries": i("our sink retries PutObject with backoff until S3 answers"),
  "s3.retry.backoff.ms": i("our sink's S3 retries use their own exponential backoff"),
  "s3.ssea.name": i(
    "server-side encryption is not requested by our sink: use the bucket's default encryption",
  ),
  "s3.sse.customer.key": i("SSE-C is not supported by our sink"),
  "s3.sse.kms.key.id": i("SSE-KMS is not requested by our sink: use the bucket's default encryption"),
  "s3.acl.canned": i("our sink sets no canned ACL"),
  "s3.wan.mode": i("transfer acceleration is not used by our sink"),
  "s3.compression.type": h("compression: none | gzip"),
  "s3.compression.level": i("gzip uses zlib's default level"),
  "s3.http.send.expect.continue": i("AWS SDK default"),
  "s3.elastic.buffer.enable": i("our sink buffers whole objects (bounded by weblog.buffer.max.bytes)"),
  "s3.elastic.buffer.init.capacity": i("see s3.elastic.buffer.enable"),
  "s3.path.style.access.enabled": h("pathStyle"),
  "s3.proxy.url": i("use HTTPS_PROXY for the AWS SDK"),
  "s3.proxy.user": i("use HTTPS_PROXY for the AWS SDK"),
  "s3.proxy.password": i("use HTTPS_PROXY for the AWS SDK"),
  "s3.ssl.key.password": i("TLS client keys are not used"),
  "s3.ssl.keystore.location": i("TLS client keys are not used"),
  "s3.ssl.keystore.password": i("TLS client keys are not used"),
  "s3.ssl.keystore.type": i("TLS client keys are not used"),
  "s3.ssl.truststore.location": i("use NODE_EXTRA_CA_CERTS"),
  "s3.ssl.truststore.password": i("use NODE_EXTRA_CA_CERTS"),
  "s3.ssl.truststore.type": i("use NODE_EXTRA_CA_CERTS"),
  "s3.credentials.provider.class": i("our sink uses the AWS SDK default credential chain"),
  "aws.access.key.id": i("put credentials in AWS_ACCESS_KEY_ID / a profile, not the connector JSON"),
  "aws.secret.access.key": i("put credentials in AWS_SECRET_ACCESS_KEY / a profile, not the connector JSON"),
  "s3.sts.role.arn": i("use AWS_ROLE_ARN / a profile with role_arn for the AWS SDK chain"),
  "s3.sts.role.session.name": i("use AWS_ROLE_SESSION_NAME"),
  "s3.sts.role.external.id": i("use a profile with external_id"),
  // --- Storage ---
  "storage.class": c("S3 is the only storage", [S3_STORAGE_CLASS]),
  "topics.dir": h("topicsDir"),
  "directory.delim": h("directoryDelim"),
  "file.delim": h("fileDelim"),
  "store.url": h("storeUrl: custom S3 endpoint (MinIO); absent = AWS S3"),
  // --- Partitioner ---
  "partitioner.class": h(
    "partitioner: DefaultPartitioner | FieldPartitioner | TimeBasedPartitioner | HourlyPartitioner | DailyPartitioner",
  ),
  "partition.field.name": h("partitioner.fields (FieldPartitioner)"),
  "partition.duration.ms": h("partitioner.partitionDurationMs (TimeBasedPartitioner)"),
  "path.format": h("partitioner.pathFormat (TimeBasedPartitioner)"),
  locale: h("partitioner.locale (TimeBasedPartitioner)"),
  timezone: h("timezone: wall-clock rotation and TimeBasedPartitioner"),
  "timestamp.extractor": h("partitioner.timestampExtractor: Record | RecordField | Wallclock"),
  "timestamp.field": h("partitioner.timestampField (RecordField; nested with dots)"),
  "timestamp.unit": i("timestamp.field values are ISO-8601 strings or epoch milliseconds"),
  // --- Schema ---
  "schema.compatibility": c("schemaless JSON has no schema to evolve"),
  // --- Ours (Connect ignores unknown keys with a warning) ---
  "weblog.buffer.max.bytes": h("bufferMaxBytes: our sink's total buffer before it stops fetching"),
  "consumer.override.group.id": h("groupId (Connect needs connector.client.config.override.policy=All)"),
});

/** Key families documented by Connect: `transforms.<alias>.*`, `consumer.override.*`, converter sub-keys, ... */
export const CONFLUENT_S3_SINK_KEY_PREFIXES: Readonly<Record<string, ConnectorKeyInfo>> = Object.freeze({
  "transforms.": c("Single Message Transforms are Connect's; our sink applies none"),
  "predicates.": c("Connect's; our sink applies none"),
  "key.converter.": c("converter settings are Connect's"),
  "value.converter.": c("converter settings are Connect's; our sink reads schemaless JSON values"),
  "header.converter.": c("converter settings are Connect's"),
  "consumer.override.": c("Connect's per-connector consumer overrides (group.id is honoured)"),
  "admin.override.": c("Connect's per-connector admin overrides"),
  "producer.override.": c("Connect's per-connector producer overrides (DLQ producer)"),
});

/** Looks a key up in the table, then among the prefixes. */
export function connectorKeyInfo(key: string): ConnectorKeyInfo | undefined {
  const exact = CONFLUENT_S3_SINK_KEYS[key];
  if (exact) return exact;
  for (const [prefix, info] of Object.entries(CONFLUENT_S3_SINK_KEY_PREFIXES)) {
    if (key.startsWith(prefix) && key.length > prefix.length) return info;
  }
  return undefined;
}

export interface LoadedConnectorConfig {
  settings: SinkSettings;
  /** One line per key that was ignored, or where our default was used in place of Connect's. */
  notes: string[];
  /** The connector name (`name`), if the file gave one. */
  name?: string;
}

export type ConnectorConfigInput = string | Record<string, unknown>;

/**
 * Loads a connector JSON (path, or the parsed object) into settings. Throws S3SideError BAD_CONFIG (exit 2) with a
 * one-line message naming the key and the fix. `overrides` win over the file; undefined fields are skipped.
 */
export function loadConnectorConfig(
  pathOrObject: ConnectorConfigInput,
  overrides: Partial<SinkSettings> = {},
): LoadedConnectorConfig {
  const source = typeof pathOrObject === "string" ? pathOrObject : "connector config";
  const raw = typeof pathOrObject === "string" ? readJsonFile(pathOrObject) : pathOrObject;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw bad(
      "config",
      `${source}: expected a JSON object ({"name": ..., "config": {...}} or the flat config)`,
    );
  }
  let name: string | undefined;
  let flat: Record<string, unknown>;
  const top = raw as Record<string, unknown>;
  if (
    top.config !== undefined &&
    typeof top.config === "object" &&
    top.config !== null &&
    !Array.isArray(top.config)
  ) {
    const extra = Object.keys(top).filter(
      (k) => k !== "name" && k !== "config" && k !== "tasks" && k !== "type",
    );
    if (extra.length > 0) {
      throw bad(
        extra[0] as string,
        `${source}: unexpected top-level key '${extra[0]}' beside "config": move it inside "config"`,
      );
    }
    flat = top.config as Record<string, unknown>;
    if (typeof top.name === "string") name = top.name;
  } else {
    flat = top;
  }

  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(flat)) {
    values.set(key, stringValue(key, value));
  }
  const notes: string[] = [];
  const innerName = values.get("name");
  if (name !== undefined && innerName !== undefined && innerName !== name) {
    throw bad(
      "name",
      `name: "${innerName}" inside config differs from the connector name "${name}"; make them equal`,
    );
  }
  name ??= innerName;
  // Aiven's S3 sink writes the same kind of objects under its own keys: its own reader (aiven-config.ts).
  if (values.get("connector.class") === AIVEN_S3_SINK_CLASS) {
    const aiven = loadAivenConnectorConfig(values, name);
    for (const [field, value] of Object.entries(overrides)) {
      if (value !== undefined) (aiven.settings as unknown as Record<string, unknown>)[field] = value;
    }
    return aiven;
  }

  for (const [key, value] of values) {
    const info = connectorKeyInfo(key);
    if (!info) {
      const hint = closestKey(key);
      throw bad(
        key,
        `unknown key '${key}' in ${source}: not a Confluent S3 sink or Kafka Connect key${hint ? ` (did you mean '${hint}'?)` : ""}; remove it or fix its spelling`,
      );
    }
    if (info.onlyValues && !info.onlyValues.includes(value)) {
      const allowed = info.onlyValues.filter((v) => v !== "").map((v) => `'${v}'`);
      throw bad(
        key,
        `${key}='${value}' is not supported by our sink: ${info.note}${allowed.length > 0 ? `; use ${allowed.join(" or ")}` : "; remove it"}`,
      );
    }
    if (info.status !== "honoured")
      notes.push(`${key}: ${info.status === "connect-only" ? "Connect-only" : "ignored"}: ${info.note}`);
  }

  const settings = defaultSinkSettings();
  delete settings.storeUrl; // absent store.url = AWS S3, as in Connect
  const get = (key: string): string | undefined => values.get(key);
  const defaulted = (key: string, ours: string, connects: string) => {
    if (!values.has(key))
      notes.push(`${key} not set: using our default ${ours} (Kafka Connect: ${connects})`);
  };

  const topics = get("topics");
  if (topics !== undefined) {
    const list = topics
      .split(",")
      .map((t) => t.trim())
      .filter((t) => t.length > 0);
    if (list.length === 0)
      throw bad("topics", "topics: empty; give one or more topic names, comma separated (e.g. weblogs)");
    for (const t of list) {
      if (!/^[A-Za-z0-9._-]{1,249}$/.test(t)) {
        throw bad(
          "topics",
          `topics: '${t}' is not a valid Kafka topic name (letters, digits, '.', '_', '-')`,
        );
      }
    }
    settings.topics = list;
  } else defaulted("topics", "weblogs", "required");

  const bucket = get("s3.bucket.name");
  if (bucket !== undefined) settings.bucket = bucket;
  else defaulted("s3.bucket.name", "weblogs", "required");
  const region = get("s3.region");
  if (region !== undefined) settings.region = region;
  else defaulted("s3.region", "us-east-1", "us-west-2");
  const storeUrl = get("store.url");
  if (storeUrl !== undefined && storeUrl !== "") settings.storeUrl = storeUrl;
  const pathStyle = get("s3.path.style.access.enabled");
  if (pathStyle !== undefined) settings.pathStyle = parseBool("s3.path.style.access.enabled", pathStyle);

  const flushSize = get("flush.size");
  if (flushSize !== undefined) settings.flushSize = parseInteger("flush.size", flushSize);
  else defaulted("flush.size", "10", "required");
  const rotate = get("rotate.interval.ms");
  if (rotate !== undefined) settings.rotateIntervalMs = parseInteger("rotate.interval.ms", rotate);
  const schedule = get("rotate.schedule.interval.ms");
  if (schedule !== undefined)
    settings.rotateScheduleIntervalMs = parseInteger("rotate.schedule.interval.ms", schedule);
  else defaulted("rotate.schedule.interval.ms", "10000", "-1, off");
  const timezone = get("timezone");
  if (timezone !== undefined && timezone !== "") settings.timezone = timezone;

  const topicsDir = get("topics.dir");
  if (topicsDir !== undefined) settings.topicsDir = topicsDir;
  const directoryDelim = get("directory.delim");
  if (directoryDelim !== undefined) settings.directoryDelim = directoryDelim;
  const fileDelim = get("file.delim");
  if (fileDelim !== undefined) settings.fileDelim = fileDelim;
  const pad = get("filename.offset.zero.pad.width");
  if (pad !== undefined) settings.offsetPadWidth = parseInteger("filename.offset.zero.pad.width", pad);
  const compression = get("s3.compression.type");
  if (compression !== undefined)
    settings.compression = parseOneOf("s3.compression.type", compression, ["none", "gzip"]);
  const format = get("format.class");
  if (format !== undefined) settings.format = format === PARQUET_FORMAT_CLASS ? "parquet" : "json";
  const codec = get("parquet.codec");
  if (codec !== undefined) settings.parquetCodec = parseOneOf("parquet.codec", codec, PARQUET_CODECS);

  settings.partitioner = parsePartitioner(get, settings.timezone);

  const nulls = get("behavior.on.null.values");
  if (nulls !== undefined) {
    settings.behaviorOnNullValues = parseOneOf<NullValueBehavior>(
      "behavior.on.null.values",
      nulls.toLowerCase(),
      ["fail", "ignore", "write"],
    );
  }
  const tolerance = get("errors.tolerance");
  if (tolerance !== undefined) {
    settings.errorsTolerance = parseOneOf<ErrorsTolerance>("errors.tolerance", tolerance.toLowerCase(), [
      "none",
      "all",
    ]);
  }
  const dlq = get("errors.deadletterqueue.topic.name");
  if (dlq !== undefined && dlq !== "") settings.dlqTopic = dlq;
  else if (settings.errorsTolerance === "all") {
    notes.push(
      `errors.deadletterqueue.topic.name not set: bad records go to our default '${DEFAULT_SINK_SETTINGS.dlqTopic}' (Kafka Connect would log and skip them)`,
    );
  }
  const group = get("consumer.override.group.id");
  if (group !== undefined && group !== "") settings.groupId = group;
  const buffer = get("weblog.buffer.max.bytes");
  if (buffer !== undefined) settings.bufferMaxBytes = parseInteger("weblog.buffer.max.bytes", buffer);

  for (const [field, value] of Object.entries(overrides)) {
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[field] = value;
  }
  if (
    overrides.timezone !== undefined &&
    overrides.partitioner === undefined &&
    settings.partitioner.kind === "time"
  ) {
    settings.partitioner = { ...settings.partitioner, timezone: overrides.timezone };
  }
  validateSinkSettings(settings);
  const result: LoadedConnectorConfig = { settings, notes };
  if (name !== undefined) result.name = name;
  return result;
}

/** The `SinkSettings` a process should use from the usual env vars (S3_ENDPOINT, S3_BUCKET, S3_REGION/AWS_REGION). */
export function sinkSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<SinkSettings> {
  const out: Partial<SinkSettings> = {};
  if (env.S3_ENDPOINT) out.storeUrl = env.S3_ENDPOINT;
  if (env.S3_BUCKET) out.bucket = env.S3_BUCKET;
  const region = env.S3_REGION || env.AWS_REGION;
  if (region) out.region = region;
  return out;
}

/**
 * Checks a whole `SinkSettings` (from a file, flags or code). Throws BAD_CONFIG naming the Confluent key.
 * Returns the settings for chaining.
 */
export function validateSinkSettings(s: SinkSettings): SinkSettings {
  if (!Array.isArray(s.topics) || s.topics.length === 0)
    throw bad("topics", "topics: give at least one topic");
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s.bucket)) {
    throw bad(
      "s3.bucket.name",
      `s3.bucket.name: '${s.bucket}' is not a valid S3 bucket name (3-63 lowercase letters, digits, '.', '-')`,
    );
  }
  if (s.region.trim() === "") throw bad("s3.region", "s3.region: empty; e.g. us-east-1");
  if (s.storeUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(s.storeUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
      throw bad("store.url", `store.url: '${s.storeUrl}' is not an http(s) URL (e.g. http://localhost:9000)`);
    }
  }
  positiveInt("flush.size", s.flushSize);
  intervalMs("rotate.interval.ms", s.rotateIntervalMs);
  intervalMs("rotate.schedule.interval.ms", s.rotateScheduleIntervalMs);
  s.timezone = checkTimezone(s.timezone, "timezone");
  if (!Number.isInteger(s.offsetPadWidth) || s.offsetPadWidth < 0 || s.offsetPadWidth > 30) {
    throw bad(
      "filename.offset.zero.pad.width",
      `filename.offset.zero.pad.width: ${s.offsetPadWidth} must be an integer 0..30`,
    );
  }
  if (s.directoryDelim.length === 0)
    throw bad("directory.delim", "directory.delim: empty; the usual value is /");
  if (s.fileDelim.length === 0) throw bad("file.delim", "file.delim: empty; the usual value is +");
  parseOneOf("s3.compression.type", s.compression, ["none", "gzip"]);
  parseOneOf("format.class", s.format, ["json", "parquet"]);
  parseOneOf("parquet.codec", s.parquetCodec, PARQUET_CODECS);
  parseOneOf("behavior.on.null.values", s.behaviorOnNullValues, ["fail", "ignore", "write"]);
  parseOneOf("errors.tolerance", s.errorsTolerance, ["none", "all"]);
  if (s.partitioner.kind === "time") {
    compilePathFormat(s.partitioner.pathFormat);
    positiveInt("partition.duration.ms", s.partitioner.partitionDurationMs);
    s.partitioner.timezone = checkTimezone(s.partitioner.timezone, "timezone");
    parseOneOf("timestamp.extractor", s.partitioner.timestampExtractor, [
      "Record",
      "RecordField",
      "Wallclock",
    ]);
    if (s.partitioner.timestampExtractor === "RecordField" && s.partitioner.timestampField.trim() === "") {
      throw bad(
        "timestamp.field",
        "timestamp.field: required with timestamp.extractor=RecordField (e.g. timestamp)",
      );
    }
  } else if (s.partitioner.kind === "field" && s.partitioner.fields.length === 0) {
    throw bad(
      "partition.field.name",
      "partition.field.name: required with FieldPartitioner (e.g. status_code)",
    );
  }
  if (s.errorsTolerance === "all" && !s.dlqTopic) {
    throw bad(
      "errors.deadletterqueue.topic.name",
      "errors.deadletterqueue.topic.name: required with errors.tolerance=all",
    );
  }
  if (!s.groupId) throw bad("consumer.override.group.id", "consumer group id: empty; e.g. weblog-s3-sink");
  positiveInt("weblog.buffer.max.bytes", s.bufferMaxBytes);
  return s;
}

/**
 * Settings -> a flat Connect config (string values, Connect's convention) that `loadConnectorConfig` reads back to
 * the same settings. Includes connector.class / storage.class / format.class / converters so Connect can run it.
 */
export function toConnectorConfig(s: SinkSettings): Record<string, string> {
  const out: Record<string, string> = {
    "connector.class": S3_SINK_CONNECTOR_CLASS,
    "tasks.max": "1",
    topics: s.topics.join(","),
    "s3.bucket.name": s.bucket,
    "s3.region": s.region,
  };
  if (s.storeUrl !== undefined) out["store.url"] = s.storeUrl;
  Object.assign(out, {
    "s3.path.style.access.enabled": String(s.pathStyle),
    "flush.size": String(s.flushSize),
    "rotate.interval.ms": String(s.rotateIntervalMs),
    "rotate.schedule.interval.ms": String(s.rotateScheduleIntervalMs),
    timezone: s.timezone,
    "topics.dir": s.topicsDir,
    "directory.delim": s.directoryDelim,
    "file.delim": s.fileDelim,
    "filename.offset.zero.pad.width": String(s.offsetPadWidth),
    "s3.compression.type": s.compression,
    "storage.class": S3_STORAGE_CLASS,
    "format.class": s.format === "parquet" ? PARQUET_FORMAT_CLASS : JSON_FORMAT_CLASS,
    "parquet.codec": s.parquetCodec,
    "key.converter": "org.apache.kafka.connect.storage.StringConverter",
    "value.converter": "org.apache.kafka.connect.json.JsonConverter",
    "value.converter.schemas.enable": "false",
    "schema.compatibility": "NONE",
    "behavior.on.null.values": s.behaviorOnNullValues,
    "errors.tolerance": s.errorsTolerance,
  });
  const p = s.partitioner;
  if (p.kind === "default") out["partitioner.class"] = `${PARTITIONER_PACKAGE}DefaultPartitioner`;
  else if (p.kind === "field") {
    out["partitioner.class"] = `${PARTITIONER_PACKAGE}FieldPartitioner`;
    out["partition.field.name"] = p.fields.join(",");
  } else {
    out["partitioner.class"] = `${PARTITIONER_PACKAGE}TimeBasedPartitioner`;
    out["path.format"] = p.pathFormat;
    out["partition.duration.ms"] = String(p.partitionDurationMs);
    out.locale = p.locale;
    out["timestamp.extractor"] = p.timestampExtractor;
    out["timestamp.field"] = p.timestampField;
    if (p.timezone !== s.timezone) {
      throw bad(
        "timezone",
        `timezone: the partitioner's '${p.timezone}' differs from rotation's '${s.timezone}'; Connect has one timezone key`,
      );
    }
  }
  if (s.dlqTopic !== undefined) out["errors.deadletterqueue.topic.name"] = s.dlqTopic;
  if (s.groupId !== DEFAULT_SINK_SETTINGS.groupId) out["consumer.override.group.id"] = s.groupId;
  if (s.bufferMaxBytes !== DEFAULT_SINK_SETTINGS.bufferMaxBytes)
    out["weblog.buffer.max.bytes"] = String(s.bufferMaxBytes);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

function parsePartitioner(get: (key: string) => string | undefined, timezone: string): PartitionerSettings {
  const cls = get("partitioner.class");
  const short = cls === undefined ? "DefaultPartitioner" : cls.slice(cls.lastIndexOf(".") + 1);
  const known = [
    "DefaultPartitioner",
    "FieldPartitioner",
    "TimeBasedPartitioner",
    "HourlyPartitioner",
    "DailyPartitioner",
  ];
  if (
    cls !== undefined &&
    (!known.includes(short) || (cls.includes(".") && !cls.startsWith(PARTITIONER_PACKAGE)))
  ) {
    throw bad(
      "partitioner.class",
      `partitioner.class='${cls}' is not supported by our sink; use ${known.map((k) => PARTITIONER_PACKAGE + k).join(", ")}`,
    );
  }
  if (short === "DefaultPartitioner") return { kind: "default" };
  if (short === "FieldPartitioner") {
    const fields = (get("partition.field.name") ?? "")
      .split(",")
      .map((f) => f.trim())
      .filter((f) => f.length > 0);
    if (fields.length === 0) {
      throw bad(
        "partition.field.name",
        "partition.field.name: required with FieldPartitioner (e.g. status_code or method,status_code)",
      );
    }
    return { kind: "field", fields };
  }
  const preset =
    short === "HourlyPartitioner"
      ? { pathFormat: "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH", partitionDurationMs: 3_600_000 }
      : short === "DailyPartitioner"
        ? { pathFormat: "'year'=YYYY/'month'=MM/'day'=dd", partitionDurationMs: 86_400_000 }
        : undefined;
  const pathFormat = preset?.pathFormat ?? get("path.format");
  if (pathFormat === undefined || pathFormat === "") {
    throw bad(
      "path.format",
      "path.format: required with TimeBasedPartitioner, e.g. 'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH",
    );
  }
  const durationText = get("partition.duration.ms");
  const partitionDurationMs =
    preset?.partitionDurationMs ??
    (durationText === undefined ? undefined : parseInteger("partition.duration.ms", durationText));
  if (partitionDurationMs === undefined) {
    throw bad(
      "partition.duration.ms",
      "partition.duration.ms: required with TimeBasedPartitioner (e.g. 3600000 for hourly)",
    );
  }
  const localeText = get("locale");
  const locale =
    localeText === undefined || localeText === "" ? DEFAULT_TIME_PARTITIONER.locale : parseLocale(localeText);
  const extractorText = get("timestamp.extractor");
  const timestampExtractor =
    extractorText === undefined
      ? DEFAULT_TIME_PARTITIONER.timestampExtractor
      : parseOneOf<TimestampExtractor>("timestamp.extractor", extractorText, [
          "Record",
          "RecordField",
          "Wallclock",
        ]);
  const timestampField = get("timestamp.field") || DEFAULT_TIME_PARTITIONER.timestampField;
  return {
    kind: "time",
    pathFormat,
    partitionDurationMs,
    locale,
    timezone,
    timestampExtractor,
    timestampField,
  };
}

function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw new S3SideError(
      "BAD_CONFIG",
      `--config: cannot read '${path}' (${code}); give the path of a connector JSON`,
      {
        cause: err,
        key: "config",
      },
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new S3SideError("BAD_CONFIG", `--config: '${path}' is not valid JSON: ${(err as Error).message}`, {
      cause: err,
      key: "config",
    });
  }
}

function stringValue(key: string, value: unknown): string {
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null) return "";
  throw bad(
    key,
    `${key}: expected a string, number or boolean, got ${Array.isArray(value) ? "an array" : "an object"}`,
  );
}

function parseInteger(key: string, text: string): number {
  if (!/^-?\d+$/.test(text)) throw bad(key, `${key}='${text}' is not an integer`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw bad(key, `${key}='${text}' is out of range`);
  return n;
}

function parseBool(key: string, text: string): boolean {
  const t = text.toLowerCase();
  if (t === "true") return true;
  if (t === "false") return false;
  throw bad(key, `${key}='${text}' must be true or false`);
}

function parseOneOf<T extends string>(key: string, text: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw bad(key, `${key}='${text}' must be one of ${allowed.join(", ")}`);
}

function parseLocale(text: string): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(text.replace(/_/g, "-"));
    if (canonical) return canonical;
  } catch {
    // fall through
  }
  throw bad("locale", `locale='${text}' is not a locale tag (e.g. en-US or en_US)`);
}

function positiveInt(key: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 1) throw bad(key, `${key}: ${n} must be a positive integer`);
}

function intervalMs(key: string, n: number): void {
  if (!Number.isSafeInteger(n) || (n !== -1 && n < 1)) {
    throw bad(key, `${key}: ${n} must be -1 (off) or a positive number of milliseconds`);
  }
}

function bad(key: string, message: string): S3SideError {
  return new S3SideError("BAD_CONFIG", message, { key });
}

function closestKey(key: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(key.length / 4)) + 1;
  for (const candidate of Object.keys(CONFLUENT_S3_SINK_KEYS)) {
    const d = editDistance(key, candidate, bestDistance);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}

function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let x = 1; x <= a.length; x++) {
    const cur = [x];
    for (let y = 1; y <= b.length; y++) {
      cur[y] = Math.min(
        (prev[y] as number) + 1,
        (cur[y - 1] as number) + 1,
        (prev[y - 1] as number) + (a[x - 1] === b[y - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length] as number;
}
