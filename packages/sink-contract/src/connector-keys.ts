/**
 * The keys our sink honours: one row each, carrying the settings field, the codec, our default (and where it comes
 * from), the write-back rule and the consumer's CLI flag. Everything else about these keys is derived (key-row.ts).
 * Kafka Connect / Confluent keys our sink does not read are in connect-keys.ts.
 */
import {
  ASSUME_ROLE_CLASS,
  CANNED_ACLS,
  type CredentialsProviderKind,
  DEFAULT_CHAIN_CLASS,
  SSE_ALGORITHMS,
} from "./aws-values";
import {
  bool,
  bytesOrOff,
  type Codec,
  int,
  intervalMs,
  list,
  locale,
  oneOf,
  SSE_C_KEY,
  secret,
  text,
  wholeNameRegex,
} from "./codecs";
import { JSON_FORMAT_CLASS, PARQUET_FORMAT_CLASS } from "./connect-keys";
import { badConfig } from "./errors";
import type { KeyRow } from "./key-row";
import { BUCKET_NAME, BUCKET_NAME_HINT, STORE_URL, STORE_URL_HINT, TOPIC_NAME } from "./store";

export const PARTITIONER_PACKAGE = "io.confluent.connect.storage.partitioner.";
/** `partitioner.class` short names and the settings kind each gives. */
export const PARTITIONER_CLASSES = {
  DefaultPartitioner: "default",
  FieldPartitioner: "field",
  TimeBasedPartitioner: "time",
  HourlyPartitioner: "time",
  DailyPartitioner: "time",
} as const;

const h = (row: Omit<KeyRow, "status">): KeyRow => ({ status: "honoured", write: "always", ...row });

const topicList = list(
  TOPIC_NAME,
  "is not a valid Kafka topic name (letters, digits, '.', '_', '-')",
  "give one or more topic names, comma separated (e.g. weblogs)",
);
const fieldList = list(
  /^\S+$/,
  "is not a field name",
  "required with FieldPartitioner (e.g. status_code or method,status_code)",
);
const pathFormat = text({
  nonEmpty: true,
  emptyHint: "required with TimeBasedPartitioner, e.g. 'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH",
});

/**
 * `format.class`: Confluent's class names in a connector file, `json` / `parquet` from the `--format` flag; the
 * settings hold the short name, write-back the class.
 */
const FORMAT_CLASSES = {
  json: JSON_FORMAT_CLASS,
  parquet: PARQUET_FORMAT_CLASS,
  iceberg: "iceberg",
} as const;
const formatChoice = oneOf(["json", "parquet", "iceberg"]);
/** `iceberg` (ours: no Confluent format class) writes an Apache Iceberg table instead of objects (the iceberg.* keys). */
const formatClass: Codec<"json" | "parquet" | "iceberg"> = {
  ...formatChoice,
  parse(key, t) {
    if (t === JSON_FORMAT_CLASS || t === "json") return "json";
    if (t === PARQUET_FORMAT_CLASS || t === "parquet") return "parquet";
    if (t === "iceberg") return "iceberg";
    throw badConfig(
      key,
      `${key}='${t}' is not supported by our sink: use ${JSON_FORMAT_CLASS}, ${PARQUET_FORMAT_CLASS} or iceberg`,
    );
  },
  format: (v) => FORMAT_CLASSES[v],
  explain: (key, v) =>
    `${key}=${String(v)} must be json, parquet or iceberg (${JSON_FORMAT_CLASS}, ${PARQUET_FORMAT_CLASS} or iceberg)`,
};

/** `iceberg.tables`: one table, `namespace.table` (Apache's sink takes a list; ours writes one table). */
const icebergTable = text({
  pattern: /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$/,
  invalid: "is not namespace.table (letters, digits, _; e.g. weblog.logs)",
});
const catalogUriText = text({ pattern: /^https?:\/\/[^\s/@]+(:\d+)?(\/\S*)?$/ });
/** The REST catalog's URL; a bad value is echoed without its user info (it may hold a secret). */
const catalogUri: Codec<string> = {
  ...catalogUriText,
  explain: (key, v) =>
    `${key}: '${String(v).replace(/\/\/[^/@\s]*@/, "//***@")}' is not an http(s) URL without user info, e.g. http://localhost:8181`,
};

