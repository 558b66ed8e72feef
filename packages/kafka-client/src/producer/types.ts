/** The batching producer's public shapes: what it sends, how it is configured, what it reports. */
import type { IHeaders, RetryOptions } from "kafkajs";
import type { KafkaLogger } from "../logger";
import type { KafkaSettings } from "../settings";
import type { CompressionName } from "./compression";

export interface OutgoingMessage {
  /** undefined: use keyOf (if any) else no key; null: no key. */
  key?: string | Buffer | null;
  /** null: a tombstone. */
  value: string | Buffer | null;
  headers?: IHeaders;
  /** Pin the partition (e.g. 0 for a console producer whose lines must stay in order); default: by key / spread. */
  partition?: number;
}

export interface BatchingProducerOptions {
  topic: string;
  /** -1 (all in-sync replicas, default), 1 (leader), 0 (none: nothing is acknowledged, do not use for data). */
  acks?: -1 | 0 | 1;
  compression?: CompressionName;
  /**
   * Produce calls in flight at once (each may be one request per broker). Default 5. Per-partition order is only
   * guaranteed with 1: with more, a retried batch can land after a later one. Use 1 when order matters (console
   * producer, pinned partition).
   */
  maxInFlight?: number;
  /** Messages per produce call. Default 1000. */
  batchSize?: number;
  /** Bytes (keys + values) per produce call, checked before batchSize. Default 900 kB (under Kafka's 1 MB default). */
  maxBatchBytes?: number;
  /** A partial batch waits at most this long for more messages. Default 5 ms. */
  lingerMs?: number;
  /** Key of a message sent without one (key === undefined), e.g. by ip. */
  keyOf?: (m: OutgoingMessage) => string | null;
  logger?: KafkaLogger;
  /** Used to explain errors (addresses, fixes) and for connectChecked. */
  settings?: KafkaSettings;
  /** Broker-side ack timeout per request (the produce request's `timeout`). Default 30 s. */
  ackTimeoutMs?: number;
  /**
   * Retry for sends, in kafkajs's terms (engine.ts turns it into the client's backoff). Default: 8 retries,
   * 100 ms .. 3 s (about 15 s in all).
   */
  retry?: RetryOptions;
}

export interface ProducerStats {
  /** Messages handed to the client. */
  sent: number;
  /** Messages the broker acknowledged. */
  acked: number;
  /** Messages whose produce failed after the client's retries. */
  errors: number;
  /** Produce calls in flight now. */
  inFlight: number;
  /** Highest inFlight seen (never above maxInFlight). */
  peakInFlight: number;
  /** Messages accepted by send() but not yet handed to the client (the batch being filled; at most batchSize). */
  queued: number;
  /** Key + value bytes acknowledged. */
  bytes: number;
}

export interface BatchingProducer {
  connect(): Promise<void>;
  /**
   * Accepts messages; resolves once they are buffered or handed to the client. Waits whenever the batch being filled is
   * full and maxInFlight produce calls are outstanding (backpressure), however batches are cut (size, bytes or
   * linger), so the producer holds at most batchSize * (maxInFlight + 1) messages.
   * Rejects with the first send failure (KafkaClientError PRODUCE, explained); that failure is sticky: a later call
   * is refused up front (its messages are not taken, not counted). Once it happens, messages not yet handed to
   * the client fail at once (counted in errors), including the rest of a call under way.
   */
  send(messages: OutgoingMessage[]): Promise<void>;
  /**
   * Resolves when every accepted message is acknowledged; rejects if any failed. After a failure it rejects as soon
   * as the produce calls already in the client settle (about one retry cycle); nothing else is sent.
   */
  flush(): Promise<void>;
  stats(): ProducerStats;
  /** flush() then disconnect (the disconnect also happens when the flush fails; the failure is rethrown). */
  disconnect(): Promise<void>;
  /** The client underneath: connect (the broker answers) and disconnect without flushing (tests). */
  readonly producer: { connect(): Promise<void>; disconnect(): Promise<void> };
}

export const DEFAULT_SEND_RETRY: RetryOptions = {
  retries: 8,
  initialRetryTime: 100,
  maxRetryTime: 3000,
  factor: 0.2,
};
