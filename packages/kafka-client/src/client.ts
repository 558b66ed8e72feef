import type { Kafka as KafkaClient, KafkaConfig, logCreator, RetryOptions, SASLOptions } from "kafkajs";
import { Kafka, logLevel } from "./kafkajs";
import type { KafkaLogger } from "./logger";
import { noopLogger } from "./logger";
import type { KafkaSettings } from "./settings";

/**
 * kafkajs's default retry (5 retries, up to 30 s each) makes an unreachable broker take ~30 s+ to report. Ours fails a
 * connect within ~5 s (retries 100..1600 ms) while still riding out a broker restart of a few seconds. Producers
 * get a longer retry for sends (see createBatchingProducer).
 */
export const DEFAULT_RETRY: RetryOptions = {
  retries: 5,
  initialRetryTime: 100,
  maxRetryTime: 2000,
  factor: 0.2,
};

/** kafkajs messages that are retry noise: connection failures we report ourselves as one explained line. */
const NOISE =
  /connection|connect |ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|retry|retrying|Crash|Restarting|timed out|disconnected|Failed to connect/i;

/**
 * "Response Metadata(key: 3, version: 6)" with an error code: kafkajs logs every error answer of the broker at ERROR
 * and then throws (or retries) the same error to the caller, which explains it in one line. Logging it too would
 * put a JSON warning before that line (an invalid topic, SASL against a plaintext listener): debug only.
 */
const ANSWERED = /^Response \w+\(key: \d+, version: \d+\)$/;

/**
 * kafkajs 2's one-time notice that its default partitioner changed in 2.0.0 (printed for any producer created without
 * `createPartitioner`, e.g. the sink's dead-letter producer): a migration note for kafkajs 1 users, not a problem of
 * this run (we want the default). Debug only.
 */
const MIGRATION_NOTICE = /switched default partitioner/;

/**
 * kafkajs's own logs into our logger: its ERROR/WARN become `warn` unless they are connection/retry noise (`debug`),
 * INFO/DEBUG become `debug`, and so do error answers the caller gets thrown (`ANSWERED`). So a dead broker gives one
 * explained error (explainKafkaError), not a page of spam.
 */
export function kafkajsLogCreator(logger: KafkaLogger): logCreator {
  return () =>
    ({ level, label, log }) => {
      const {
        message,
        timestamp: _t,
        logger: _l,
        // kafkajs attaches the stack of the errors it retries (connection refused...): expected failures, which
        // are explained in one line; a stack is for bugs, so it never reaches our logs at any level.
        stack: _s,
        ...rest
      } = log as { message: string; [k: string]: unknown };
      const fields = { kafkajs: label.toLowerCase(), ...rest };
      if (
        (level === logLevel.ERROR || level === logLevel.WARN) &&
        !NOISE.test(`${message} ${String(rest.error ?? "")}`) &&
        !ANSWERED.test(message) &&
        !MIGRATION_NOTICE.test(message)
      ) {
        logger.warn(fields, `kafkajs: ${message}`);
      } else {
        logger.debug(fields, `kafkajs: ${message}`);
      }
    };
}

export interface CreateKafkaOptions {
  logger?: KafkaLogger;
  retry?: RetryOptions;
}

/** The settings each client of createKafka was made from (the batching producer's client reads them). */
const SETTINGS = new WeakMap<KafkaClient, KafkaSettings>();

/** The settings `kafka` was made from by createKafka, or undefined for a kafkajs client made elsewhere. */
export function settingsOf(kafka: KafkaClient): KafkaSettings | undefined {
  return SETTINGS.get(kafka);
}

/** The kafkajs client for these settings, its logs routed into `logger`. Connect nothing yet. */
export function createKafka(settings: KafkaSettings, opts: CreateKafkaOptions = {}): KafkaClient {
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers: settings.brokers,
    ssl: settings.ssl,
    connectionTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    retry: opts.retry ?? DEFAULT_RETRY,
    logLevel: logLevel.INFO,
    logCreator: kafkajsLogCreator(opts.logger ?? noopLogger),
  };
  if (settings.sasl) {
    config.sasl = {
      mechanism: settings.sasl.mechanism,
      username: settings.sasl.username,
      password: settings.sasl.password,
    } as SASLOptions;
  }
  const kafka = new Kafka(config);
  SETTINGS.set(kafka, settings);
  return kafka;
}
