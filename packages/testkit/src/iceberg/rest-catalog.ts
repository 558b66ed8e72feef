import { mkdirSync, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onProcessExit } from "../cleanup";
import { TestkitError } from "../errors";
import { requireJava } from "../local/java";
import { type Jvm, launchJvm, tailOf } from "../local/jvm";
import { SETUP_HINT } from "../local/paths";
import { freePort } from "../ports";
import { ICEBERG_VERSION, resolveIcebergRest } from "./install";

export type IcebergCatalogOptions = {
  /** The S3 the catalog keeps table metadata in (the one the tests use). */
  s3: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** Warehouse root, e.g. `s3://BUCKET/warehouse`: new namespaces and tables get locations under it. */
  warehouse: string;
  /** How long to wait for the first REST answer (default 90 s: a JVM start on a busy machine). */
  readyTimeoutMs?: number;
  /**
   * Its directory (catalog database, log), kept when it stops, so a catalog started again on it has its tables
   * (`pnpm stack up`); default a temporary one, removed.
   */
  dir?: string;
  /** Port on 127.0.0.1 (default a free one). */
  port?: number;
  /** Outlive this process (`pnpm stack up`): no watchdog. */
  detached?: boolean;
};

export type IcebergCatalog = {
  /** The REST catalog's base URI, e.g. http://127.0.0.1:PORT (the API lives under /v1). */
  uri: string;
  port: number;
  /** The server's process group (a detached one is stopped by signalling it). */
  pgid: number;
  dir: string;
  warehouse: string;
  /** e.g. "Apache Iceberg 1.10.0 REST catalog (JDBC on SQLite, S3FileIO; local JVM)". */
  server: string;
  logFile: string;
  /** Stops the server and removes its catalog database. Safe to call twice. */
  stop(): Promise<void>;
};

/** The server's configuration: the fixture reads every CATALOG_* variable as a catalog property. */
export function catalogEnv(options: IcebergCatalogOptions, dbFile: string, port: number): NodeJS.ProcessEnv {
  const { s3 } = options;
  return {
    CATALOG_CATALOG__IMPL: "org.apache.iceberg.jdbc.JdbcCatalog",
    CATALOG_URI: `jdbc:sqlite:${dbFile}`,
    CATALOG_JDBC_SCHEMA__VERSION: "V1",
    CATALOG_WAREHOUSE: options.warehouse,
    CATALOG_IO__IMPL: "org.apache.iceberg.aws.s3.S3FileIO",
    CATALOG_S3_ENDPOINT: s3.endpoint,
    CATALOG_S3_PATH__STYLE__ACCESS: "true",
    CATALOG_S3_ACCESS__KEY__ID: s3.credentials.accessKeyId,
    CATALOG_S3_SECRET__ACCESS__KEY: s3.credentials.secretAccessKey,
    CATALOG_CLIENT_REGION: s3.region,
    CATALOG_REST_HOST: "127.0.0.1",
    CATALOG_REST_PORT: String(port),
    AWS_REGION: s3.region,
  };
}

async function waitReady(uri: string, jvm: Jvm, timeoutMs: number): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (jvm.exited()) return "the server exited";
    try {
      const res = await fetch(`${uri}/v1/config`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return null;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return `no REST answer within ${timeoutMs} ms`;
}

/**
 * Starts Apache Iceberg's REST catalog server (the fixture behind apache/iceberg-rest-fixture: a JDBC catalog on a
 * SQLite file in a temporary directory, S3FileIO over `options.s3`) on 127.0.0.1 on a free port, through the
 * watchdog of launchJvm (it dies with this process, however it ends, and takes its directory along).
 * Resolves once `GET /v1/config` answers. The S3 credentials reach it through its environment, never argv.
 */
export async function startIcebergCatalog(options: IcebergCatalogOptions): Promise<IcebergCatalog> {
  const { classpath, mainClass } = resolveIcebergRest();
  requireJava();
  const port = options.port ?? (await freePort());
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "weblog-iceberg-")));
  mkdirSync(dir, { recursive: true });
  const removeDir = () => {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };
  const forget = options.detached ? () => {} : onProcessExit(removeDir);
  const logFile = join(dir, "iceberg-rest.log");
  const jvm = launchJvm({
    mainClass,
    args: [],
    classpath,
    heapMiB: 256,
    logFile,
    env: { ...process.env, ...catalogEnv(options, join(dir, "catalog.db"), port) },
    removeWhenOrphaned: ownDir ? dir : undefined,
    detached: options.detached,
  });
  const uri = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await jvm.stop(5000);
    removeDir();
    forget();
  };
  const failure = await waitReady(uri, jvm, options.readyTimeoutMs ?? 90_000);
  if (failure) {
    const tail = tailOf(logFile) || "(no log)";
    await stop();
    throw new TestkitError(
      "START_FAILED",
      `local Iceberg REST catalog (Apache Iceberg ${ICEBERG_VERSION}) did not start: ${failure} (is the install complete? ${SETUP_HINT}); log tail:\n${tail}`,
    );
  }
  return {
    uri,
    port,
    pgid: jvm.pgid,
    dir,
    warehouse: options.warehouse,
    server: `Apache Iceberg ${ICEBERG_VERSION} REST catalog (JDBC on SQLite, S3FileIO; local JVM)`,
    logFile,
    stop,
  };
}
