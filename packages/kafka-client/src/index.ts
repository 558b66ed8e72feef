export {
  checkTopicName,
  countMessages,
  type EnsureTopicOptions,
  type EnsureTopicResult,
  ensureTopic,
  fetchCommittedOffsets,
  fetchWatermarks,
} from "./admin/topics";
export { type CreateKafkaOptions, createKafka, DEFAULT_RETRY, kafkajsLogCreator } from "./client";
export {
  isKafkaClientError,
  KafkaClientError,
  type KafkaClientErrorOptions,
  type KafkaErrorCode,
} from "./errors";
export {
  type ConnectCheckedOptions,
  connectChecked,
  explainKafkaError,
  type KafkaActivity,
  START_FIX,
} from "./explain";
export type { KafkaLogger } from "./logger";
export {
  type BatchingProducer,
  type BatchingProducerOptions,
  createBatchingProducer,
  DEFAULT_SEND_RETRY,
  type OutgoingMessage,
  type ProducerStats,
} from "./producer/batching-producer";
export {
  COMPRESSIONS,
  type CompressionName,
  compressionAvailable,
  compressionType,
} from "./producer/compression";
export {
  checkBrokerAddress,
  DEFAULT_BROKERS,
  DEFAULT_CLIENT_ID,
  describeSettings,
  type KafkaFlags,
  type KafkaSettings,
  loadKafkaSettings,
  SASL_MECHANISMS,
  type SaslMechanism,
} from "./settings";