/** `s3.credentials.provider.class`: Confluent's two class names (short names too); settings hold the kind. */
const PROVIDER_CLASSES = { default: DEFAULT_CHAIN_CLASS, "assume-role": ASSUME_ROLE_CLASS } as const;
const providerChoice = oneOf<CredentialsProviderKind>(["default", "assume-role"]);
const providerClass: Codec<CredentialsProviderKind> = {
  ...providerChoice,
  parse(key, t) {
    if (t === DEFAULT_CHAIN_CLASS || t === "default" || t === "") return "default";
    if (t === ASSUME_ROLE_CLASS || t === "assume-role") return "assume-role";
    throw badConfig(
      key,
      `${key}='${t}' is not supported by our sink: use ${DEFAULT_CHAIN_CLASS} (the AWS SDK chain) or ${ASSUME_ROLE_CLASS} (with s3.credentials.provider.sts.role.arn)`,
    );
  },
  format: (v) => PROVIDER_CLASSES[v],
  explain: (key, v) =>
    `${key}=${String(v)} must be default or assume-role (${DEFAULT_CHAIN_CLASS} or ${ASSUME_ROLE_CLASS})`,
};
const tagPairs = list(
  /^[^:,]+:[^,]*$/,
  "is not a key:value pair",
  "give key:value pairs, comma separated (e.g. team:web,env:prod)",
);
const keyNames = list(
  /^[A-Za-z0-9._-]+$/,
  "is not a connector key",
  "give the keys to run without, comma separated",
);
const optionalText = (emptyHint: string) => text({ nonEmpty: true, emptyHint });

/**
 * `keys.format.class` / `headers.format.class`: the companion objects' format. Confluent accepts Avro, ByteArray,
 * Json and Parquet (default Avro); our sink writes JsonFormat only (Confluent's JSON layout of a key or a header
 * list, companions.ts), so any other class is refused with one line naming the key.
 */
const companionFormat: Codec<"json"> = {
  ...oneOf(["json"]),
  parse(key, t) {
    if (t === JSON_FORMAT_CLASS || t === "json") return "json";
    throw badConfig(
      key,
      `${key}='${t}' is not written by our sink: use ${JSON_FORMAT_CLASS} (companion objects in JSON lines)`,
    );
  },
  format: () => JSON_FORMAT_CLASS,
  explain: (key, v) => `${key}=${String(v)} must be json (${JSON_FORMAT_CLASS})`,
};

