/**
 * `weblog-table <command>` flags -> validated options. Every command names a table the way the sink, the query app
 * and the verifier do (`--iceberg-table`, `--iceberg-catalog-uri`) and reaches its bucket with the S3 flags of the
 * query app; the catalog's secrets come from the environment only (argv is visible to every user of the machine).
 */
import { type Command, createCommand, InvalidArgumentError, Option, parsers, UsageError } from "@weblog/cli";
import { type CatalogAuthOptions, catalogAuthFromEnv, DEFAULT_TARGET_FILE_SIZE } from "@weblog/iceberg";
import { parseAge, parseBytes } from "./units";

export const COMMANDS = {
  compact:
    "rewrite each partition's small data files into files of about --target-file-size, as one replace snapshot (safe while the sink appends)",
  orphans:
    "list data and manifest files under the table's location that no snapshot references and older than --older-than; --delete deletes them",
} as const;
export type CommandName = keyof typeof COMMANDS;

export interface TableOptions {
  table: string;
  catalogUri: string;
  /** ICEBERG_CATALOG_TOKEN / ICEBERG_CATALOG_CREDENTIAL (secrets), with the OAuth2 endpoint and scope. */
  auth: CatalogAuthOptions;
  /** undefined: AWS S3 itself. */
  endpoint: string | undefined;
  region: string;
  json: boolean;
}

export interface CompactCommand extends TableOptions {
  command: "compact";
  targetFileSizeBytes: number;
  minFileSizeBytes?: number;
  minFiles: number;
  /** `--partition` values as given (YYYY-MM-DD or YYYY-MM-DD-HH), turned into partition values once the spec is known. */
  partitions: string[];
  dryRun: boolean;
}

export interface OrphansCommand extends TableOptions {
  command: "orphans";
  olderThanMs: number;
  delete: boolean;
}

export type TableCommand = CompactCommand | OrphansCommand;

/** 1 day: nothing that young is touched (an upload whose commit is in flight or being retried). */
export const DEFAULT_OLDER_THAN = "1d";

const bytes = (flag: string) => (v: string) => {
  const n = parseBytes(v);
  if (n === undefined) throw new InvalidArgumentError(`${flag} takes a size such as 128MiB, 64m or 1048576.`);
  return n;
};

function common(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        "--iceberg-table <ns.table>",
        "the table (default weblog.logs, as the sink's iceberg.tables)",
      ),
    )
    .addOption(
      new Option(
        "--iceberg-catalog-uri <url>",
        "its Iceberg REST catalog (default http://localhost:8181)",
      ).env("ICEBERG_CATALOG_URI"),
    )
    .addOption(
      new Option(
        "--iceberg-oauth2-server-uri <url>",
        "token endpoint for ICEBERG_CATALOG_CREDENTIAL (default <catalog>/v1/oauth/tokens)",
      ),
    )
    .addOption(new Option("--iceberg-catalog-scope <scope>", "OAuth2 scope (default catalog)"))
    .addOption(
      new Option(
        "--endpoint <url>",
        'S3 endpoint of the table\'s bucket, path-style (default http://localhost:9000; "aws" for AWS S3)',
      ).env("S3_ENDPOINT"),
    )
    .addOption(new Option("--region <region>", "S3 region (default S3_REGION, AWS_REGION or us-east-1)"))
    .addOption(new Option("--json", "print the result as one JSON document"))
    .addHelpText(
      "after",
      "\nEnvironment: ICEBERG_CATALOG_TOKEN (a bearer token) or ICEBERG_CATALOG_CREDENTIAL (OAuth2 client_id:client_secret)\nfor a catalog that wants auth (secrets stay off argv); S3 credentials from the AWS SDK chain (AWS_ACCESS_KEY_ID, ...).",
    );
}

export function buildCommand(name: CommandName): Command {
  const cmd = common(createCommand(`weblog-table ${name}`, COMMANDS[name]));
  if (name === "compact") {
    return cmd
      .addOption(
        new Option(
          "--target-file-size <size>",
          "size a new file aims at; files under 75% of it are small (default 128MiB)",
        ).argParser(bytes("--target-file-size")),
      )
      .addOption(
        new Option(
          "--min-file-size <size>",
          "files at least this large are left alone (default 75% of the target)",
        ).argParser(bytes("--min-file-size")),
      )
      .addOption(
        new Option(
          "--min-files <n>",
          "compact a partition only with at least this many small files (default 2)",
        ).argParser(parsers.int("--min-files", { min: 2 })),
      )
      .addOption(
        new Option(
          "--partition <value...>",
          "only these partitions: a day YYYY-MM-DD (day-partitioned table) or an hour YYYY-MM-DD-HH (hourly)",
        ),
      )
      .addOption(
        new Option("--dry-run", "print the plan (files, bytes, partitions), write and commit nothing"),
      );
  }
  return cmd
    .addOption(
      new Option(
        "--older-than <age>",
        `only files last modified longer ago than this, e.g. 1d, 36h, 90m (default ${DEFAULT_OLDER_THAN}: an upload whose commit is in flight is never touched)`,
      ).argParser((v) => {
        const ms = parseAge(v);
        if (ms === undefined)
          throw new InvalidArgumentError("--older-than takes an age such as 1d, 36h, 90m or 10s.");
        return ms;
      }),
    )
    .addOption(new Option("--delete", "delete the files listed (default: list only)"));
}

