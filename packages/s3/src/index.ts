export { AIVEN_S3_SINK_CLASS, layoutOfAivenTemplate } from "./aiven-config";
export {
  type CredentialSource,
  checkBucket,
  createS3Client,
  credentialSourceFor,
  MINIO_DEV_CREDENTIALS,
  type S3ClientOptions,
  type S3Credentials,
} from "./client";
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
export {
  describeEndpoint,
  explainS3Error,
  PartitionError,
  type S3ErrorCode,
  type S3ErrorContext,
  S3SideError,
} from "./errors";
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
  encodeRecordLines,
  getObjectBody,
  type ListedObject,
  type ListOptions,
  listAllObjects,
  putObjectBody,
  putRecordLines,
  readRecordLines,
  readRecordsFromObject,
} from "./objects";
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