/** One row per line (a table: read across). `write: "never"` rows are written by the partitioner's write-back. */
// biome-ignore format: the key table, one row per line
export const HONOURED_KEYS: readonly KeyRow[] = [
  h({ key: "topics", note: "topics (comma separated)", field: "topics", codec: topicList, default: ["weblogs"], origin: "ours: the shared topic; Connect has no default (topics or topics.regex is required)", connectDefault: "required", flag: { name: "topics", arg: "<list>", help: "comma separated" } }),
  h({ key: "topics.regex", note: "topicsRegex: every topic whose whole name matches (Connect's Pattern.matches; internal __ topics never), in place of topics; a new matching topic is picked up within consumer.override.metadata.max.age.ms", field: "topicsRegex", codec: wholeNameRegex, origin: "Connect: unset (topics or topics.regex, not both)", absentIsUnset: true, emptyIsUnset: true, write: "if-set" }),
  h({ key: "consumer.override.metadata.max.age.ms", note: "metadataMaxAgeMs: how often topics.regex looks for new matching topics", field: "metadataMaxAgeMs", codec: int(1000), default: 300_000, origin: "the Kafka consumer's metadata.max.age.ms default: 300000 (5 min)", write: "if-not-default" }),
  h({ key: "s3.bucket.name", note: "bucket", field: "bucket", codec: text({ pattern: BUCKET_NAME, invalid: BUCKET_NAME_HINT }), default: "weblogs", origin: "ours: the compose stack's bucket; required in Confluent", connectDefault: "required", flag: { name: "bucket", arg: "<name>" }, env: ["S3_BUCKET"] }),
  h({ key: "s3.region", note: "region", field: "region", codec: text({ nonEmpty: true, emptyHint: "e.g. us-east-1" }), default: "us-east-1", origin: "ours: MinIO's default region; Confluent defaults to us-west-2", connectDefault: "us-west-2", flag: { name: "region", arg: "<region>" }, env: ["S3_REGION", "AWS_REGION"] }),
  h({ key: "store.url", note: "storeUrl: custom S3 endpoint (MinIO); absent = AWS S3", field: "storeUrl", codec: text({ pattern: STORE_URL, invalid: STORE_URL_HINT }), default: "http://localhost:9000", origin: "ours: MinIO from docker compose up; absent from a connector file means AWS S3, as in Connect", absentIsUnset: true, emptyIsUnset: true, write: "if-set", flag: { name: "store-url", arg: "<url>", help: "custom S3 endpoint" }, env: ["S3_ENDPOINT"] }),
  h({ key: "s3.path.style.access.enabled", note: "pathStyle", field: "pathStyle", codec: bool, default: true, origin: "Confluent: true; needed by MinIO and S3Proxy", flag: { name: "path-style", arg: "<bool>" } }),
  h({ key: "flush.size", note: "flushSize: records per object at most", field: "flushSize", codec: int(1), default: 10, origin: "ours: the seed's upload when 10 have piled up; required in Confluent", connectDefault: "required", flag: { name: "flush-size", arg: "<n>", help: "records per object" } }),
  h({ key: "rotate.interval.ms", note: "rotateIntervalMs: record-time rotation (-1 = off)", field: "rotateIntervalMs", codec: intervalMs, default: -1, origin: "Confluent: -1 (off)", flag: { name: "rotate-interval-ms", arg: "<ms>", help: "record-time rotation, -1 off" } }),
  h({ key: "rotate.schedule.interval.ms", note: "rotateScheduleIntervalMs: wall-clock rotation, idle partitions too (-1 = off)", field: "rotateScheduleIntervalMs", codec: intervalMs, default: 10_000, origin: "ours: 10 s, so slow traffic still lands; Confluent: -1 (off)", connectDefault: "-1, off", flag: { name: "rotate-schedule-interval-ms", arg: "<ms>", help: "wall-clock rotation, idle partitions too, -1 off" } }),
  h({ key: "timezone", note: "timezone: wall-clock rotation and TimeBasedPartitioner", field: "timezone", codec: text({ nonEmpty: true, emptyHint: "an IANA time zone, e.g. UTC" }), default: "UTC", origin: "ours: UTC; Confluent has none but requires one with rotate.schedule.interval.ms", emptyIsUnset: true, flag: { name: "timezone", arg: "<zone>", help: "IANA" } }),
  h({ key: "topics.dir", note: "topicsDir", field: "topicsDir", codec: text(), default: "topics", origin: "Confluent: topics", flag: { name: "topics-dir", arg: "<dir>" } }),
  h({ key: "directory.delim", note: "directoryDelim", field: "directoryDelim", codec: text({ nonEmpty: true, emptyHint: "the usual value is /" }), default: "/", origin: "Confluent: /" }),
  h({ key: "file.delim", note: "fileDelim", field: "fileDelim", codec: text({ nonEmpty: true, emptyHint: "the usual value is +" }), default: "+", origin: "Confluent: +" }),
  h({ key: "filename.offset.zero.pad.width", note: "offsetPadWidth", field: "offsetPadWidth", codec: int(0, 30), default: 10, origin: "Confluent: 10" }),
  h({ key: "s3.part.size", note: "partSize: an object whose encoded body is larger is uploaded in parts of this many bytes (multipart upload; S3's minimum part is 5 MiB)", field: "partSize", codec: int(5 * 1024 * 1024, 2_147_483_647), default: 25 * 1024 * 1024, origin: "Confluent: 26214400 (25 MiB), at least 5242880", flag: { name: "s3-part-size", arg: "<bytes>", help: "multipart upload above this body size, parts of this size (min 5 MiB)" } }),
  h({ key: "s3.compression.type", note: "compression: none | gzip", field: "compression", codec: oneOf(["none", "gzip"]), default: "none", origin: "Confluent: none", flag: { name: "compression", arg: "<type>" } }),
  h({ key: "format.class", note: "format: JsonFormat (JSON lines) | ParquetFormat (typed Parquet, no schema registry) | iceberg (an Apache Iceberg table, ours)", field: "format", codec: formatClass, default: "json", origin: "ours: JsonFormat, as the shared connector JSON names it (Connect requires the key)", connectDefault: "required", flag: { name: "format", arg: "<format>", help: "json (JsonFormat), parquet (ParquetFormat) or iceberg (a table)" } }),
  h({ key: "parquet.codec", note: "parquetCodec: snappy | gzip | zstd | none (ParquetFormat only)", field: "parquetCodec", codec: oneOf(["snappy", "gzip", "zstd", "none"]), default: "snappy", origin: "Confluent: snappy", flag: { name: "parquet-codec", arg: "<codec>", help: "for --format parquet" } }),
  h({ key: "partitioner.class", note: "partitioner: DefaultPartitioner | FieldPartitioner | TimeBasedPartitioner | HourlyPartitioner | DailyPartitioner", field: "partitioner", default: { kind: "default" }, origin: "Confluent: DefaultPartitioner", write: "never",  flag: { name: "partitioner", arg: "<kind>", help: "default (partition=<p>), field, time", values: ["default", "field", "time"] } }),
  h({ key: "partition.field.name", note: "partitioner.fields (FieldPartitioner)", field: { partitioner: "field", field: "fields" }, codec: fieldList, write: "never", flag: { name: "partition-field", arg: "<list>", help: "for --partitioner field, e.g. status_code" } }),
  h({ key: "path.format", note: "partitioner.pathFormat (TimeBasedPartitioner)", field: { partitioner: "time", field: "pathFormat" }, codec: pathFormat, default: "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH", write: "never", flag: { name: "path-format", arg: "<fmt>", help: "for --partitioner time" } }),
  h({ key: "partition.duration.ms", note: "partitioner.partitionDurationMs (TimeBasedPartitioner)", field: { partitioner: "time", field: "partitionDurationMs" }, codec: int(1), default: 3_600_000, write: "never", flag: { name: "partition-duration-ms", arg: "<ms>", help: "for --partitioner time" } }),
  h({ key: "locale", note: "partitioner.locale (TimeBasedPartitioner)", field: { partitioner: "time", field: "locale" }, codec: locale, default: "en-US", emptyIsUnset: true, write: "never" }),
  h({ key: "timestamp.extractor", note: "partitioner.timestampExtractor: Record | RecordField | Wallclock", field: { partitioner: "time", field: "timestampExtractor" }, codec: oneOf(["Record", "RecordField", "Wallclock"]), default: "Wallclock", write: "never", flag: { name: "timestamp-extractor", arg: "<kind>" } }),
  h({ key: "timestamp.field", note: "partitioner.timestampField (RecordField; nested with dots)", field: { partitioner: "time", field: "timestampField" }, codec: text(),  default: "timestamp", emptyIsUnset: true, write: "never", flag: { name: "timestamp-field", arg: "<field>", help: "for RecordField" } }),
  h({ key: "behavior.on.null.values", note: "behaviorOnNullValues: fail | ignore | write (tombstones)", field: "behaviorOnNullValues", codec: oneOf(["fail", "ignore", "write"], { caseless: true }), default: "fail", origin: "Confluent: fail", flag: { name: "behavior-on-null-values", arg: "<b>", help: "for tombstones" } }),
  h({ key: "errors.tolerance", note: "errorsTolerance: none (stop on a bad record) | all (bad records to the DLQ)", field: "errorsTolerance", codec: oneOf(["none", "all"], { caseless: true }), default: "none", origin: "Kafka Connect: none", flag: { name: "errors-tolerance", arg: "<mode>", help: "none stops on a bad record, all sends it to the DLQ" } }),
  h({ key: "errors.deadletterqueue.topic.name", note: "dlqTopic", field: "dlqTopic", codec: text(), default: "weblogs-dlq", origin: "ours: the shared DLQ topic, used only with errors.tolerance=all; Connect: unset (no DLQ)", emptyIsUnset: true, write: "if-set", flag: { name: "dlq-topic", arg: "<name>" } }),
  h({ key: "consumer.override.group.id", note: "groupId (Connect needs connector.client.config.override.policy=All)", field: "groupId", codec: text({ nonEmpty: true, emptyHint: "e.g. weblog-s3-sink" }), default: "weblog-s3-sink", origin: "ours: weblog-s3-sink; Connect would use connect-<connector name>", emptyIsUnset: true, write: "if-not-default", flag: { name: "group", arg: "<id>", help: "consumer group; for --print a fresh console group" } }),
  h({ key: "weblog.buffer.max.bytes", note: "bufferMaxBytes: our sink's total buffer before it stops fetching", field: "bufferMaxBytes", codec: int(1), default: 64 * 1024 * 1024, origin: "ours only (Connect ignores unknown keys with a warning): 64 MiB across all partitions", write: "if-not-default", flag: { name: "buffer-max-bytes", arg: "<n>", help: "cap on buffered record bytes across partitions", min: 1024 } }),
  h({ key: "weblog.upload.max.in.flight.per.partition", note: "uploadMaxInFlightPerPartition: objects of one partition uploaded at once under one planned commit", field: "uploadMaxInFlightPerPartition", codec: int(1), default: 8, origin: "ours only: 8 (measured in the consumer bench, flush.size 10 at 25 ms S3); 1 = the strict upload-commit-upload order", write: "if-not-default", flag: { name: "upload-max-in-flight-per-partition", arg: "<n>", help: "objects of one partition uploaded at once (1 = strict order)" } }),
  h({ key: "weblog.upload.max.in.flight", note: "uploadMaxInFlight: PutObjects in flight over all partitions", field: "uploadMaxInFlight", codec: int(1), default: 16, origin: "ours only: 16 PutObjects over all partitions (measured likewise)", write: "if-not-default", flag: { name: "upload-max-in-flight", arg: "<n>", help: "PutObjects in flight over all partitions" } }),
  h({ key: "weblog.upload.parts.max.in.flight", note: "uploadPartsMaxInFlight: UploadParts of one multipart object in flight at once (memory per big object: this many parts + 1)", field: "uploadPartsMaxInFlight", codec: int(1, 10_000), default: 2, origin: "ours only: 2 (measured in the consumer's big-objects bench, 64 MiB objects at 25 ms S3)", write: "if-not-default", flag: { name: "upload-parts-max-in-flight", arg: "<n>", help: "UploadParts of one big object in flight at once" } }),
  h({ key: "store.kafka.keys", note: "storeKafkaKeys: write each object's record keys beside it as <object>.keys.json[.gz] (one JSON line per record, Confluent's layout); a record without a key is a bad record (DLQ with errors.tolerance=all, else the sink stops), as in Confluent", field: "storeKafkaKeys", codec: bool, default: false, origin: "Confluent: false", write: "if-not-default" }),
  h({ key: "store.kafka.headers", note: "storeKafkaHeaders: write each object's record headers beside it as <object>.headers.json[.gz] ({\"headers\":[{\"key\":..,\"value\":..}]} per record); a record without headers is a bad record, as in Confluent", field: "storeKafkaHeaders", codec: bool, default: false, origin: "Confluent: false", write: "if-not-default" }),
  h({ key: "keys.format.class", note: "keysFormat: the keys companion's format, JsonFormat only (required with store.kafka.keys=true, since Confluent's default is AvroFormat)", field: "keysFormat", codec: companionFormat, origin: "Confluent: io.confluent.connect.s3.format.avro.AvroFormat (not written by our sink)", absentIsUnset: true, emptyIsUnset: true, write: "if-set" }),
  h({ key: "headers.format.class", note: "headersFormat: the headers companion's format, JsonFormat only (required with store.kafka.headers=true, since Confluent's default is AvroFormat)", field: "headersFormat", codec: companionFormat, origin: "Confluent: io.confluent.connect.s3.format.avro.AvroFormat (not written by our sink)", absentIsUnset: true, emptyIsUnset: true, write: "if-set" }),
  h({ key: "s3.ssea.name", note: "sseAlgorithm: server-side encryption of every object (PutObject, CreateMultipartUpload): AES256 (SSE-S3; SSE-C with s3.sse.customer.key) | aws:kms (SSE-KMS)", field: "sseAlgorithm", codec: oneOf(SSE_ALGORITHMS), origin: "Confluent: '' (none: the bucket's default encryption)", absentIsUnset: true, emptyIsUnset: true, write: "if-set" }),
  h({ key: "s3.sse.kms.key.id", note: "sseKmsKeyId: the KMS key (id, ARN or alias) for s3.ssea.name=aws:kms", field: "sseKmsKeyId", codec: optionalText("a KMS key id, ARN or alias, or remove the key (the AWS-managed key)"), origin: "Confluent: '' (the account's aws/s3 key)", absentIsUnset: true, emptyIsUnset: true, write: "if-set" }),
  h({ key: "s3.sse.customer.key", note: "sseCustomerKey (secret, never shown): SSE-C key (base64, 256 bits) with s3.ssea.name=AES256, sent on PutObject, CreateMultipartUpload, every UploadPart and CompleteMultipartUpload; readers need it too", field: "sseCustomerKey", codec: secret(SSE_C_KEY), origin: "Confluent: unset", absentIsUnset: true, emptyIsUnset: true, write: "if-set", secret: true }),
  h({ key: "s3.acl.canned", note: `cannedAcl: x-amz-acl on every object: ${CANNED_ACLS.join(" | ")}`, field: "cannedAcl", codec: oneOf(CANNED_ACLS), origin: "Confluent: unset (the bucket's default)", absentIsUnset: true, emptyIsUnset: true, write: "if-set" }),
  h({ key: "s3.object.tagging", note: "objectTagging: tag every object with Confluent's startOffset, endOffset (its last record's offset) and recordCount, sent with the PutObject / CreateMultipartUpload (x-amz-tagging)", field: "objectTagging", codec: bool, default: false, origin: "Confluent: false" }),
  h({ key: "s3.object.tagging.key.value.pairs", note: "objectTaggingPairs: extra tags, key:value items (with s3.object.tagging=true)", field: "objectTaggingPairs", codec: tagPairs, origin: "Confluent: '' (none)", absentIsUnset: true, emptyIsUnset: true, write: "if-set" }),
  h({ key: "aws.access.key.id", note: "awsAccessKeyId (secret, never shown): static credentials with aws.secret.access.key (absent: the AWS SDK chain)", field: "awsAccessKeyId", codec: secret(), origin: "Confluent: ''", absentIsUnset: true, emptyIsUnset: true, write: "if-set", secret: true }),
  h({ key: "aws.secret.access.key", note: "awsSecretAccessKey (secret, never shown)", field: "awsSecretAccessKey", codec: secret(), origin: "Confluent: unset", absentIsUnset: true, emptyIsUnset: true, write: "if-set", secret: true }),
  h({ key: "s3.credentials.provider.class", note: "credentialsProvider: default (the AWS SDK chain: env, profile, SSO, IMDS, ...) | assume-role (STS AssumeRole from the chain or the static keys, AWS SDK fromTemporaryCredentials)", field: "credentialsProvider", codec: providerClass, default: "default", origin: `Confluent: ${DEFAULT_CHAIN_CLASS}` }),
  h({ key: "s3.credentials.provider.sts.role.arn", note: "stsRoleArn: the role to assume (assume-role)", field: "stsRoleArn", codec: optionalText("the role's ARN, e.g. arn:aws:iam::123456789012:role/weblog-sink"), absentIsUnset: true, emptyIsUnset: true, write: "if-set" }),
  h({ key: "s3.credentials.provider.sts.role.session.name", note: "stsRoleSessionName (assume-role)", field: "stsRoleSessionName", codec: optionalText("e.g. weblog-sink"), origin: "ours: weblog-s3-sink when unset (Confluent requires it)", absentIsUnset: true, emptyIsUnset: true, write: "if-set" }),
  h({ key: "s3.credentials.provider.sts.role.external.id", note: "stsRoleExternalId (assume-role)", field: "stsRoleExternalId", codec: optionalText("the external id the role's trust policy requires, or remove the key"), absentIsUnset: true, emptyIsUnset: true, write: "if-set" }),
  h({ key: "weblog.ignore.keys", note: "ignoreKeys: Confluent keys we do not honour that would change what lands in S3, to run without anyway (a note each instead of a refusal)", field: "ignoreKeys", codec: keyNames, origin: "ours only: none (such keys are refused at start, exit 2)", absentIsUnset: true, emptyIsUnset: true, write: "if-set" }),
  h({ key: "weblog.flush.size.bytes", note: "flushSizeBytes: also cut an object before a record that would take its lines past this many bytes (-1 = off)", field: "flushSizeBytes", codec: bytesOrOff, default: -1, origin: "ours only: off; Confluent's S3 sink has no byte limit", write: "if-not-default", flag: { name: "flush-size-bytes", arg: "<n>", help: "also cut an object at this many bytes of record lines, -1 off" } }),
  h({ key: "iceberg.tables", note: "icebergTable: the table written with format iceberg, namespace.table (created on first use)", field: "icebergTable", codec: icebergTable, default: "weblog.logs", origin: "ours: weblog.logs; Apache's Iceberg sink: required, a list", write: "if-not-default", flag: { name: "iceberg-table", arg: "<ns.table>", help: "for --format iceberg" } }),
  h({ key: "iceberg.catalog.uri", note: "icebergCatalogUri: the Iceberg REST catalog (format iceberg)", field: "icebergCatalogUri", codec: catalogUri, default: "http://localhost:8181", origin: "ours: the REST catalog's default port; Apache's sink: required with a REST catalog", write: "if-not-default", flag: { name: "iceberg-catalog-uri", arg: "<url>", help: "Iceberg REST catalog, for --format iceberg" }, env: ["ICEBERG_CATALOG_URI"] }),
  h({ key: "iceberg.catalog.token", note: "icebergCatalogToken (secret, never shown): a bearer token sent to the REST catalog (Authorization: Bearer)", field: "icebergCatalogToken", codec: secret(), origin: "Apache's Iceberg sink: unset (no auth)", absentIsUnset: true, emptyIsUnset: true, write: "if-set", secret: true }),
  h({ key: "iceberg.catalog.credential", note: "icebergCatalogCredential (secret, never shown): OAuth2 client credentials, client_id:client_secret (or a bare secret), exchanged at iceberg.catalog.oauth2-server-uri for a bearer token (client_credentials grant), renewed before it expires and after a 401", field: "icebergCatalogCredential", codec: secret(), origin: "Apache's Iceberg sink: unset (no auth)", absentIsUnset: true, emptyIsUnset: true, write: "if-set", secret: true }),
  h({ key: "iceberg.catalog.oauth2-server-uri", note: "icebergOauth2ServerUri: the OAuth2 token endpoint for iceberg.catalog.credential", field: "icebergOauth2ServerUri", codec: catalogUri, origin: "Apache's Iceberg sink: <iceberg.catalog.uri>/v1/oauth/tokens", absentIsUnset: true, emptyIsUnset: true, write: "if-set" }),
  h({ key: "iceberg.catalog.scope", note: "icebergCatalogScope: the OAuth2 scope asked for with iceberg.catalog.credential", field: "icebergCatalogScope", codec: text({ nonEmpty: true, emptyHint: "e.g. catalog" }), origin: "Apache's Iceberg sink: catalog", absentIsUnset: true, emptyIsUnset: true, write: "if-set" }),
  h({ key: "iceberg.control.commit.interval-ms", note: "icebergCommitIntervalMs: at least this long between two table snapshots (0: the next one as soon as the previous is in); the files of every partition uploaded meanwhile go in one, and a set's partition waits for its snapshot", field: "icebergCommitIntervalMs", codec: int(0), default: 0, origin: "ours: 0, since a set's partition waits for its snapshot (consumer README, bench); Apache's Iceberg sink: 300000 (5 min)", write: "if-not-default", flag: { name: "iceberg-commit-interval-ms", arg: "<ms>", help: "min time between table snapshots, 0 = back to back" } }),
  h({ key: "iceberg.tables.default-partition-by", note: "icebergPartitionBy: a new table's partition spec: day(timestamp) | hour(timestamp) | none", field: "icebergPartitionBy", codec: oneOf(["day(timestamp)", "hour(timestamp)", "none"]), default: "day(timestamp)", origin: "ours: by day of the record time; Apache's sink: unpartitioned", write: "if-not-default", flag: { name: "iceberg-partition-by", arg: "<spec>", help: "day(timestamp), hour(timestamp) or none" } }),
];
