import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { onProcessExit } from "../cleanup";
import { TestkitError } from "../errors";
import { freePort } from "../ports";
import { requireJava } from "./java";
import { launchJvm, tailOf } from "./jvm";
import { KAFKA_VERSION, kafkaLibsDir } from "./paths";
import { pollUntil } from "./wait";

export type LocalKafkaOptions = {
  /** Client port on 127.0.0.1 (default: a free one). The controller gets another free port. */
  port?: number;
  /** Where data and logs go (default: a fresh temp dir, removed by stop() unless detached). */
  dir?: string;
  /** Broker settings on top of the defaults (e.g. from docker-compose.yaml's environment). */
  properties?: Record<string, string>;
  heapMiB?: number;
  detached?: boolean;
  /** Deadline for "answers metadata" (default 60 s). */
  startTimeoutMs?: number;
  /**
   * Start the broker of `dir` again with its data (`pnpm stack up` after a crash): when `dir` holds a formatted
   * store, its cluster id and its controller port are reused and nothing is formatted. Default false: a fresh store.
   */
  keepData?: boolean;
};

export type LocalKafka = {
  bootstrap: string;
  version: string;
  /** The wrapper's process group (what `stack down` signals). */
  pgid: number;
  dir: string;
  logFile: string;
  /** Milliseconds from launch to "answers metadata". */
  startupMs: number;
  stop(): Promise<void>;
};

/**
 * The broker's server.properties: one KRaft node that is broker and controller, PLAINTEXT on 127.0.0.1:port,
 * replication 1 for internal topics, no initial rebalance delay, auto-create on with 4 partitions (like the compose
 * stack). `extra` wins over every default.
 */
export function brokerProperties(
  port: number,
  controllerPort: number,
  dataDir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    "process.roles": "broker,controller",
    "node.id": "1",
    "controller.quorum.bootstrap.servers": `127.0.0.1:${controllerPort}`,
    "controller.listener.names": "CONTROLLER",
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    "advertised.listeners": `PLAINTEXT://127.0.0.1:${port}`,
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "inter.broker.listener.name": "PLAINTEXT",
    "log.dirs": dataDir,
    "offsets.topic.replication.factor": "1",
    "offsets.topic.num.partitions": "4",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "share.coordinator.state.topic.replication.factor": "1",
    "share.coordinator.state.topic.min.isr": "1",
    "group.initial.rebalance.delay.ms": "0",
    "num.partitions": "4",
    "auto.create.topics.enable": "true",
    ...extra,
  };
}

export function propertiesText(props: Record<string, string>): string {
  return `${Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n")}\n`;
}

/** log4j2 configuration writing everything at INFO (and Kafka's noisy loggers at WARN) to one file. */
export function log4jConfig(logFile: string): string {
  return [
    "status = warn",
    "appender.file.type = File",
    "appender.file.name = file",
    `appender.file.fileName = ${logFile}`,
    "appender.file.layout.type = PatternLayout",
    "appender.file.layout.pattern = [%d] %p %m (%c)%n",
    "rootLogger.level = info",
    "rootLogger.appenderRef.file.ref = file",
    "logger.reflections.name = org.reflections",
    "logger.reflections.level = error",
    "logger.clients.name = org.apache.kafka.clients",
    "logger.clients.level = warn",
    "",
  ].join("\n");
}

/**
 * Does the broker answer a metadata request (DescribeCluster) right now, as the cluster we formatted? (Another
 * broker already on the port would answer too, with another cluster id.)
 */
