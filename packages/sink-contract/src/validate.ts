/**
 * `validateSinkSettings`: a whole `SinkSettings` (from a file, flags or code) checked against the compiled schema,
 * then the rules no schema can say (a real IANA time zone, a supported path.format, keys that require each other).
 * Never mutates its input: returns a copy with the time zone in its canonical spelling.
 */
import type { ValueError } from "@sinclair/typebox/errors";
import { badConfig, type SinkConfigError } from "./errors";
import { keyOfField, partitionerRows, topLevelRows } from "./key-table";
import { checkTimezone, compilePathFormat } from "./path-format";
import { partitionerCheckers, settingsChecker } from "./schema";
import type { PartitionerSettings, SinkSettings } from "./settings";

/** The first schema failure as one line naming the key. */
function explain(error: ValueError, settings: SinkSettings): SinkConfigError {
  const field = error.path.split("/")[1];
  if (field === "partitioner") {
    const p = settings.partitioner as PartitionerSettings | undefined;
    const kind = p?.kind;
    if (kind !== "default" && kind !== "field" && kind !== "time") {
      return badConfig(
        "partitioner.class",
        "partitioner.class: the partitioner kind must be default, field or time",
      );
    }
    const first = partitionerCheckers[kind].Errors(p).First();
    const name = first?.path.split("/")[1];
    const rows = kind === "default" ? [] : partitionerRows(kind);
    const row = rows.find((r) => (r.field as { field: string }).field === name);
    if (row?.codec) return badConfig(row.key, row.codec.explain(row.key, first?.value));
    return badConfig(
      "partitioner.class",
      `partitioner.class: the ${kind} partitioner's settings are wrong: ${first?.message ?? error.message} at ${first?.path ?? "/"}`,
    );
  }
  const row = topLevelRows().find((r) => r.field === field);
  if (row?.codec)
    return badConfig(
      row.key,
      row.codec.explain(row.key, (settings as unknown as Record<string, unknown>)[row.field]),
    );
  const key = field === undefined ? "config" : keyOfField(field);
  return badConfig(key, `${key}: ${error.message}`);
}

/** Checks a whole `SinkSettings`; throws SinkConfigError (one line naming the key). Returns a canonical copy. */
export function validateSinkSettings(s: SinkSettings): SinkSettings {
  if (!settingsChecker.Check(s)) {
    const first = settingsChecker.Errors(s).First();
    throw first ? explain(first, s) : badConfig("config", "settings: not a valid sink configuration");
  }
  const out: SinkSettings = structuredClone(s);
  out.timezone = checkTimezone(s.timezone, "timezone");
  const p = out.partitioner;
  if (p.kind === "time") {
    compilePathFormat(p.pathFormat);
    if (p.timestampExtractor === "RecordField" && p.timestampField.trim() === "") {
      throw badConfig(
        "timestamp.field",
        "timestamp.field: required with timestamp.extractor=RecordField (e.g. timestamp)",
      );
    }
  }
  if (s.errorsTolerance === "all" && !s.dlqTopic) {
    throw badConfig(
      "errors.deadletterqueue.topic.name",
      "errors.deadletterqueue.topic.name: required with errors.tolerance=all",
    );
  }
  checkAwsKeys(out);
  checkCompanions(out);
  return out;
}

/**
 * store.kafka.keys / store.kafka.headers: the companion's format must be named (Confluent's default, AvroFormat, is
 * not written by our sink, so running without the key would write something Connect would not), and a table has no
 * companion objects.
 */
function checkCompanions(s: SinkSettings): void {
  const views = [
    ["store.kafka.keys", "keys.format.class", s.storeKafkaKeys, s.keysFormat],
    ["store.kafka.headers", "headers.format.class", s.storeKafkaHeaders, s.headersFormat],
  ] as const;
  for (const [on, formatKey, enabled, format] of views) {
    if (!enabled) continue;
    if (s.format === "iceberg") {
      throw badConfig(
        on,
        `${on}=true: an Iceberg table has no companion objects; use format.class JsonFormat or ParquetFormat, or remove the key`,
      );
    }
    if (format === undefined) {
      throw badConfig(
        formatKey,
        `${formatKey}: required with ${on}=true (Confluent's default, AvroFormat, is not written by our sink); set ${formatKey}=io.confluent.connect.s3.format.json.JsonFormat`,
      );
    }
  }
}

/**
 * The S3 request keys that need each other, refused where Confluent would silently drop one: a KMS key id without
 * aws:kms, an SSE-C key without AES256, half a static key pair, assume-role without its role, STS keys without it.
 */
function checkAwsKeys(s: SinkSettings): void {
  if (s.sseKmsKeyId !== undefined && s.sseAlgorithm !== "aws:kms") {
    throw badConfig(
      "s3.sse.kms.key.id",
      "s3.sse.kms.key.id: set, but s3.ssea.name is not aws:kms; set s3.ssea.name=aws:kms or remove the key id",
    );
  }
  if (s.sseCustomerKey !== undefined && s.sseAlgorithm !== "AES256") {
    throw badConfig(
      "s3.sse.customer.key",
      "s3.sse.customer.key: set, but s3.ssea.name is not AES256 (Confluent uses SSE-C only with AES256); set s3.ssea.name=AES256 or remove the key",
    );
  }
  if ((s.awsAccessKeyId === undefined) !== (s.awsSecretAccessKey === undefined)) {
    const missing = s.awsAccessKeyId === undefined ? "aws.access.key.id" : "aws.secret.access.key";
    throw badConfig(missing, `${missing}: required with the other half of the key pair (or remove both)`);
  }
  if (s.objectTaggingPairs !== undefined && !s.objectTagging) {
    throw badConfig(
      "s3.object.tagging.key.value.pairs",
      "s3.object.tagging.key.value.pairs: set, but s3.object.tagging is false; set s3.object.tagging=true or remove the pairs",
    );
  }
  if (s.objectTaggingPairs !== undefined && s.objectTaggingPairs.length > 7) {
    throw badConfig(
      "s3.object.tagging.key.value.pairs",
      `s3.object.tagging.key.value.pairs: ${s.objectTaggingPairs.length} pairs; S3 keeps at most 10 tags per object and Confluent's 3 come first, so give at most 7`,
    );
  }
  if (s.credentialsProvider === "assume-role" && s.stsRoleArn === undefined) {
    throw badConfig(
      "s3.credentials.provider.sts.role.arn",
      "s3.credentials.provider.sts.role.arn: required with s3.credentials.provider.class=AwsAssumeRoleCredentialsProvider",
    );
  }
  if (s.credentialsProvider !== "assume-role") {
    const sts = [
      ["s3.credentials.provider.sts.role.arn", s.stsRoleArn],
      ["s3.credentials.provider.sts.role.session.name", s.stsRoleSessionName],
      ["s3.credentials.provider.sts.role.external.id", s.stsRoleExternalId],
    ].find(([, v]) => v !== undefined);
    if (sts) {
      throw badConfig(
        sts[0] as string,
        `${sts[0]}: set, but s3.credentials.provider.class is not io.confluent.connect.s3.auth.AwsAssumeRoleCredentialsProvider; set it or remove the key`,
      );
    }
  }
}
