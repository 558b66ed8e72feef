/**
 * The demo's two engines between Kafka and S3, behind one shape:
 * - `sink` (default): our consumer (`apps/consumer --sink`) as a child process; it commits only what is in S3 and
 *   commits the rest on SIGTERM;
 * - `connect`: the seed's pipeline, Kafka Connect with Aiven's S3 sink (infra/connect/aiven-s3-sink.json) on a
 *   local worker; its consumer group is `connect-<name>`, and the verifier reads the connector JSON (`--config`);
 * - `connect-iceberg`: the seed's path into a table, Kafka Connect with Apache Iceberg's own sink
 *   (infra/connect/iceberg-sink.json) writing the web-log table through the local REST catalog; the verifier
 *   checks the table with the group's committed offsets (`--iceberg-offsets kafka`: Apache's snapshots carry its
 *   control topic's offsets, not the data topic's).
 */
import { fileURLToPath } from "node:url";
import { ExpectedError } from "@weblog/cli";
import {
  type CliHandle,
  spawnCli,
  startAivenConnect,
  startIcebergConnect,
  TestkitError,
} from "@weblog/testkit";

export type EngineName = "sink" | "connect" | "connect-iceberg";
export const ENGINES: readonly EngineName[] = ["sink", "connect", "connect-iceberg"];
/** The engines that run on a Kafka Connect worker (they need the S3 server itself, not startS3()'s proxy). */
export const isConnectEngine = (name: EngineName) => name !== "sink";

export type EngineContext = {
  bootstrap: string;
  s3: {
    endpoint: string;
    region: string;
    bucket: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  topic: string;
  group: string;
  flushSize: number;
  rotateScheduleIntervalMs: number;
  consumerPath: string;
  env: NodeJS.ProcessEnv;
  dir: string;
  /** More flags for our sink (--format ...). */
  sinkArgs?: string[];
  /** Our sink's --metrics-port (demo --ui); Kafka Connect has none. */
  metricsPort?: number;
  /** The table and its REST catalog (`--format iceberg`, `--engine connect-iceberg`). */
  iceberg?: { catalogUri: string; table: string };
};

export type RunningEngine = {
  /** One line for the demo's step list. */
  describe: string;
  /** The consumer group whose commits mean "in S3". */
  group: string;
  /** Verifier flags for this engine's layout and limits. */
  verifierArgs: string[];
  /** Verifier flags beside --iceberg-table for this engine's table (none: the offsets are in the table). */
  tableVerifierArgs?: string[];
  /** Why the engine stopped on its own, or undefined while it runs. */
  failure(): string | undefined;
  /** After delivery: make the engine commit what it has and stop (ours), or nothing (Connect already committed). */
  finish(): Promise<void>;
  stop(): Promise<void>;
};

const tail = (text: string, lines = 8) => text.trim().split("\n").slice(-lines).join("\n");
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

async function startSink(c: EngineContext): Promise<RunningEngine> {
  const args = [
    "--sink",
    ...["--brokers", c.bootstrap, "--group", c.group, "--topics", c.topic],
    ...["--bucket", c.s3.bucket, "--store-url", c.s3.endpoint, "--region", c.s3.region],
    ...[
      "--flush-size",
      String(c.flushSize),
      "--rotate-schedule-interval-ms",
      String(c.rotateScheduleIntervalMs),
    ],
    ...(c.metricsPort === undefined ? [] : ["--metrics-port", String(c.metricsPort)]),
    ...(c.sinkArgs ?? []),
  ];
  const sink: CliHandle = spawnCli(c.consumerPath, args, { env: c.env });
  let exited = false;
  void sink.waitForExit(10 * 60_000).then(
    () => {
      exited = true;
    },
    () => {},
  );
  return {
    describe: `sink: consumer --sink, group ${c.group}, flush.size ${c.flushSize}, rotate.schedule.interval.ms ${c.rotateScheduleIntervalMs}`,
    group: c.group,
    verifierArgs: ["--flush-size", String(c.flushSize)],
    failure: () => (exited ? `the sink stopped on its own:\n${tail(sink.stderr())}` : undefined),
    async finish() {
      sink.kill("SIGTERM");
      const r = await sink.waitForExit(15_000);
      if (r.code !== 0) {
        throw new ExpectedError(`the sink exited ${r.code} on SIGTERM:\n${tail(r.stderr)}`, {
          code: "FAILED",
        });
      }
    },
    async stop() {
      sink.kill("SIGTERM");
      await sink.waitForExit(10_000).catch(() => {});
    },
  };
}

async function startConnect(c: EngineContext): Promise<RunningEngine> {
  try {
    const connect = await startAivenConnect({
      bootstrap: c.bootstrap,
      s3: c.s3,
      bucket: c.s3.bucket,
      topic: c.topic,
      repoRoot: REPO_ROOT,
      dir: c.dir,
    });
    return {
      describe: `Kafka Connect ${connect.worker.url} with Aiven's S3 sink, connector ${connect.name} RUNNING (group ${connect.group}; worker log ${connect.worker.logFile})`,
      group: connect.group,
      verifierArgs: ["--config", connect.configFile],
      failure: () => undefined,
      finish: async () => {},
      stop: () => connect.stop(),
    };
  } catch (err) {
    // a missing plugin, a bad connector key, a FAILED task: one line from the testkit, exit 2
    if (err instanceof TestkitError) throw new ExpectedError(err.message);
    throw err;
  }
}

async function startConnectIceberg(c: EngineContext): Promise<RunningEngine> {
  if (!c.iceberg) throw new Error("connect-iceberg needs the table's catalog");
  try {
    const connect = await startIcebergConnect({
      bootstrap: c.bootstrap,
      s3: c.s3,
      bucket: c.s3.bucket,
      catalogUri: c.iceberg.catalogUri,
      topic: c.topic,
      table: c.iceberg.table,
      repoRoot: REPO_ROOT,
      dir: c.dir,
    });
    return {
      describe: `Kafka Connect ${connect.worker.url} with Apache Iceberg's sink, connector ${connect.name} RUNNING into ${c.iceberg.table} (group ${connect.group}, control topic ${connect.controlTopic}; worker log ${connect.worker.logFile})`,
      group: connect.group,
      verifierArgs: [],
      tableVerifierArgs: ["--iceberg-offsets", "kafka"],
      failure: () => undefined,
      finish: async () => {},
      stop: () => connect.stop(),
    };
  } catch (err) {
    if (err instanceof TestkitError) throw new ExpectedError(err.message);
    throw err;
  }
}

export function startEngine(name: EngineName, c: EngineContext): Promise<RunningEngine> {
  if (name === "connect-iceberg") return startConnectIceberg(c);
  return name === "connect" ? startConnect(c) : startSink(c);
}