async function answersMetadata(bootstrap: string, clusterId: string): Promise<true | undefined> {
  const kafka = new Kafka({
    brokers: [bootstrap],
    clientId: "testkit-ready",
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.clusterId !== clusterId)
      throw new Error(`${bootstrap} is another cluster (${cluster.clusterId})`);
    return cluster.brokers.length > 0 ? true : undefined;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** The cluster id and controller port of a store formatted earlier in `dir`, if there is one. */
function formattedStore(
  dir: string,
  dataDir: string,
): { clusterId: string; controllerPort: number } | undefined {
  const meta = join(dataDir, "meta.properties");
  const props = join(dir, "server.properties");
  if (!existsSync(meta) || !existsSync(props)) return undefined;
  const clusterId = /^cluster\.id=(.+)$/m.exec(readFileSync(meta, "utf8"))?.[1]?.trim();
  const controller = /^controller\.quorum\.bootstrap\.servers=.*:(\d+)$/m.exec(
    readFileSync(props, "utf8"),
  )?.[1];
  return clusterId && controller ? { clusterId, controllerPort: Number(controller) } : undefined;
}

async function formatStore(
  common: { classpath: string[]; logFile: string; jvmOptions: string[] },
  clusterId: string,
  propsFile: string,
): Promise<number | null> {
  const format = launchJvm({
    ...common,
    mainClass: "kafka.tools.StorageTool",
    args: ["format", "--standalone", "-t", clusterId, "-c", propsFile],
    heapMiB: 128,
  });
  return new Promise<number | null>((resolve) => format.child.once("exit", resolve));
}

/**
 * Apache Kafka (KRaft, combined broker+controller) from the cached Maven jars, on 127.0.0.1: formats a fresh
 * storage directory (kafka.tools.StorageTool, standalone controller), starts kafka.Kafka with a small heap, and
 * resolves once the broker answers metadata. A start that fails shows the log's last lines.
 */
export async function startLocalKafka(options: LocalKafkaOptions = {}): Promise<LocalKafka> {
  const libs = kafkaLibsDir();
  requireJava(); // before any temp dir exists, so a missing JDK leaves nothing behind
  const began = Date.now();
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "weblog-kafka-"));
  mkdirSync(dir, { recursive: true });
  const dataDir = join(dir, "data");
  const kept = options.keepData ? formattedStore(dir, dataDir) : undefined;
  const [port, controllerPort] = await Promise.all([
    options.port ?? freePort(),
    kept?.controllerPort ?? freePort(),
  ]);
  const logFile = join(dir, "server.log");
  const propsFile = join(dir, "server.properties");
  const log4jFile = join(dir, "log4j2.properties");
  writeFileSync(
    propsFile,
    propertiesText(brokerProperties(port, controllerPort, dataDir, options.properties)),
  );
  writeFileSync(log4jFile, log4jConfig(logFile));
  const removeDir = () => {
    if (ownDir && !options.detached) rmSync(dir, { recursive: true, force: true });
  };
  const untrackDir = options.detached ? () => {} : onProcessExit(removeDir);
  const common = {
    classpath: [`${libs}/*`],
    logFile: join(dir, "stdout.log"),
    jvmOptions: [`-Dlog4j2.configurationFile=${log4jFile}`],
  };

  const clusterId = kept?.clusterId ?? randomUUID().replace(/-/g, "").slice(0, 22);
  const formatted = kept ? 0 : await formatStore(common, clusterId, propsFile);
  if (formatted !== 0) {
    untrackDir();
    const why = tailOf(common.logFile, 5) || tailOf(logFile, 5);
    removeDir();
    throw new TestkitError("START_FAILED", `kafka storage format failed (exit ${formatted}): ${why}`);
  }

  const jvm = launchJvm({
    ...common,
    mainClass: "kafka.Kafka",
    args: [propsFile],
    heapMiB: options.heapMiB ?? 512,
    detached: options.detached,
  });
  const bootstrap = `127.0.0.1:${port}`;
  const stop = async () => {
    await jvm.stop();
    untrackDir();
    removeDir();
  };
  const ready = await pollUntil(() => answersMetadata(bootstrap, clusterId), {
    timeoutMs: options.startTimeoutMs ?? 60_000,
    intervalMs: 250,
    failed: () => (jvm.exited() ? `exited with ${jvm.child.exitCode ?? jvm.child.signalCode}` : undefined),
  });
  if (!("value" in ready)) {
    const why = "failure" in ready ? ready.failure : "did not answer metadata in time";
    const tail = tailOf(logFile, 8) || tailOf(common.logFile, 8);
    await stop();
    throw new TestkitError(
      "START_FAILED",
      `Kafka ${KAFKA_VERSION} on ${bootstrap} ${why}; last lines of ${logFile}:\n${tail}`,
    );
  }
  return {
    bootstrap,
    version: KAFKA_VERSION,
    pgid: jvm.pgid,
    dir,
    logFile,
    startupMs: Date.now() - began,
    stop,
  };
}
