/**
 * The documented keys of Confluent's S3 sink (kafka-connect-s3 10.x/11.x configuration reference) and of the Kafka
 * Connect framework for sink connectors that our sink does not read: Connect-only keys (meaningful to Connect; the
 * few Connect needs to run our settings carry the value write-back gives them) and ignored ones (not implemented,
 * harmless; those whose value would change the output accept only the harmless value). The honoured keys are in
 * connector-keys.ts; together they are the only place that decides what a connector JSON may contain.
 */
import type { ConnectorKeyStatus, KeyRow } from "./key-row";

export const JSON_FORMAT_CLASS = "io.confluent.connect.s3.format.json.JsonFormat";
export const PARQUET_FORMAT_CLASS = "io.confluent.connect.s3.format.parquet.ParquetFormat";
export const S3_SINK_CONNECTOR_CLASS = "io.confluent.connect.s3.S3SinkConnector";
export const S3_STORAGE_CLASS = "io.confluent.connect.s3.storage.S3Storage";
const STRING_CONVERTER = "org.apache.kafka.connect.storage.StringConverter";
const JSON_CONVERTER = "org.apache.kafka.connect.json.JsonConverter";

function row(
  status: ConnectorKeyStatus,
  key: string,
  note: string,
  onlyValues?: readonly string[],
  write?: string,
): KeyRow {
  return {
    key,
    status,
    note,
    ...(onlyValues ? { onlyValues } : {}),
    ...(write === undefined ? {} : { write: { value: write } }),
  };
}
const c = (key: string, note: string, onlyValues?: readonly string[], write?: string) =>
  row("connect-only", key, note, onlyValues, write);
const i = (key: string, note: string, onlyValues?: readonly string[]) =>
  row("ignored", key, note, onlyValues);

