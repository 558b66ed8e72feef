export { IcebergError, type IcebergErrorCode } from "./errors";
export type { DataFile } from "./manifest";
export { formatOffsets, type OffsetRange, offsetsKey, parseOffsets, type TableOffsets } from "./offsets";
export type { OrphanFile } from "./orphans";
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
