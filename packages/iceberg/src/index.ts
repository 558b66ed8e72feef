export { snapshotAsOf } from "./as-of";
export { type CatalogAuthOptions, catalogAuthFromEnv } from "./auth";
export type { CompactOptions, CompactProgress, CompactResult } from "./compact";
export { type CompactBin, DEFAULT_TARGET_FILE_SIZE, planCompaction } from "./compact-plan";
export { IcebergError, type IcebergErrorCode } from "./errors";
export { getFile, type TableStorage } from "./files";
export type { DataFile } from "./manifest";
export {
  formatOffsets,
  type OffsetRange,
  offsetsAt,
  offsetsKey,
  parseOffsets,
  type SnapshotJson,
  type TableOffsets,
} from "./offsets";
export { listOrphanFiles, liveDataFiles, type OrphanFile, reachableFiles } from "./orphans";
export { createRestCatalog, type RestCatalog, type RestCatalogOptions, type TableMetadata } from "./rest";
export { PARTITION_BY, type PartitionBy, WEBLOG_TABLE_SCHEMA } from "./schema";
export {
  type CommitHooks,
  type CommitPart,
  type CommitResult,
  type OpenTableOptions,
  openWebLogTable,
  parseTableName,
  type WebLogTable,
} from "./table";