function commonOptions(f: Record<string, unknown>, env: NodeJS.ProcessEnv): TableOptions {
  const table = (f.icebergTable as string | undefined) ?? "weblog.logs";
  if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/.test(table))
    throw new UsageError(`--iceberg-table "${table}" is not namespace.table, e.g. weblog.logs.`);
  const url = /^https?:\/\/[^\s/@]+(:\d+)?(\/\S*)?$/;
  const catalogUri = (f.icebergCatalogUri as string | undefined) ?? "http://localhost:8181";
  if (!url.test(catalogUri))
    throw new UsageError(
      "--iceberg-catalog-uri is not an http(s) URL without user info, e.g. http://localhost:8181.",
    );
  const oauth2ServerUri = f.icebergOauth2ServerUri as string | undefined;
  if (oauth2ServerUri !== undefined && !url.test(oauth2ServerUri))
    throw new UsageError(
      "--iceberg-oauth2-server-uri is not an http(s) URL without user info, e.g. https://auth.example.com/oauth/token.",
    );
  const scope = f.icebergCatalogScope as string | undefined;
  if (scope !== undefined && scope.trim() === "")
    throw new UsageError("--iceberg-catalog-scope is empty: give e.g. catalog.");
  let endpoint: string | undefined = (f.endpoint as string | undefined) ?? "http://localhost:9000";
  if (endpoint.trim() === "" || endpoint.trim().toLowerCase() === "aws") endpoint = undefined;
  else if (!/^https?:\/\/\S+$/.test(endpoint))
    throw new UsageError(
      `--endpoint "${endpoint}" is not an http(s) URL; e.g. --endpoint http://localhost:9000`,
    );
  const auth: TableOptions["auth"] = catalogAuthFromEnv(env);
  if (oauth2ServerUri !== undefined) auth.oauth2ServerUri = oauth2ServerUri;
  if (scope !== undefined) auth.scope = scope;
  return {
    table,
    catalogUri,
    auth,
    endpoint,
    region: (f.region as string | undefined) ?? env.S3_REGION ?? env.AWS_REGION ?? "us-east-1",
    json: f.json === true,
  };
}

/** argv after the command name -> options; bad flags are UsageErrors (one line, exit 2). */
export function parseCommand(
  name: CommandName,
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): TableCommand {
  const cmd = buildCommand(name);
  cmd.parse(argv, { from: "user" });
  const f = cmd.opts<Record<string, unknown>>();
  const base = commonOptions(f, env);
  if (name === "orphans") {
    return {
      ...base,
      command: "orphans",
      olderThanMs: (f.olderThan as number | undefined) ?? (parseAge(DEFAULT_OLDER_THAN) as number),
      delete: f.delete === true,
    };
  }
  const target = (f.targetFileSize as number | undefined) ?? DEFAULT_TARGET_FILE_SIZE;
  const min = f.minFileSize as number | undefined;
  if (min !== undefined && min > target)
    throw new UsageError(
      "--min-file-size is above --target-file-size: a small file must fit a new one; lower it.",
    );
  const partitions = (f.partition as string[] | undefined) ?? [];
  for (const p of partitions)
    if (!/^\d{4}-\d{2}-\d{2}(-\d{2})?$/.test(p) || Number.isNaN(Date.parse(`${p.slice(0, 10)}T00:00:00Z`)))
      throw new UsageError(
        `--partition "${p}" is not a day YYYY-MM-DD or an hour YYYY-MM-DD-HH, e.g. 2026-11-25.`,
      );
  return {
    ...base,
    command: "compact",
    targetFileSizeBytes: target,
    ...(min !== undefined ? { minFileSizeBytes: min } : {}),
    minFiles: (f.minFiles as number | undefined) ?? 2,
    partitions,
    dryRun: f.dryRun === true,
  };
}

/** `weblog-table --help`: the commands. */
export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([n, d]) => `  ${n.padEnd(9)}${d}`);
  return `Usage: weblog-table <command> [options]\n\nMaintenance of the sink's Apache Iceberg table.\n\nCommands:\n${lines.join("\n")}\n\nweblog-table <command> --help for its options.\n`;
}
