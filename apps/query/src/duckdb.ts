/**
 * DuckDB, offline: only what is compiled into @duckdb/node-api's binary (parquet, json, icu and core_functions are
 * statically linked) may run. Autoinstall and autoload of extensions are off, the extension directory is an empty
 * temp dir, community extensions are refused, and the configuration is locked, so a query can never make DuckDB
 * download anything (httpfs included): it fails with DuckDB's own "not loaded" error instead.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

/** The extensions the query app needs, all built into the binary. */
export const BUILT_IN_EXTENSIONS = ["parquet", "json"] as const;

export interface OfflineDuckDB {
  connection: DuckDBConnection;
  close(): Promise<void>;
}

export async function openOfflineDuckDB(): Promise<OfflineDuckDB> {
  const extensionDir = await mkdtemp(join(tmpdir(), "weblog-duckdb-ext-"));
  const instance = await DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    allow_community_extensions: "false",
    extension_directory: extensionDir,
    threads: "2",
  });
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'"); // ICU is built in: timestamps print in UTC, as the records say
  await connection.run("SET lock_configuration = true");
  return {
    connection,
    async close() {
      connection.closeSync();
      instance.closeSync();
      await rm(extensionDir, { recursive: true, force: true });
    },
  };
}
