/**
 * An Apache Iceberg table's data files (the sink's --format iceberg) fetched into the temp dir like the bucket's
 * objects, so the `logs` view reads them the same way: the table loaded through its REST catalog, the snapshot
 * picked (the current one, or the one `--as-of` names), its live Parquet data files downloaded.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { UsageError } from "@weblog/cli";
import {
  catalogAuthFromEnv,
  createRestCatalog,
  getFile,
  liveDataFiles,
  parseTableName,
  snapshotAsOf,
} from "@weblog/iceberg";
import type { Fetched } from "./fetch";

export interface TableRequest {
  table: string;
  catalogUri: string;
  /** A snapshot id or an ISO time; undefined: the current snapshot. */
  asOf?: string | undefined;
  dir: string;
  concurrency: number;
  endpoint?: string | undefined;
}

/** The snapshot read (null: an empty table) and its data files, fetched. */
export type FetchedTable = Fetched & { snapshotId: string | null };

export async function fetchTableFiles(
  client: S3Client,
  req: TableRequest,
  onObject?: (done: number) => void,
): Promise<FetchedTable> {
  // a catalog that wants auth: ICEBERG_CATALOG_TOKEN / ICEBERG_CATALOG_CREDENTIAL (secrets stay off argv)
  const catalog = createRestCatalog({ uri: req.catalogUri, ...catalogAuthFromEnv(process.env) });
  const { metadata } = await catalog.loadTable(parseTableName(req.table));
  let snapshotId: string | null = metadata["current-snapshot-id"] ?? null;
  if (snapshotId === "-1") snapshotId = null;
  if (req.asOf !== undefined) {
    const snap = snapshotAsOf(metadata, req.asOf);
    if (!snap)
      throw new UsageError(
        `--as-of "${req.asOf}" names no snapshot of ${req.table} (${metadata.snapshots?.length ?? 0} snapshots): give a snapshot id or an ISO time at or after the first commit`,
      );
    snapshotId = snap["snapshot-id"];
  }
  const storage = { client, endpoint: req.endpoint };
  const paths = snapshotId === null ? [] : await liveDataFiles(storage, metadata, snapshotId);
  const out: FetchedTable = { dir: req.dir, json: [], parquet: [], skipped: 0, bytes: 0, snapshotId };
  const local = (uri: string) => join(req.dir, uri.replace(/^s3a?:\/\/[^/]+\//, ""));
  const unique = [...new Set(paths)];
  let done = 0;
  for (let i = 0; i < unique.length; i += req.concurrency) {
    await Promise.all(
      unique.slice(i, i + req.concurrency).map(async (uri) => {
        if (uri.includes("..")) throw new UsageError(`data file ${uri} has ".." in its path: not read`);
        const body = await getFile(storage, uri);
        await mkdir(dirname(local(uri)), { recursive: true });
        await writeFile(local(uri), body);
        out.bytes += body.length;
        onObject?.(++done);
      }),
    );
  }
  // A path live manifests name twice is a file committed twice: listed twice, its rows count twice (as a reader).
  out.parquet = paths.map(local).sort();
  return out;
}
