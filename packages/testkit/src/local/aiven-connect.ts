import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestkitError } from "../errors";
import { uniqueName } from "../names";
import { createBucketIfMissing, makeClient, type S3Target } from "../s3/client";
import { type LocalConnect, startLocalConnect } from "./connect";
import { localConnectorConfig, pluginRoot, pluginStatus, readConnectorFile } from "./connect-plugins";
import {
  type ConnectorConfig,
  problemLines,
  putConnector,
  validateConnector,
  waitConnectorRunning,
} from "./connect-rest";

/**
 * The seed's pipeline on local servers: a Kafka Connect worker with Aiven's S3 sink, the connector of
 * infra/connect/aiven-s3-sink.json registered for one topic and bucket (created if missing), RUNNING. For the end-to-end tests, the demo
 * (`--engine connect`) and the bench. Point `s3` at an S3 server directly (startLocalS3Server), not through
 * startS3()'s TCP proxy: the AWS SDK for Java's streamed PUTs stall behind it.
 */
export type AivenConnectOptions = {
  bootstrap: string;
  s3: S3Target;
  bucket: string;
  topic: string;
  /** Dead-letter topic (default: the file's). */
  dlqTopic?: string;
  /** Connector settings over the file's (e.g. `file.max.records` for a bench leg). */
  settings?: ConnectorConfig;
  /** The connector JSON (default: infra/connect/aiven-s3-sink.json under `repoRoot`). */
  connectorFile?: string;
  repoRoot: string;
  /** Worker's offset.flush.interval.ms: Aiven uploads what it holds at each commit (default 10 s, the seed's). */
  offsetFlushIntervalMs?: number;
  /** Where the effective connector JSON (for the verifier's --config) and the worker's files go. */
  dir: string;
};

export type AivenConnect = {
  worker: LocalConnect;
  /** The connector's name; Connect's consumer group is `connect-<name>`. */
  name: string;
  group: string;
  /** The connector JSON as registered (local endpoint, bucket, topic): give it to the verifier's --config. */
  configFile: string;
  /** A new worker in the same Connect group (after the old one was killed): the connector resumes from its offsets. */
  restart(): Promise<LocalConnect>;
  stop(): Promise<void>;
};

export async function startAivenConnect(opts: AivenConnectOptions): Promise<AivenConnect> {
  const plugin = pluginStatus("aiven-s3");
  if (!plugin.installed) throw new TestkitError("NOT_INSTALLED", plugin.reason);
  const client = makeClient(opts.s3);
  try {
    await createBucketIfMissing(client, opts.bucket);
  } finally {
    client.destroy();
  }
  const file = readConnectorFile(
    opts.connectorFile ?? join(opts.repoRoot, "infra/connect/aiven-s3-sink.json"),
  );
  const name = uniqueName(file.name);
  const config = localConnectorConfig(
    file.config,
    { endpoint: opts.s3.endpoint, bucket: opts.bucket },
    {
      topics: opts.topic,
      ...(opts.dlqTopic ? { "errors.deadletterqueue.topic.name": opts.dlqTopic } : {}),
      ...opts.settings,
    },
  );
  const configFile = join(opts.dir, `${name}.json`);
  writeFileSync(configFile, `${JSON.stringify({ name, config }, null, 2)}\n`);
  const groupId = uniqueName("weblog-connect");
  const start = () =>
    startLocalConnect({
      bootstrap: opts.bootstrap,
      pluginPath: [pluginRoot()],
      groupId,
      properties: { "offset.flush.interval.ms": String(opts.offsetFlushIntervalMs ?? 10_000) },
      // resolved by the JSON's ${env:...} references (the worker's EnvVarConfigProvider): never in the config
      env: {
        AWS_ACCESS_KEY_ID: opts.s3.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: opts.s3.credentials.secretAccessKey,
        AWS_REGION: opts.s3.region,
      },
    });
  let worker = await start();
  try {
    const problems = await validateConnector(worker.url, config);
    if (problems.length) throw new TestkitError("INVALID_OPTION", problemLines(configFile, problems));
    await putConnector(worker.url, name, config);
    await waitConnectorRunning(worker.url, name, { timeoutMs: 90_000, logFile: worker.logFile });
  } catch (err) {
    await worker.stop();
    throw err;
  }
  return {
    get worker() {
      return worker;
    },
    name,
    group: `connect-${name}`,
    configFile,
    async restart() {
      await worker.stop(); // reaps what is left of a killed worker (its watchdog, its temp dir)
      worker = await start();
      await waitConnectorRunning(worker.url, name, { timeoutMs: 120_000, logFile: worker.logFile });
      return worker;
    },
    stop: () => worker.stop(),
  };
}
