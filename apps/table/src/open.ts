/**
 * The table a command works on: loaded through its REST catalog (never created: a maintenance command on a table
 * that does not exist is a mistake in its name), with an S3 client for its bucket.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { ExpectedError } from "@weblog/cli";
import {
  createRestCatalog,
  IcebergError,
  openWebLogTable,
  parseTableName,
  type WebLogTable,
} from "@weblog/iceberg";
import { createS3Client } from "@weblog/s3";
import type { TableOptions } from "./options";

export type OpenedTable = { table: WebLogTable; client: S3Client };

export async function openTable(opts: TableOptions): Promise<OpenedTable> {
  const catalog = createRestCatalog({ uri: opts.catalogUri, ...opts.auth });
  try {
    await catalog.loadTable(parseTableName(opts.table));
  } catch (err) {
    if (err instanceof IcebergError && err.code === "NOT_FOUND")
      throw new ExpectedError(
        `table ${opts.table} does not exist in ${catalog.where}: check --iceberg-table (the sink's iceberg.tables)`,
        { cause: err },
      );
    throw err;
  }
  const client = createS3Client({ endpoint: opts.endpoint, region: opts.region, pathStyle: true });
  const table = await openWebLogTable({
    catalog,
    table: opts.table,
    storage: { client, endpoint: opts.endpoint },
  });
  return { table, client };
}
