// Only what the sink, the verifier, infra, the demo and @weblog/s3 use; tests import the modules themselves.
export { AIVEN_S3_SINK_CLASS } from "./aiven-config";
export {
  ASSUME_ROLE_CLASS,
  CANNED_ACLS,
  type CannedAcl,
  CONFLUENT_TAG_KEYS,
  type CredentialsProviderKind,
  DEFAULT_CHAIN_CLASS,
  type SseAlgorithm,
} from "./aws-values";
export { compressionOfKey, contentTypeOf, encodeRecordLines, readRecordLines } from "./body";
export { REDACTED } from "./codecs";
export { type HeaderValue, headersLine, keyLine } from "./companions";
export { deadLetterHeaders, deadLetterOrigin } from "./dlq-headers";
export { SinkConfigError } from "./errors";
export { SINK_FLAGS, type SinkFlag, settingsFromFlags, sinkFlagTableMarkdown } from "./flags";
export { CONFLUENT_S3_SINK_KEYS, connectorKeyInfo } from "./key-table";
export {
  type CompanionView,
  type Compression,
  companionObjectKey,
  DEFAULT_KEY_LAYOUT,
  formatObjectKey,
  type KeyLayout,
  type ObjectKeyParts,
  type ParquetCodec,
  parseCompanionKey,
  parseObjectKey,
  topicPrefix,
  topicsDirPrefix,
} from "./keys";
export {
  defined,
  type LoadConnectorOptions,
  type LoadedConnectorConfig,
  loadConnectorConfig,
  noteLevel,
  sinkEnvSources,
  sinkSettingsFromEnv,
} from "./load";
export type { EnvSources } from "./override-notes";
export { createPartitioner, type Partitioner } from "./partitioner";
export { partitionerFromFlags } from "./partitioner-settings";
export { recordTimeMs } from "./record-time";
export {
  DEFAULT_SINK_SETTINGS,
  DEFAULT_TIME_PARTITIONER,
  defaultSinkSettings,
  keyLayoutOf,
  type PartitionerSettings,
  type SinkSettings,
} from "./settings";
export { endpointOrAws, isBucketName, isStoreUrl } from "./store";
export { validateSinkSettings } from "./validate";
export { toConnectorConfig } from "./write-back";
