/**
 * The sink's own failures. `expected: true` makes runMain print the message as one line (no stack) and exit with
 * `exitCode`.
 */
export type SinkErrorCode =
  /** errors.tolerance=none and a record could not be decoded / placed (or a tombstone with behavior fail). */
  | "BAD_RECORD"
  /** S3 refused for good (bucket gone, access denied) while running. */
  | "S3_FATAL"
  /** Kafka refused for good (auth, topic authorization) while running. */
  | "KAFKA_FATAL"
  /** A partition's last commit was made with other key settings by a sink that did not stop gracefully. */
  | "KEY_SETTINGS_CHANGED"
  /** Upload abandoned because the partition is being given up (rebalance) or the sink is stopping. */
  | "FENCED";

export class SinkError extends Error {
  readonly expected = true;
  override readonly name = "SinkError";
  readonly code: SinkErrorCode;
  readonly exitCode: number;
  constructor(code: SinkErrorCode, message: string, opts: { cause?: unknown; exitCode?: number } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.exitCode = opts.exitCode ?? 1;
  }
}
