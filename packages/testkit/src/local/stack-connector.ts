import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { TestkitError } from "../errors";
import {
  AIVEN_S3_SINK_CLASS,
  localConnectorConfig,
  pluginStatus,
  readConnectorFile,
} from "./connect-plugins";
import { problemLines, putConnector, validateConnector, waitConnectorRunning } from "./connect-rest";
import {
  createIcebergTableIfMissing,
  ensureTopics,
  ICEBERG_SINK_FILE,
  ICEBERG_TABLE_FILE,
  localIcebergConfig,
} from "./iceberg-connect";

/** The connector `pnpm stack up` registers (CONNECTOR_FILE overrides; relative to the repo root). */
export const STACK_CONNECTOR_FILE = "infra/connect/aiven-s3-sink.json";

/** The plugin folder a connector class comes from, for the install check. */
const PLUGIN_OF: Record<string, string> = { [AIVEN_S3_SINK_CLASS]: "aiven-s3" };

export type StackConnector = { name: string; file: string };

/**
 * Registers the stack's connector on the worker like the compose stack's connect-register service: the install
 * check of its plugin, the worker's validate answer (a bad key is one line naming it), an idempotent
 * `PUT /connectors/<name>/config` with the S3 endpoint and bucket remapped to the local server, then a bounded wait
 * until its task is RUNNING. Returns undefined (and says why) when the plugin is not installed, so the rest of the
 * stack stays usable; any other failure throws.
 */
export async function registerStackConnector(opts: {
  url: string;
  logFile: string;
  s3: { endpoint: string; bucket: string };
  file?: string;
  say: (line: string) => void;
}): Promise<StackConnector | undefined> {
  const file = resolve(opts.file ?? (process.env.CONNECTOR_FILE?.trim() || STACK_CONNECTOR_FILE));
  if (!existsSync(file)) {
    throw new TestkitError(
      "INVALID_OPTION",
      `connector file ${file} not found: set CONNECTOR_FILE or run from the repo root`,
    );
  }
  const { name, config } = readConnectorFile(file);
  const plugin = PLUGIN_OF[config["connector.class"] ?? ""];
  if (plugin) {
    const status = pluginStatus(plugin);
    if (!status.installed) {
      opts.say(`connector ${name} not registered: ${status.reason}`);
      return undefined;
    }
  }
  const local = localConnectorConfig(config, opts.s3);
  const problems = await validateConnector(opts.url, local);
  if (problems.length) throw new TestkitError("INVALID_OPTION", problemLines(file, problems));
  await putConnector(opts.url, name, local);
  await waitConnectorRunning(opts.url, name, { timeoutMs: 90_000, logFile: opts.logFile });
  opts.say(`connector ${name} RUNNING (${file})`);
  return { name, file };
}

/**
 * `pnpm stack up --connect-iceberg`: Apache Iceberg's Kafka Connect sink from infra/connect/iceberg-sink.json,
 * beside the S3 connector: its table (the file's `iceberg.tables`, created with the web-log schema of
 * infra/connect/iceberg-table.json) and control topic are made if missing, the catalog URI and S3 endpoint remapped
 * to the local servers, validated, PUT (idempotent), RUNNING. Undefined (and why) when the plugin is not installed.
 */
export async function registerStackIcebergConnector(opts: {
  url: string;
  logFile: string;
  bootstrap: string;
  catalogUri: string;
  s3Endpoint: string;
  say: (line: string) => void;
}): Promise<(StackConnector & { table: string }) | undefined> {
  const status = pluginStatus("iceberg");
  if (!status.installed) {
    opts.say(`Iceberg connector not registered: ${status.reason}`);
    return undefined;
  }
  const file = resolve(ICEBERG_SINK_FILE);
  if (!existsSync(file)) {
    throw new TestkitError("INVALID_OPTION", `connector file ${file} not found: run from the repo root`);
  }
  const { name, config } = readConnectorFile(file);
  const table = config["iceberg.tables"] ?? "";
  const local = localIcebergConfig(config, {
    catalogUri: opts.catalogUri,
    s3Endpoint: opts.s3Endpoint,
    region: "us-east-1",
  });
  await createIcebergTableIfMissing(opts.catalogUri, table, resolve(ICEBERG_TABLE_FILE));
  await ensureTopics(opts.bootstrap, [
    { topic: local["iceberg.control.topic"] ?? "control-iceberg", numPartitions: 1 },
  ]);
  const problems = await validateConnector(opts.url, local);
  if (problems.length) throw new TestkitError("INVALID_OPTION", problemLines(file, problems));
  await putConnector(opts.url, name, local);
  await waitConnectorRunning(opts.url, name, { timeoutMs: 120_000, logFile: opts.logFile });
  opts.say(`connector ${name} RUNNING (${file}) into table ${table}`);
  return { name, file, table };
}
