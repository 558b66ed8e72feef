export { AIVEN_S3_SINK_CLASS, layoutOfAivenTemplate } from "./aiven-config";
export { compressionOfKey, contentTypeOf, encodeRecordLines, readRecordLines } from "./body";
export {
  CONFLUENT_S3_SINK_KEYS,
  type ConnectorConfigInput,
  type ConnectorKeyInfo,
  type ConnectorKeyStatus,
  connectorKeyInfo,
  type LoadedConnectorConfig,
  loadConnectorConfig,
  sinkSettingsFromEnv,
  toConnectorConfig,
  validateSinkSettings,
} from "./connector-config";
export { PartitionError, SinkConfigError } from "./errors";
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
} from "./keys";
export {
  createPartitioner,
  type Partitioner,
  type PartitionerOptions,
  type PartitionInput,
} from "./partitioner";
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
