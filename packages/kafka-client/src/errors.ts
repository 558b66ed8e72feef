/**
 * Every failure @weblog/kafka-client reports: a WeblogError whose message is one line naming the broker and the fix
 * (@weblog/cli's runMain prints it without a stack). Messages never contain SASL passwords.
 */
import { WeblogError } from "@weblog/errors";

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
  /** The flag or field at fault (BAD_SETTINGS). */
  field?: string;
  /** The broker address(es) involved. */
  brokers?: string[];
}

export class KafkaClientError extends WeblogError<KafkaErrorCode> {
  override readonly name = "KafkaClientError";
  readonly field: string | undefined;
  readonly brokers: string[] | undefined;

  constructor(code: KafkaErrorCode, message: string, opts: KafkaClientErrorOptions = {}) {
    super(code, message, { cause: opts.cause, retriable: opts.retriable ?? RETRIABLE[code] });
    this.field = opts.field;
    this.brokers = opts.brokers;
  }
}

export function isKafkaClientError(err: unknown): err is KafkaClientError {
  return err instanceof KafkaClientError;
}