export const CONNECT_KEYS: readonly KeyRow[] = [
  // --- Kafka Connect framework (sink connectors) ---
  c(
    "name",
    "the connector's name; Connect's consumer group is connect-<name> (ours defaults to weblog-s3-sink)",
  ),
  c("connector.class", "we are the sink", [S3_SINK_CONNECTOR_CLASS], S3_SINK_CONNECTOR_CLASS),
  c("tasks.max", "Connect's parallelism; ours is more sink instances in one consumer group", undefined, "1"),
  c(
    "key.converter",
    "our sink reads keys as UTF-8 strings (written only with store.kafka.keys, as JSON strings)",
    undefined,
    STRING_CONVERTER,
  ),
  c(
    "value.converter",
    "our sink reads values as schemaless JSON (JsonConverter with schemas.enable=false)",
    undefined,
    JSON_CONVERTER,
  ),
  c("value.converter.schemas.enable", "our sink reads schemaless JSON values", undefined, "false"),
  c(
    "header.converter",
    "our sink reads header values as UTF-8 strings (written only with store.kafka.headers); StringConverter makes Connect's the same",
    undefined,
    STRING_CONVERTER,
  ),
  c("config.action.reload", "Connect restarts the connector on config change"),
  c("transforms", "Single Message Transforms are Connect's; our sink applies none", [""]),
  c("predicates", "Connect's; our sink applies none", [""]),
  c(
    "errors.retry.timeout",
    "Connect's converter/transform retry; our sink retries S3 with backoff until it answers",
  ),
  c("errors.retry.delay.max.ms", "Connect's converter/transform retry delay"),
  c("errors.log.enable", "our sink always logs bad records (without their contents)"),
  c("errors.log.include.messages", "our sink never logs record contents"),
  c(
    "errors.deadletterqueue.topic.replication.factor",
    "our sink relies on topic auto-creation / existing topic",
  ),
  c("errors.deadletterqueue.context.headers.enable", "our sink always adds the reason and origin headers"),
  // --- Connector ---
  c("schema.cache.size", "Avro/schema cache"),
  c("enhanced.avro.schema.support", "Avro only"),
  c("connect.meta.data", "Avro only"),
  i("retry.backoff.ms", "our sink's S3 retries use their own exponential backoff"),
  c("allow.optional.map.keys", "Avro/Parquet only"),
  c("format.bytearray.extension", "ByteArrayFormat only"),
  c("format.bytearray.separator", "ByteArrayFormat only"),
  c("avro.codec", "AvroFormat only"),
  c("json.decimal.format", "JsonFormat with Decimal schemas only"),
  i("s3.schema.partition.affix.type", "schema-based affixes are not written", ["NONE"]),
  i(
    "tombstone.encoded.partition",
    "tombstones are written per behavior.on.null.values into the record's partition",
  ),
  // --- S3 ---
  i("s3.part.retries", "our sink retries PutObject and every UploadPart with backoff until S3 answers"),
  i("s3.retry.backoff.ms", "our sink's S3 retries use their own exponential backoff"),
  i("s3.wan.mode", "transfer acceleration is not used by our sink"),
  i("s3.compression.level", "gzip uses zlib's default level"),
  i("s3.http.send.expect.continue", "AWS SDK default"),
  i("s3.elastic.buffer.enable", "our sink buffers whole objects (bounded by weblog.buffer.max.bytes)"),
  i("s3.elastic.buffer.init.capacity", "see s3.elastic.buffer.enable"),
  i("s3.proxy.url", "use HTTPS_PROXY for the AWS SDK"),
  i("s3.proxy.user", "use HTTPS_PROXY for the AWS SDK"),
  i("s3.proxy.password", "use HTTPS_PROXY for the AWS SDK"),
  i("s3.ssl.key.password", "TLS client keys are not used"),
  i("s3.ssl.keystore.location", "TLS client keys are not used"),
  i("s3.ssl.keystore.password", "TLS client keys are not used"),
  i("s3.ssl.keystore.type", "TLS client keys are not used"),
  i("s3.ssl.truststore.location", "use NODE_EXTRA_CA_CERTS"),
  i("s3.ssl.truststore.password", "use NODE_EXTRA_CA_CERTS"),
  i("s3.ssl.truststore.type", "use NODE_EXTRA_CA_CERTS"),
  i("s3.sts.role.arn", "not Confluent's spelling: use s3.credentials.provider.sts.role.arn", [""]),
  i(
    "s3.sts.role.session.name",
    "not Confluent's spelling: use s3.credentials.provider.sts.role.session.name",
    [""],
  ),
  i("s3.sts.role.external.id", "not Confluent's spelling: use s3.credentials.provider.sts.role.external.id", [
    "",
  ]),
  i(
    "s3.object.behavior.on.tagging.error",
    "our tags ride on the PutObject / CreateMultipartUpload itself (x-amz-tagging), so a tag S3 refuses fails the upload (retried like any S3 error) rather than being ignored after it",
  ),
  // --- Storage ---
  c("storage.class", "S3 is the only storage", [S3_STORAGE_CLASS], S3_STORAGE_CLASS),
  // --- Partitioner ---
  i("timestamp.unit", "timestamp.field values are ISO-8601 strings or epoch milliseconds"),
  // --- Schema ---
  c("schema.compatibility", "schemaless JSON has no schema to evolve", undefined, "NONE"),
];

/** Key families documented by Connect: `transforms.<alias>.*`, `consumer.override.*`, converter sub-keys, ... */
export const CONNECT_KEY_PREFIXES: readonly KeyRow[] = [
  c("transforms.", "Single Message Transforms are Connect's; our sink applies none"),
  c("predicates.", "Connect's; our sink applies none"),
  c("key.converter.", "converter settings are Connect's"),
  c("value.converter.", "converter settings are Connect's; our sink reads schemaless JSON values"),
  c("header.converter.", "converter settings are Connect's"),
  c("consumer.override.", "Connect's per-connector consumer overrides (group.id is honoured)"),
  c("admin.override.", "Connect's per-connector admin overrides"),
  c("producer.override.", "Connect's per-connector producer overrides (DLQ producer)"),
];
