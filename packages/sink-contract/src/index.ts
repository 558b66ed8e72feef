export { AIVEN_S3_SINK_CLASS, layoutOfAivenTemplate } from "./aiven-config";
export { compressionOfKey, contentTypeOf, encodeRecordLines, readRecordLines } from "./body";
export { JSON_FORMAT_CLASS, S3_SINK_CONNECTOR_CLASS, S3_STORAGE_CLASS } from "./connect-keys";
export { type DeadLetterContext, DLQ_HEADERS, deadLetterHeaders, deadLetterOrigin } from "./dlq-headers";
export { keyTableMarkdown } from "./docs";
export { PartitionError, SinkConfigError } from "./errors";
export { SINK_FLAGS, type SinkFlag, settingsFromFlags } from "./flags";
export type { ConnectorKeyStatus, KeyRow } from "./key-row";
export {
  CONFLUENT_S3_SINK_KEY_PREFIXES,
  CONFLUENT_S3_SINK_KEYS,
  type ConnectorKeyInfo,
  connectorKeyInfo,
  KEY_ROWS,
} from "./key-table";
export {
  type Compression,
  DEFAULT_KEY_LAYOUT,
  fileExtension,
  formatObjectKey,
  type KeyLayout,
  type ObjectKeyParts,
  type ParseKeyResult,
  parseObjectKey,
  topicPrefix,
  topicsDirPrefix,
} from "./keys";
export {
  type ConnectorConfigInput,
  defined,
  type LoadedConnectorConfig,
  loadConnectorConfig,
  sinkSettingsFromEnv,
} from "./load";
export {
  createPartitioner,
  type Partitioner,
  type PartitionerOptions,
  type PartitionInput,
} from "./partitioner";
export { type PartitionerFlags, partitionerFromFlags } from "./partitioner-settings";
export { recordTimeMs } from "./record-time";
export { SinkSettingsSchema } from "./schema";
export {
  DEFAULT_SINK_SETTINGS,
  DEFAULT_TIME_PARTITIONER,
  defaultSinkSettings,
  type ErrorsTolerance,
  keyLayoutOf,
  type NullValueBehavior,
  type PartitionerSettings,
  type SinkSettings,
  type TimestampExtractor,
} from "./settings";
export { endpointOrAws, isBucketName, isStoreUrl } from "./store";
export { validateSinkSettings } from "./validate";
export { toConnectorConfig } from "./write-back";
