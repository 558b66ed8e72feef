/**
 * Rows per row group: DuckDB's default (122,880 = 60 x 2,048-row vectors), about 30 MB of raw records. A sink object
 * of up to that many records is one row group (a reader plans one unit); a bigger one (flush.size or byte rotation
 * above it) is split so a reader can skip and parallelise by row group, each still large enough that per-group
 * overhead (footer entries, dictionaries) stays small.
 */
export const PARQUET_ROW_GROUP_ROWS = 122_880;
