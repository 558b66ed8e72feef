/**
 * The sink's own failures, each one line (runMain prints it without a stack; its code picks the exit code there).
 */
import { WeblogError } from "@weblog/errors";

export type SinkErrorCode =
  /** errors.tolerance=none and a record could not be decoded / placed (or a tombstone with behavior fail). */
  | "BAD_RECORD"
  /** S3 refused for good (bucket gone, access denied) while running; the S3SideError is its cause. */
  | "S3_FATAL"
  /**
   * The Iceberg table refused for good (a table of another shape, a catalog refusing the request, S3 refusing a data
   * file or manifest); the IcebergError or S3SideError is its cause (its code decides the exit code).
   */
  | "TABLE_FATAL"
  /** A dead letter the broker refuses for good (too large for the DLQ topic, topic missing, not authorized). */
  | "DLQ_REFUSED"
  /** Kafka refused for good (auth, topic authorization) while running. */
  | "KAFKA_FATAL"
  /** A partition's last commit was made with other key settings by a sink that did not stop gracefully. */
  | "KEY_SETTINGS_CHANGED"
  /** Upload abandoned because the partition is being given up (rebalance) or the sink is stopping. */
  | "FENCED";

export class SinkError extends WeblogError<SinkErrorCode> {
  override readonly name = "SinkError";
  constructor(code: SinkErrorCode, message: string, opts: { cause?: unknown } = {}) {
    super(code, message, opts);
  }
}
