import { WeblogError } from "@weblog/errors";

/**
 * The contract's two failures, neither of them S3's:
 *
 * - `SinkConfigError` (`BAD_CONFIG`): a connector JSON key, a flag or a setting is wrong. One line naming the key
 *   and the fix; never retriable (@weblog/cli's runMain ends a run with it as exit 2, a usage error). Kafka-side
 *   keys (topics, group, errors.tolerance, the DLQ topic, behavior.on.null.values) fail here too, not as an S3
 *   error.
 * - `PartitionError` (`BAD_RECORD`): one record cannot be placed (a missing field, an unparsable timestamp). Not
 *   fatal for the sink: a bad record, handled by `errors.tolerance` (DLQ or stop) like a schema failure.
 */

export class SinkConfigError extends WeblogError<"BAD_CONFIG"> {
  override readonly name = "SinkConfigError";
  /** The connector key (or flag) at fault. */
  readonly key: string;

  constructor(key: string, message: string, options: { cause?: unknown } = {}) {
    super("BAD_CONFIG", message, options);
    this.key = key;
  }
}

/** Shorthand used by every parser in this package. */
export function badConfig(key: string, message: string, cause?: unknown): SinkConfigError {
  return new SinkConfigError(key, message, cause === undefined ? {} : { cause });
}

export class PartitionError extends WeblogError<"BAD_RECORD"> {
  override readonly name = "PartitionError";
  /** The record field at fault (e.g. `timestamp`), if any. */
  readonly field?: string;

  constructor(message: string, options: { field?: string; cause?: unknown } = {}) {
    super("BAD_RECORD", message, { cause: options.cause });
    if (options.field !== undefined) this.field = options.field;
  }
}
