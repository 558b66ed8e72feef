import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { TestkitError } from "../errors";
import { uniqueName } from "../names";
import { createBucketIfMissing, makeClient, type S3Target } from "../s3/client";
import { type LocalConnect, startLocalConnect } from "./connect";
import { type ConnectorFile, pluginRoot, pluginStatus, readConnectorFile } from "./connect-plugins";
import {
  type ConnectorConfig,
  problemLines,
  putConnector,
  validateConnector,
  waitConnectorRunning,
} from "./connect-rest";

/**
 * The seed's pipeline into a table with Apache Iceberg's own Kafka Connect sink: a worker with the `iceberg` plugin
 * (infra/local/connect/iceberg/pom.xml), infra/connect/iceberg-sink.json registered for one topic and one table of
 * a REST catalog, RUNNING. The table is created first (infra/connect/iceberg-table.json: the web-log schema and
 * partition spec our sink's tables have), so both sinks write the same columns and every reader reads both.
 */
export const ICEBERG_SINK_CLASS = "org.apache.iceberg.connect.IcebergSinkConnector";
export const ICEBERG_SINK_FILE = "infra/connect/iceberg-sink.json";
export const ICEBERG_TABLE_FILE = "infra/connect/iceberg-table.json";

/**
 * The connector's catalog and S3 settings pointed at local servers; `extra` wins. Credentials stay `${env:...}`
 * references (the worker's EnvVarConfigProvider resolves them), never values.
 */
export function localIcebergConfig(
  config: ConnectorConfig,
  local: { catalogUri: string; s3Endpoint: string; region: string; table?: string },
  extra: ConnectorConfig = {},
): ConnectorConfig {
  return {
    ...config,
    "iceberg.catalog.uri": local.catalogUri,
    "iceberg.catalog.s3.endpoint": local.s3Endpoint,
    "iceberg.catalog.client.region": local.region,
    ...(local.table ? { "iceberg.tables": local.table } : {}),
    ...extra,
  };
}

/** Creates namespace and table (web-log schema, iceberg-table.json) through the REST catalog unless it exists. */
export async function createIcebergTableIfMissing(
  catalogUri: string,
  table: string,
  tableFile: string,
): Promise<void> {
  const parts = table.split(".");
  const name = parts.pop() as string;
  if (!name || parts.length === 0) {
    throw new TestkitError("INVALID_OPTION", `iceberg.tables: '${table}' is not namespace.table`);
  }
  const ns = encodeURIComponent(parts.join("\u001f"));
  const call = async (method: string, path: string, body?: object) => {
    const res = await fetch(`${catalogUri}/v1${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, text };
  };
  if ((await call("GET", `/namespaces/${ns}/tables/${encodeURIComponent(name)}`)).status === 200) return;
  const made = await call("POST", "/namespaces", { namespace: parts, properties: {} });
  if (made.status !== 200 && made.status !== 409) {
    throw new TestkitError(
      "START_FAILED",
      `create namespace ${parts.join(".")}: HTTP ${made.status} ${made.text}`,
    );
  }
  const body = JSON.parse(readFileSync(tableFile, "utf8")) as object;
  const created = await call("POST", `/namespaces/${ns}/tables`, { name, ...body });
  if (created.status !== 200 && created.status !== 409) {
    throw new TestkitError("START_FAILED", `create table ${table}: HTTP ${created.status} ${created.text}`);
  }
}

/** Creates topics (replication 1) unless they exist. */
export async function ensureTopics(bootstrap: string, topics: { topic: string; numPartitions: number }[]) {
  const admin = new Kafka({ brokers: bootstrap.split(","), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const have = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !have.has(t.topic));
    if (missing.length) await admin.createTopics({ topics: missing, waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export type IcebergConnectOptions = {
  bootstrap: string;
  /** The S3 server the catalog keeps the table in (point at the server directly, as for Aiven's sink). */
  s3: S3Target;
  /** The bucket of the catalog's warehouse (created if missing). */
  bucket: string;
  catalogUri: string;
  topic: string;
  /** namespace.table (created with the web-log schema if missing). */
  table: string;
  /** Connector settings over the file's (e.g. `iceberg.control.commit.interval-ms`). */
  settings?: ConnectorConfig;
  repoRoot: string;
  /** Where the effective connector JSON and the worker's files go. */
  dir: string;
};

export type IcebergConnect = {
  worker: LocalConnect;
  name: string;
  /** Connect's consumer group for the connector (`connect-<name>`). */
  group: string;
  controlTopic: string;
  /** The connector JSON as registered (local endpoints, topic, table; credentials still `${env:...}`). */
  configFile: string;
  /** Throws (the task's trace line) when the connector or its task FAILED: a wait on the table can fail at once. */
  assertRunning(): Promise<void>;
  stop(): Promise<void>;
};

export async function startIcebergConnect(opts: IcebergConnectOptions): Promise<IcebergConnect> {
  const plugin = pluginStatus("iceberg");
  if (!plugin.installed) throw new TestkitError("NOT_INSTALLED", plugin.reason);
  const client = makeClient(opts.s3);
  try {
    await createBucketIfMissing(client, opts.bucket);
  } finally {
    client.destroy();
  }
  await createIcebergTableIfMissing(opts.catalogUri, opts.table, join(opts.repoRoot, ICEBERG_TABLE_FILE));
  const file: ConnectorFile = readConnectorFile(join(opts.repoRoot, ICEBERG_SINK_FILE));
  const name = uniqueName(file.name);
  const controlTopic = uniqueName("control-iceberg");
  const dlq = `${opts.topic}-dlq`;
  const config = localIcebergConfig(
    file.config,
    { catalogUri: opts.catalogUri, s3Endpoint: opts.s3.endpoint, region: opts.s3.region, table: opts.table },
    {
      topics: opts.topic,
      "iceberg.control.topic": controlTopic,
      "errors.deadletterqueue.topic.name": dlq,
      ...opts.settings,
    },
  );
  await ensureTopics(opts.bootstrap, [
    { topic: controlTopic, numPartitions: 1 },
    { topic: dlq, numPartitions: 1 },
  ]);
  const configFile = join(opts.dir, `${name}.json`);
  writeFileSync(configFile, `${JSON.stringify({ name, config }, null, 2)}\n`);
  const worker = await startLocalConnect({
    bootstrap: opts.bootstrap,
    pluginPath: [pluginRoot()],
    groupId: uniqueName("weblog-connect"),
    dir: join(opts.dir, name), // the worker's log stays with the connector JSON, for a failure's post-mortem
    // resolved by the JSON's ${env:...} references (the worker's EnvVarConfigProvider): never in the config
    env: {
      AWS_ACCESS_KEY_ID: opts.s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: opts.s3.credentials.secretAccessKey,
      AWS_REGION: opts.s3.region,
    },
  });
  try {
    const problems = await validateConnector(worker.url, config);
    if (problems.length) throw new TestkitError("INVALID_OPTION", problemLines(configFile, problems));
    await putConnector(worker.url, name, config);
    await waitConnectorRunning(worker.url, name, { timeoutMs: 120_000, logFile: worker.logFile });
  } catch (err) {
    await worker.stop();
    throw err;
  }
  return {
    worker,
    name,
    group: `connect-${name}`,
    controlTopic,
    configFile,
    assertRunning: () =>
      waitConnectorRunning(worker.url, name, { timeoutMs: 10_000, logFile: worker.logFile }),
    stop: () => worker.stop(),
  };
}
