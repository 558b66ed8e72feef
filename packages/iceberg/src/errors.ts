import { WeblogError } from "@weblog/errors";

/**
 * Every failure on the table side, one error type with a string-union `code`:
 *
 * - `CATALOG_UNREACHABLE`: nothing answers at the REST catalog's URI (refused, DNS, timeout). Retriable.
 * - `CATALOG_SERVER`: the catalog answered 5xx to a read. Retriable.
 * - `COMMIT_CONFLICT`: the table moved on since the commit's base (409 CommitFailedException). Retriable: reload,
 *   re-check, commit again.
 * - `COMMIT_UNKNOWN`: a commit got no answer or a 5xx: it may or may not have landed. Retriable after a reload,
 *   which tells (the snapshot id is ours and unique).
 * - `NOT_FOUND`: the namespace or table does not exist (404).
 * - `CATALOG_AUTH`: the catalog (401/403) or its token endpoint refused the token or the client credentials.
 * - `CATALOG_REJECTED`: any other 4xx: the request is wrong (a bug or a setting).
 * - `INCOMPATIBLE_TABLE`: an existing table's schema or partition spec is not the web-log one we write.
 * - `BAD_METADATA`: a manifest or manifest list we cannot read (not Avro, a missing field).
 */
export type IcebergErrorCode =
  | "CATALOG_UNREACHABLE"
  | "CATALOG_SERVER"
  | "COMMIT_CONFLICT"
  | "COMMIT_UNKNOWN"
  | "NOT_FOUND"
  | "CATALOG_AUTH"
  | "CATALOG_REJECTED"
  | "INCOMPATIBLE_TABLE"
  | "BAD_METADATA";

const RETRIABLE: Record<IcebergErrorCode, boolean> = {
  CATALOG_UNREACHABLE: true,
  CATALOG_SERVER: true,
  COMMIT_CONFLICT: true,
  COMMIT_UNKNOWN: true,
  NOT_FOUND: false,
  CATALOG_AUTH: false,
  CATALOG_REJECTED: false,
  INCOMPATIBLE_TABLE: false,
  BAD_METADATA: false,
};

export class IcebergError extends WeblogError<IcebergErrorCode> {
  override readonly name = "IcebergError";

  constructor(code: IcebergErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { cause: options.cause, retriable: RETRIABLE[code] });
  }
}
