/**
 * DuckDB (C++, @duckdb/node-api) as the independent reader of what the sink wrote with hyparquet-writer: every
 * object is fetched to a temp dir and read by DuckDB's own Parquet reader, extensions never downloaded.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { DuckDBInstance } from "@duckdb/node-api";
import { getObjectBody, listAllObjects } from "@weblog/s3";

export interface ParquetBucketRead {
  keys: string[];
  /** Distinct `DESCRIBE` over every file: column -> DuckDB type (one entry per column when all files agree). */
  types: Record<string, string[]>;
  /** Distinct physical/logical types per column from every file's footer. */
  footer: Record<string, string[]>;
  /** Distinct column-chunk codecs over every file (`parquet_metadata`). */
  codecs: string[];
  /** Rows summed over all files, as DuckDB counts them. */
  rows: number;
  /** Rows per key. */
  rowsPerKey: Map<string, number>;
}

export async function readParquetBucket(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<ParquetBucketRead> {
  const dir = await mkdtemp(join(tmpdir(), "pq-read-"));
  const inst = await DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  const con = await inst.connect();
  try {
    const keys: string[] = [];
    const fileOf = new Map<string, string>();
    for await (const o of listAllObjects(client, bucket, prefix)) {
      const file = join(dir, `${keys.length}.parquet`);
      await writeFile(file, await getObjectBody(client, bucket, o.key));
      keys.push(o.key);
      fileOf.set(file, o.key);
    }
    const q = async (sql: string) => (await con.runAndReadAll(sql)).getRowObjectsJson();
    const glob = `${dir}/*.parquet`;
    const types: Record<string, string[]> = {};
    const footer: Record<string, string[]> = {};
    const rowsPerKey = new Map<string, number>();
    for (const file of fileOf.keys()) {
      for (const r of await q(`DESCRIBE SELECT * FROM read_parquet('${file}')`)) {
        const name = String(r.column_name);
        const list = types[name] ?? [];
        types[name] = list;
        if (!list.includes(String(r.column_type))) list.push(String(r.column_type));
      }
    }
    for (const r of await q(
      `SELECT DISTINCT name, type || ' ' || coalesce(logical_type, '-') AS t FROM parquet_schema('${glob}') WHERE name <> 'root'`,
    )) {
      footer[String(r.name)] = [...(footer[String(r.name)] ?? []), String(r.t)];
    }
    for (const r of await q(
      `SELECT filename AS f, count(*) AS n FROM read_parquet('${glob}', filename = true) GROUP BY f`,
    ))
      rowsPerKey.set(fileOf.get(String(r.f)) ?? String(r.f), Number(r.n));
    const codecs = (await q(`SELECT DISTINCT compression AS c FROM parquet_metadata('${glob}')`)).map((r) =>
      String(r.c),
    );
    const rows = [...rowsPerKey.values()].reduce((a, b) => a + b, 0);
    return { keys, types, footer, codecs, rows, rowsPerKey };
  } finally {
    con.closeSync();
    inst.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}
