import type {
  Consumer,
  ConsumerConfig,
  EachBatchPayload,
  EachMessagePayload,
  Kafka,
  RetryOptions,
} from "kafkajs";
import { KafkaClientError } from "../errors";
import { connectChecked, explainKafkaError } from "../explain";
import type { KafkaLogger } from "../logger";
import { noopLogger } from "../logger";
import type { KafkaSettings } from "../settings";

export interface ConsumerHelperOptions {
  groupId: string;
  topics: string[];
  /** With no committed offset: true = from the earliest message, false = only new ones (latest). */
  fromBeginning: boolean;
  /** true: kafkajs commits what eachMessage/eachBatch resolved (every autoCommitInterval). false: call commit(). */
  autoCommit: boolean;
  autoCommitIntervalMs?: number;
  logger?: KafkaLogger;
  settings?: KafkaSettings;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /**
   * How long a fetch waits for data (kafkajs maxWaitTimeInMs). Default 500 ms, not kafkajs's 5 s: librdkafka's mock
   * cluster does not answer a waiting fetch when data arrives, so delivery latency there equals this wait. On real
   * Kafka the broker answers as soon as data is there; a short wait only means a few more empty fetches when idle.
   */
  maxWaitTimeMs?: number;
  /** Upper bound of one fetch response (kafkajs maxBytes). */
  maxBytes?: number;
  /** Passed through to kafka.consumer() (rebalanceTimeout, maxWaitTimeInMs, ...). */
  consumerConfig?: Partial<ConsumerConfig>;
  retry?: RetryOptions;
}

export type RunHandlers =
  | { eachMessage: (payload: EachMessagePayload) => Promise<void>; eachBatch?: never }
  | {
      eachBatch: (payload: EachBatchPayload) => Promise<void>;
      eachMessage?: never;
      /** kafkajs eachBatchAutoResolve (default false here: you call resolveOffset yourself). */
      eachBatchAutoResolve?: boolean;
    };

export interface ConsumerHelper {
  readonly consumer: Consumer;
  /** Connects (explained error within 10 s when settings were given) and subscribes to the topics. */
  connect(): Promise<void>;
  /** Starts consuming; resolves once the run loop is started. Errors that crash the consumer go to onCrash. */
  run(handlers: RunHandlers & { partitionsConsumedConcurrently?: number }): Promise<void>;
  /**
   * Commits, per partition, the NEXT offset to read (Kafka's convention: last processed + 1).
   * Works with autoCommit off (the usual case) or on.
   */
  commit(offsets: Array<{ topic: string; partition: number; offset: bigint | string }>): Promise<void>;
  /** Graceful stop: waits for the batch in progress, commits (autoCommit) and leaves the group. Idempotent. */
  stop(): Promise<void>;
  /** stop() then disconnect. */
  disconnect(): Promise<void>;
  /**
   * Resolves when this consumer has joined its group (first GROUP_JOIN after connect), rejects with a CONSUME error
   * after timeoutMs (default 30 s). With fromBeginning false, produce only after this (plus a moment for the fetch
   * position to resolve) or the new messages may predate the "latest" position.
   */
  joined(timeoutMs?: number): Promise<void>;
  /** Called when kafkajs gives up (crash without restart); default logs the explained error. */
  onCrash(fn: (err: KafkaClientError) => void): void;
}

/** A thin kafkajs consumer wrapper: group, from-beginning/latest, auto or manual commits, eachMessage or eachBatch. */
export function createConsumerHelper(kafka: Kafka, opts: ConsumerHelperOptions): ConsumerHelper {
  const logger = opts.logger ?? noopLogger;
  if (!opts.groupId)
    throw new KafkaClientError("BAD_SETTINGS", "--group: a consumer group id is required", {
      field: "--group",
    });
  if (opts.topics.length === 0)
    throw new KafkaClientError("BAD_SETTINGS", "--topic: at least one topic is required", {
      field: "--topic",
    });
  const consumer = kafka.consumer({
    groupId: opts.groupId,
    maxWaitTimeInMs: opts.maxWaitTimeMs ?? 500,
    ...(opts.sessionTimeoutMs !== undefined ? { sessionTimeout: opts.sessionTimeoutMs } : {}),
    ...(opts.heartbeatIntervalMs !== undefined ? { heartbeatInterval: opts.heartbeatIntervalMs } : {}),
    ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...opts.consumerConfig,
  });
  let crashHandler = (err: KafkaClientError) =>
    logger.error({ err: err.message, code: err.code }, "consumer crashed");
  const explain = (err: unknown) =>
    opts.settings
      ? explainKafkaError(err, opts.settings, { during: "consume" })
      : err instanceof KafkaClientError
        ? err
        : new KafkaClientError("CONSUME", `consumer failed: ${(err as Error)?.message ?? String(err)}`, {
            cause: err,
          });

  consumer.on(consumer.events.CRASH, (e) => {
    const { error, restart } = e.payload as { error: unknown; restart: boolean };
    if (restart) logger.warn({ err: (error as Error)?.message }, "consumer crashed; kafkajs restarts it");
    else crashHandler(explain(error));
  });

  let hasJoined = false;
  const joinWaiters: Array<() => void> = [];
  consumer.on(consumer.events.GROUP_JOIN, () => {
    hasJoined = true;
    for (const w of joinWaiters.splice(0)) w();
  });

  let running = false;
  let stopped = false;
  return {
    consumer,
    async connect() {
      if (opts.settings) await connectChecked(consumer, opts.settings);
      else await consumer.connect();
      try {
        await consumer.subscribe({ topics: opts.topics, fromBeginning: opts.fromBeginning });
      } catch (err) {
        throw explain(err);
      }
    },
    async run(handlers) {
      running = true;
      const base = {
        autoCommit: opts.autoCommit,
        ...(opts.autoCommitIntervalMs !== undefined ? { autoCommitInterval: opts.autoCommitIntervalMs } : {}),
        ...(handlers.partitionsConsumedConcurrently
          ? { partitionsConsumedConcurrently: handlers.partitionsConsumedConcurrently }
          : {}),
      };
      if (handlers.eachBatch) {
        await consumer.run({
          ...base,
          eachBatchAutoResolve: handlers.eachBatchAutoResolve ?? false,
          eachBatch: handlers.eachBatch,
        });
      } else {
        await consumer.run({ ...base, eachMessage: handlers.eachMessage });
      }
    },
    async commit(offsets) {
      try {
        await consumer.commitOffsets(
          offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })),
        );
      } catch (err) {
        throw explain(err);
      }
    },
    async stop() {
      if (stopped || !running) return;
      stopped = true;
      await consumer.stop();
    },
    async disconnect() {
      try {
        if (running && !stopped) {
          stopped = true;
          await consumer.stop();
        }
      } finally {
        await consumer.disconnect();
      }
    },
    joined(timeoutMs = 30_000) {
      if (hasJoined) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new KafkaClientError(
              "CONSUME",
              `group '${opts.groupId}' not joined within ${Math.round(timeoutMs / 1000)} s`,
            ),
          );
        }, timeoutMs);
        joinWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    onCrash(fn) {
      crashHandler = fn;
    },
  };
}
