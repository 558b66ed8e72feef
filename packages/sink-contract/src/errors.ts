/**
 * The contract's two failures, neither of them S3's:
 *
 * - `SinkConfigError` (`BAD_CONFIG`): a connector JSON key, a flag or a setting is wrong. One line naming the key
 *   and the fix; `expected`, exit 2 (a usage error), never retriable. Kafka-side keys (topics, group,
 *   errors.tolerance, the DLQ topic, behavior.on.null.values) fail here too, not as an S3 error.
 * - `PartitionError` (`BAD_RECORD`): one record cannot be placed (a missing field, an unparsable timestamp). Not
 *   fatal for the sink: a bad record, handled by `errors.tolerance` (DLQ or stop) like a schema failure.
 */

export class SinkConfigError extends Error {
  override readonly name = "SinkConfigError";
  readonly code = "BAD_CONFIG" as const;
  readonly retriable = false;
  readonly expected = true;
  /** Process exit code when this error ends a CLI run: always 2 (the user fixes the config). */
  readonly exitCode = 2;
  /** The connector key (or flag) at fault. */
  readonly key: string;

  constructor(key: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.key = key;
  }
}

/** Shorthand used by every parser in this package. */
export function badConfig(key: string, message: string, cause?: unknown): SinkConfigError {
  return new SinkConfigError(key, message, cause === undefined ? {} : { cause });
}

export class PartitionError extends Error {
  override readonly name = "PartitionError";
  readonly code = "BAD_RECORD" as const;
  readonly retriable = false;
  /** The record field at fault (e.g. `timestamp`), if any. */
  readonly field?: string;

  constructor(message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.field !== undefined) this.field = options.field;
  }
}
