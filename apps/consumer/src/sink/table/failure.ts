/**
 * What a table-side failure is, for the retry log and for stopping: the REST catalog's failures are IcebergErrors
 * (@weblog/iceberg), S3's are S3SideErrors (@weblog/s3, the data files, manifests and manifest lists). A failure
 * that retrying cannot fix (a table of another shape, a refused request, S3 refusing for good) stops the sink as
 * `TABLE_FATAL`, the error it wraps deciding the exit code.
 */
import { isWeblogError } from "@weblog/errors";
import { SinkError } from "../errors";

export type FailedService = "Iceberg REST catalog" | "S3" | "Iceberg commit";

/** Which service `err` came from: the catalog, S3, or (a commit conflict storm) neither being down. */
export function whatFailed(err: unknown): FailedService {
  const e = err as { name?: string; code?: string } | null;
  if (e?.name === "IcebergError")
    return e.code === "COMMIT_CONFLICT" ? "Iceberg commit" : "Iceberg REST catalog";
  return "S3";
}

/** `err` as the sink's TABLE_FATAL when retrying will not help; anything else as it is. */
export function tableFatalOr(err: unknown): unknown {
  if (isWeblogError(err) && !err.retriable && !(err instanceof SinkError)) {
    return new SinkError("TABLE_FATAL", `Iceberg table (${whatFailed(err)}): ${err.message}`, { cause: err });
  }
  return err;
}
