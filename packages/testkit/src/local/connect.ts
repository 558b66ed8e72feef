import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onProcessExit } from "../cleanup";
import { TestkitError } from "../errors";
import { uniqueName } from "../names";
import { freePort } from "../ports";
import { requireJava } from "./java";
import { launchJvm, tailOf } from "./jvm";
import { log4jConfig, propertiesText } from "./kafka";
import { KAFKA_VERSION, kafkaLibsDir } from "./paths";
import { pollUntil } from "./wait";

export type LocalConnectOptions = {
  /** The Kafka cluster the worker uses for its group and internal topics. */
  bootstrap: string;
  /** Directories the worker loads connector plugins from (plugin.path). May be empty. */
  pluginPath?: string[];
  /** REST port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Worker settings on top of the defaults (e.g. from docker-compose.yaml's environment). */
  properties?: Record<string, string>;
  dir?: string;
  heapMiB?: number;
  detached?: boolean;
  /** Environment of the worker (e.g. AWS_ACCESS_KEY_ID for an S3 sink's credential chain). */
  env?: NodeJS.ProcessEnv;
  /**
   * The worker's group.id (default: a fresh unique one). Give the one of a worker that died to restart it: its
   * connectors, their configs and committed offsets live in that group's topics.
   */
  groupId?: string;
  /** Deadline for "REST answers GET /connectors" (default 120 s). */
  startTimeoutMs?: number;
};

export type LocalConnect = {
  /** http://127.0.0.1:PORT */
  url: string;
  version: string;
  groupId: string;
  pgid: number;
  dir: string;
  logFile: string;
  startupMs: number;
  stop(): Promise<void>;
};

/**
 * Kafka's EnvVarConfigProvider on the worker, as in docker-compose.yaml: a connector JSON says
 * `"aws.secret.access.key": "${env:AWS_SECRET_ACCESS_KEY}"` and the worker resolves it from its own environment when
 * it starts the task, so no secret is in the JSON, the config topic, the REST answers or the log. Only AWS_* variables
 * can be read that way (allowlist).
 */
export const ENV_CONFIG_PROVIDER: Record<string, string> = {
  "config.providers": "env",
  "config.providers.env.class": "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
  "config.providers.env.param.allowlist.pattern": "AWS_.*",
};

/**
 * A distributed worker's properties: its own group and internal topics (unique names, replication 1, so several
 * workers can share one test broker), REST on 127.0.0.1, String keys and schemaless JSON values (like the compose
 * stack's worker), the `env` config provider. `extra` wins over every default.
 */
export function workerProperties(
  bootstrap: string,
  port: number,
  groupId: string,
  pluginPath: string[],
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    "bootstrap.servers": bootstrap,
    "group.id": groupId,
    "config.storage.topic": `_${groupId}-configs`,
    "offset.storage.topic": `_${groupId}-offsets`,
    "status.storage.topic": `_${groupId}-status`,
    "config.storage.replication.factor": "1",
    "offset.storage.replication.factor": "1",
    "status.storage.replication.factor": "1",
    "offset.storage.partitions": "1",
    "status.storage.partitions": "1",
    "key.converter": "org.apache.kafka.connect.storage.StringConverter",
    "value.converter": "org.apache.kafka.connect.json.JsonConverter",
    "value.converter.schemas.enable": "false",
    listeners: `http://127.0.0.1:${port}`,
    "rest.advertised.host.name": "127.0.0.1",
    "rest.advertised.port": String(port),
    "plugin.path": pluginPath.join(","),
    "plugin.discovery": "hybrid_warn",
    ...ENV_CONFIG_PROVIDER,
    ...extra,
  };
}

async function answersRest(url: string): Promise<true | undefined> {
  const res = await fetch(`${url}/connectors`, { signal: AbortSignal.timeout(2000) });
  await res.body?.cancel();
  return res.ok ? true : undefined;
}

/**
 * Kafka Connect in distributed mode (org.apache.kafka.connect.cli.ConnectDistributed) from the cached jars, on
 * 127.0.0.1. Resolves once `GET /connectors` answers 200, i.e. the worker has joined its group and read its config
 * topic. A start that fails shows the log's last lines.
 */
export async function startLocalConnect(options: LocalConnectOptions): Promise<LocalConnect> {
  const libs = kafkaLibsDir();
  requireJava(); // before any temp dir exists, so a missing JDK leaves nothing behind
  const began = Date.now();
  const port = options.port ?? (await freePort());
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "weblog-connect-"));
  mkdirSync(dir, { recursive: true });
  const groupId = options.groupId ?? options.properties?.["group.id"] ?? uniqueName("weblog-connect");
  const logFile = join(dir, "connect.log");
  const propsFile = join(dir, "worker.properties");
  const log4jFile = join(dir, "log4j2.properties");
  writeFileSync(
    propsFile,
    propertiesText(
      workerProperties(options.bootstrap, port, groupId, options.pluginPath ?? [], options.properties),
    ),
  );
  writeFileSync(log4jFile, log4jConfig(logFile));
  const removeDir = () => {
    if (ownDir && !options.detached) rmSync(dir, { recursive: true, force: true });
  };
  const untrackDir = options.detached ? () => {} : onProcessExit(removeDir);
  const jvm = launchJvm({
    mainClass: "org.apache.kafka.connect.cli.ConnectDistributed",
    args: [propsFile],
    classpath: [`${libs}/*`],
    heapMiB: options.heapMiB ?? 512,
    logFile: join(dir, "stdout.log"),
    jvmOptions: [`-Dlog4j2.configurationFile=${log4jFile}`],
    env: { ...process.env, ...options.env },
    detached: options.detached,
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await jvm.stop(15_000);
    untrackDir();
    removeDir();
  };
  const ready = await pollUntil(() => answersRest(url), {
    timeoutMs: options.startTimeoutMs ?? 120_000,
    intervalMs: 300,
    failed: () => (jvm.exited() ? `exited with ${jvm.child.exitCode ?? jvm.child.signalCode}` : undefined),
  });
  if (!("value" in ready)) {
    const why = "failure" in ready ? ready.failure : "did not answer GET /connectors in time";
    const tail = tailOf(logFile, 8) || tailOf(join(dir, "stdout.log"), 8);
    await stop();
    throw new TestkitError(
      "START_FAILED",
      `Kafka Connect ${KAFKA_VERSION} on ${url} ${why}; last lines of ${logFile}:\n${tail}`,
    );
  }
  return {
    url,
    version: KAFKA_VERSION,
    groupId,
    pgid: jvm.pgid,
    dir,
    logFile,
    startupMs: Date.now() - began,
    stop,
  };
}
