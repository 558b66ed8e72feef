/** `weblog-query` flags -> validated options (flags, then env: S3_BUCKET, S3_ENDPOINT, S3_REGION / AWS_REGION). */
import { createCommand, envName, Option, parsers, UsageError } from "@weblog/cli";
import { REPORT_NAMES } from "./reports";

export interface QueryOptions {
  sql?: string;
  report?: string;
  json: boolean;
  bucket: string;
  /** undefined: AWS S3 itself. */
  endpoint: string | undefined;
  region: string;
  prefix: string;
  concurrency: number;
  /** Query this Apache Iceberg table (`namespace.table`, the sink's --format iceberg) instead of the prefix. */
  icebergTable?: string;
  icebergCatalogUri: string;
  /** A snapshot id or an ISO time (only with icebergTable); undefined: the current snapshot. */
  asOf?: string;
  /** --sse-customer-key: the SSE-C key (base64, 256 bits) sent on every read; never shown. */
  sseCustomerKey?: string;
}

export function buildCommand() {
  return createCommand(
    "weblog-query",
    "Runs SQL over the sink's objects in a bucket (JSON lines and Parquet alike) with DuckDB, offline: the objects are fetched to a temp dir and read as one view, `logs` (ip, timestamp, method, url, status_code, user_agent, object). Prints a table, or JSON with --json. Exit 0 on success, 2 on a usage, SQL or connection error.",
  )
    .argument(
      "[sql]",
      'a query over `logs`, e.g. "SELECT status_code // 100 AS class, count(*) FROM logs GROUP BY 1"',
    )
    .addOption(
      new Option("--report <name>", `a built-in report instead of SQL: ${REPORT_NAMES.join(", ")}`).choices(
        REPORT_NAMES,
      ),
    )
    .addOption(new Option("--json", "print JSON (one document) instead of tables"))
    .addOption(new Option("--bucket <name>", "S3 bucket (default weblogs)").env("S3_BUCKET"))
    .addOption(
      new Option(
        "--endpoint <url>",
        'S3 endpoint, path-style (default http://localhost:9000; "aws" for AWS S3)',
      ).env("S3_ENDPOINT"),
    )
    .addOption(new Option("--region <region>", "S3 region (default S3_REGION, AWS_REGION or us-east-1)"))
    .addOption(new Option("--prefix <prefix>", "listing prefix (default topics/)").env(envName("prefix")))
    .addOption(new Option("--topic <topic>", "only this topic's objects: the prefix topics/<topic>/"))
    .addOption(
      new Option(
        "--iceberg-table <ns.table>",
        "query an Apache Iceberg table (the sink's --format iceberg) instead of the bucket's objects: its live Parquet data files at the current snapshot (or --as-of)",
      ),
    )
    .addOption(
      new Option(
        "--iceberg-catalog-uri <url>",
        "the table's Iceberg REST catalog (default http://localhost:8181)",
      ).env("ICEBERG_CATALOG_URI"),
    )
    .addOption(
      new Option(
        "--as-of <snapshot-id|ISO time>",
        "with --iceberg-table: the table as of this snapshot id, or of the snapshot current at this time",
      ),
    )
    .addOption(
      new Option(
        "--sse-customer-key <base64>",
        "SSE-C key (base64, 256 bits: the sink's s3.sse.customer.key) sent on every read of SSE-C objects; never shown",
      ).env("S3_SSE_CUSTOMER_KEY"),
    )
    .addOption(
      new Option("--concurrency <n>", "objects fetched at once (default 16)").argParser(
        parsers.int("--concurrency", { min: 1, max: 256 }),
      ),
    );
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): QueryOptions {
  const cmd = buildCommand();
  cmd.parse(argv, { from: "user" });
  const f = cmd.opts<{
    report?: string;
    json?: boolean;
    bucket?: string;
    endpoint?: string;
    region?: string;
    prefix?: string;
    topic?: string;
    concurrency?: number;
    icebergTable?: string;
    icebergCatalogUri?: string;
    asOf?: string;
    sseCustomerKey?: string;
  }>();
  const sql = cmd.args[0];
  if ((sql === undefined || sql.trim() === "") === (f.report === undefined)) {
    throw new UsageError("give either a SQL query or --report <name>, e.g. --report traffic (see --help)");
  }
  if (f.topic !== undefined && f.prefix !== undefined)
    throw new UsageError("--topic and --prefix: give one of them");
  let endpoint: string | undefined = f.endpoint ?? "http://localhost:9000";
  if (endpoint.trim() === "" || endpoint.trim().toLowerCase() === "aws") endpoint = undefined;
  else {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:"))
      throw new UsageError(
        `--endpoint "${endpoint}" is not an http(s) URL; e.g. --endpoint http://localhost:9000`,
      );
  }
  if (f.icebergTable !== undefined) {
    if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/.test(f.icebergTable))
      throw new UsageError(`--iceberg-table "${f.icebergTable}" is not namespace.table, e.g. weblog.logs.`);
    if (f.topic !== undefined || f.prefix !== undefined)
      throw new UsageError("--iceberg-table reads the table's own files: drop --topic/--prefix");
  } else if (f.asOf !== undefined) throw new UsageError("--as-of needs --iceberg-table <ns.table>");
  if (f.asOf !== undefined && f.asOf.trim() === "")
    throw new UsageError("--as-of is empty: give a snapshot id or an ISO time, e.g. 2026-12-01T10:00:00Z");
  const icebergCatalogUri = f.icebergCatalogUri ?? "http://localhost:8181";
  if (!/^https?:\/\/[^\s/@]+(:\d+)?(\/\S*)?$/.test(icebergCatalogUri))
    throw new UsageError(
      "--iceberg-catalog-uri is not an http(s) URL without user info, e.g. http://localhost:8181.",
    );
  const opts: QueryOptions = {
    json: f.json === true,
    bucket: f.bucket ?? "weblogs",
    endpoint,
    region: f.region ?? env.S3_REGION ?? env.AWS_REGION ?? "us-east-1",
    prefix: f.topic !== undefined ? `topics/${f.topic}/` : (f.prefix ?? "topics/"),
    concurrency: f.concurrency ?? 16,
    icebergCatalogUri,
  };
  if (f.sseCustomerKey !== undefined) {
    if (!/^[A-Za-z0-9+/]{43}=$/.test(f.sseCustomerKey))
      throw new UsageError(
        "--sse-customer-key is not a base64-encoded 256-bit key (44 characters, e.g. `openssl rand -base64 32`); the value is not shown.",
      );
    opts.sseCustomerKey = f.sseCustomerKey;
  }
  if (f.icebergTable !== undefined) opts.icebergTable = f.icebergTable;
  if (f.asOf !== undefined) opts.asOf = f.asOf;
  if (f.report !== undefined) opts.report = f.report;
  else if (sql !== undefined) opts.sql = sql;
  return opts;
}
