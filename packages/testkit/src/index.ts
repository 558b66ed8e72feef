export { compareExactlyOnce, type ObjectRecords } from "./checks/exactly-once";
export { waitFor } from "./checks/wait-for";
export { dockerAvailable } from "./docker";
export { TestkitError, type TestkitErrorCode } from "./errors";
export { ICEBERG_VERSION } from "./iceberg/install";
export {
  PYICEBERG_VERSION,
  type PyIcebergRead,
  type PyIcebergReadOptions,
  readTableWithPyIceberg,
} from "./iceberg/pyiceberg";
export {
  type IcebergCatalog,
  type IcebergCatalogOptions,
  startIcebergCatalog,
} from "./iceberg/rest-catalog";
export {
  type KcatMessage,
  type ProduceOptions,
  produceWithKcat,
  type ReadTopicOptions,
  readTopicWithKcat,
} from "./kafka/kcat";
export { brokersFromEnv, type StartKafkaOptions, startKafka } from "./kafka/start-kafka";
export type { KafkaBackend, KafkaHandle } from "./kafka/types";
export { type AivenConnect, type AivenConnectOptions, startAivenConnect } from "./local/aiven-connect";
export { type LocalConnect, type LocalConnectOptions, startLocalConnect } from "./local/connect";
export {
  AIVEN_S3_SINK_CLASS,
  type ConnectorFile,
  localConnectorConfig,
  pluginRoot,
  pluginStatus,
  readConnectorFile,
} from "./local/connect-plugins";
export {
  type ConfigProblem,
  type ConnectorConfig,
  connectorClasses,
  deleteConnector,
  problemLines,
  putConnector,
  validateConnector,
  waitConnectorRunning,
} from "./local/connect-rest";
export {
  ICEBERG_SINK_CLASS,
  type IcebergConnect,
  type IcebergConnectOptions,
  startIcebergConnect,
} from "./local/iceberg-connect";
export { type LocalKafka, type LocalKafkaOptions, startLocalKafka } from "./local/kafka";
export { cacheDir, KAFKA_VERSION } from "./local/paths";
export { uniqueName } from "./names";
export { freePort } from "./ports";
export {
  type CliEnv,
  type CliHandle,
  type CliResult,
  type RunCliOptions,
  runCli,
  type SpawnCliOptions,
  spawnCli,
} from "./process/cli";
export { resolveS3Proxy, S3PROXY_VERSION } from "./s3/install";
export {
  LOCAL_S3_CREDENTIALS,
  type LocalS3Server,
  type LocalS3ServerOptions,
  localS3ServerAlive,
  startLocalS3Server,
} from "./s3/local-server";
export { MOTO_VERSION, resolveMoto } from "./s3/moto-install";
export { startMotoServer } from "./s3/moto-server";
export {
  refuseListMultipartUploads,
  type S3Gateway,
  type S3GatewayOptions,
  type S3Refusal,
  startS3Gateway,
} from "./s3/s3-gateway";
export { type StartS3Options, s3ServerFromEnv, startS3 } from "./s3/start-s3";
export { startTcpProxy, type TcpProxy, type TcpProxyOptions } from "./s3/tcp-proxy";
export type { S3Backend, S3Handle } from "./s3/types";
