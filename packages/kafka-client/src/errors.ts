/**
 * Every failure @weblog/kafka-client reports. `expected: true` tells @weblog/cli's runMain to print the message as
 * one line (no stack) and exit with `exitCode`. Messages never contain SASL passwords.
 */
export type KafkaErrorCode =
  | "BAD_SETTINGS" // a flag/env value is wrong: fix the input
  | "BROKER_UNREACHABLE" // nothing answers at the address (refused, reset, no answer in time)
  | "DNS" // the broker host name does not resolve
  | "AUTH" // SASL/SSL handshake or authorization refused
  | "TOPIC" // the topic cannot be created/found/used
  | "PRODUCE" // a batch failed after kafkajs's retries
  | "CONSUME" // the consumer failed (group, fetch, commit)
  | "TIMEOUT"; // a request got no answer in time

const RETRIABLE: Record<KafkaErrorCode, boolean> = {
  BAD_SETTINGS: false,
  BROKER_UNREACHABLE: true,
  DNS: false,
  AUTH: false,
  TOPIC: false,
  PRODUCE: true,
  CONSUME: true,
  TIMEOUT: true,
};

export interface KafkaClientErrorOptions {
  cause?: unknown;
  retriable?: boolean;
  exitCode?: number;
  /** The flag or field at fault (BAD_SETTINGS). */
  field?: string;
  /** The broker address(es) involved. */
  brokers?: string[];
}

export class KafkaClientError extends Error {
  override readonly name = "KafkaClientError";
  readonly code: KafkaErrorCode;
  readonly retriable: boolean;
  readonly exitCode: number;
  readonly expected = true;
  readonly field: string | undefined;
  readonly brokers: string[] | undefined;

  constructor(code: KafkaErrorCode, message: string, opts: KafkaClientErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.retriable = opts.retriable ?? RETRIABLE[code];
    this.exitCode = opts.exitCode ?? 2;
    this.field = opts.field;
    this.brokers = opts.brokers;
  }
}

export function isKafkaClientError(err: unknown): err is KafkaClientError {
  return err instanceof KafkaClientError;
}
