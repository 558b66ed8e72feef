import { rmSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { CreateBucketCommand, HeadBucketCommand } from "@aws-sdk/client-s3";
import { Kafka, logLevel } from "kafkajs";
import { TestkitError } from "../errors";
import { makeClient } from "../s3/client";
import { LOCAL_S3_CREDENTIALS } from "../s3/local-server";
import { waitConnectorRunning } from "./connect-rest";
import { registerStackConnector, registerStackIcebergConnector } from "./stack-connector";
import { STACK_SERVER_NAMES, type StackServerName, startStackServer, stopServers } from "./stack-start";
import {
  clearState,
  groupAlive,
  readState,
  type StackServer,
  type StackState,
  stackDir,
  writeState,
} from "./state";

/** What the compose stack creates too (kafka-init, minio-init): the apps' default topic, its DLQ, the bucket. */
export const STACK_TOPICS = [
  { topic: "weblogs", numPartitions: 4 },
  { topic: "weblogs-dlq", numPartitions: 1 },
];
export const STACK_BUCKET = "weblogs";

const say = (line: string) => process.stderr.write(`stack: ${line}\n`);

/** `export NAME=value` lines, one per variable, values shell-quoted when they need it. */
export function exportLines(env: Record<string, string>): string {
  const quote = (v: string) => (/^[\w@%+=:,./-]*$/.test(v) ? v : `'${v.replace(/'/g, "'\\''")}'`);
  return Object.entries(env)
    .map(([k, v]) => `export ${k}=${quote(v)}\n`)
    .join("");
}

/** Creates the stack's topics and bucket where missing (both idempotent: kept data stays). */
async function ensureTopicsAndBucket(kafka: StackServer, s3: StackServer): Promise<void> {
  const admin = new Kafka({
    brokers: [kafka.address],
    logLevel: logLevel.NOTHING,
    clientId: "weblog-stack",
  }).admin();
  await admin.connect();
  try {
    const have = new Set(await admin.listTopics());
    const missing = STACK_TOPICS.filter((t) => !have.has(t.topic));
    if (missing.length) {
      await admin.createTopics({
        topics: missing.map((t) => ({ ...t, replicationFactor: 1 })),
        waitForLeaders: true,
      });
    }
  } finally {
    await admin.disconnect();
  }
  const client = makeClient({ endpoint: s3.address, region: "us-east-1", credentials: LOCAL_S3_CREDENTIALS });
  try {
    await client
      .send(new HeadBucketCommand({ Bucket: STACK_BUCKET }))
      .catch(() => client.send(new CreateBucketCommand({ Bucket: STACK_BUCKET })));
  } finally {
    client.destroy();
  }
}

/** Does something accept TCP connections at host:port (the broker's listener)? */
function tcpAnswers(address: string): Promise<boolean> {
  const [host, port] = address.split(":");
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port), timeout: 2000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

/** Is each server of the state file alive and answering? */
async function answering(state: StackState): Promise<Map<string, boolean>> {
  const out = new Map<string, boolean>();
  for (const s of state.servers) {
    let ok = groupAlive(s.pgid);
    if (ok && s.name === "kafka") ok = await tcpAnswers(s.address);
    else if (ok) {
      const path = s.name === "connect" ? "/connectors" : s.name === "iceberg" ? "/v1/config" : "/";
      ok = await fetch(`${s.address}${path}`, {
        signal: AbortSignal.timeout(2000),
      }).then(
        (r) => r.status < 500 || s.name === "s3",
        () => false,
      );
    }
    out.set(s.name, ok);
  }
  return out;
}

/**
 * Registers the stack's connector; a connector the worker refuses (a bad key, a FAILED task) is one line and exit
 * code 2, the servers stay up.
 */
async function connectorStep(connect: StackServer, s3: StackServer, env: Record<string, string>) {
  try {
    const registered = await registerStackConnector({
      url: connect.address,
      logFile: connect.logFile,
      s3: { endpoint: s3.address, bucket: STACK_BUCKET },
      say,
    });
    if (registered) env.CONNECTOR_NAME = registered.name;
    else delete env.CONNECTOR_NAME;
    return 0;
  } catch (err) {
    if (!(err instanceof TestkitError)) throw err;
    delete env.CONNECTOR_NAME;
    say(`connector refused, servers left up: ${err.message.split("\n").join("; ")}`);
    return 2;
  }
}

/** `--connect-iceberg`: registers Apache Iceberg's sink too; refused is one line and exit 2, like the other. */
async function icebergConnectorStep(
  byName: (n: StackServerName) => StackServer,
  env: Record<string, string>,
) {
  try {
    const registered = await registerStackIcebergConnector({
      url: byName("connect").address,
      logFile: byName("connect").logFile,
      bootstrap: byName("kafka").address,
      catalogUri: byName("iceberg").address,
      s3Endpoint: byName("s3").address,
      say,
    });
    if (registered) {
      env.ICEBERG_CONNECTOR_NAME = registered.name;
      env.ICEBERG_TABLE = registered.table;
    }
    return 0;
  } catch (err) {
    if (!(err instanceof TestkitError)) throw err;
    say(`Iceberg connector refused, servers left up: ${err.message.split("\n").join("; ")}`);
    return 2;
  }
}

/**
 * `pnpm stack up`: starts what is not running; a server that is down comes back on its port with its data.
 * `fresh`: stops everything and wipes the data first. Exit 0, or 2 when the connector was refused (after the
 * export lines: the servers are up).
 */
export async function stackUp(opts: {
  connect: boolean;
  fresh?: boolean;
  /** Register Apache Iceberg's Kafka Connect sink (infra/connect/iceberg-sink.json) too. */
  connectIceberg?: boolean;
}): Promise<number> {
  const root = stackDir();
  let state = readState();
  if (opts.fresh) {
    if (state) await stopServers(state.servers);
    clearState();
    state = undefined;
  }
  if (!state) {
    for (const name of STACK_SERVER_NAMES) rmSync(join(root, name), { recursive: true, force: true });
  }
  const up = state ? await answering(state) : new Map<string, boolean>();
  const wanted = STACK_SERVER_NAMES.filter((n) => n !== "connect" || opts.connect);
  const env: Record<string, string> = { ...(state?.env ?? {}) };
  const running = (state?.servers ?? []).filter((s) => up.get(s.name));
  const down = wanted.filter((n) => !up.get(n));
  const registered =
    (!opts.connect || env.CONNECTOR_NAME) && (!opts.connectIceberg || env.ICEBERG_CONNECTOR_NAME);
  if (down.length === 0 && registered) {
    say(`already up (since ${state?.startedAt}); 'pnpm stack down' stops it`);
    process.stdout.write(exportLines(env));
    return 0;
  }
  if (state && down.length) say(`${down.join(", ")} down: starting ${down.length > 1 ? "them" : "it"} again`);
  const started: StackServer[] = [];
  const byName = (n: StackServerName) => [...running, ...started].find((s) => s.name === n) as StackServer;
  try {
    const start = async (name: StackServerName) => {
      const previous = state?.servers.find((s) => s.name === name);
      if (previous) await stopServers([previous]); // what is left of it (a hung JVM)
      const around = { bootstrap: byName("kafka")?.address, s3: byName("s3")?.address };
      started.push(await startStackServer(name, { root, previous, ...around }));
    };
    await Promise.all(down.filter((n) => n === "kafka" || n === "s3").map(start));
    await ensureTopicsAndBucket(byName("kafka"), byName("s3"));
    say(
      `topics ${STACK_TOPICS.map((t) => `${t.topic} (${t.numPartitions})`).join(", ")}; bucket ${STACK_BUCKET}`,
    );
    await Promise.all(down.filter((n) => n === "iceberg" || n === "connect").map(start));
  } catch (err) {
    await stopServers(started); // what this call started; what ran before stays
    throw err instanceof TestkitError
      ? err
      : new TestkitError("START_FAILED", (err as Error).message, { cause: err });
  }
  const servers = STACK_SERVER_NAMES.map(byName).filter(Boolean); // a running Connect stays with --no-connect
  Object.assign(env, {
    KAFKA_BROKERS: byName("kafka").address,
    S3_ENDPOINT: byName("s3").address,
    S3_BUCKET: STACK_BUCKET,
  });
  if (byName("connect")) env.CONNECT_URL = byName("connect").address;
  env.ICEBERG_CATALOG_URI = byName("iceberg").address;
  let code = opts.connect ? await connectorStep(byName("connect"), byName("s3"), env) : 0;
  if (opts.connect && opts.connectIceberg) code = Math.max(code, await icebergConnectorStep(byName, env));
  writeState({ startedAt: state?.startedAt ?? new Date().toISOString(), servers, env });
  process.stdout.write(exportLines(env));
  say(
    code === 0
      ? "up; 'pnpm stack status' shows it, 'pnpm stack down' stops it"
      : "up without the connector (exit 2): fix the connector JSON, then 'pnpm stack up' registers it",
  );
  return code;
}

/** `pnpm stack restart <name>`: stops one server and starts it again on its port, with its data. */
export async function stackRestart(name: StackServerName): Promise<number> {
  const state = readState();
  const previous = state?.servers.find((s) => s.name === name);
  if (!state || !previous) {
    throw new TestkitError(
      "INVALID_OPTION",
      `${name} is not part of a running stack: start it with 'pnpm stack up'${name === "connect" ? " (without --no-connect)" : ""}`,
    );
  }
  await stopServers([previous]);
  const kafka = state.servers.find((s) => s.name === "kafka");
  const s3 = state.servers.find((s) => s.name === "s3");
  const again = await startStackServer(name, {
    root: stackDir(),
    previous,
    bootstrap: kafka?.address,
    s3: s3?.address,
  });
  const servers = state.servers.map((s) => (s.name === name ? again : s));
  writeState({ ...state, servers });
  if (name === "connect" && state.env.CONNECTOR_NAME) {
    await waitConnectorRunning(again.address, state.env.CONNECTOR_NAME, {
      timeoutMs: 120_000,
      logFile: again.logFile,
    });
    say(`connector ${state.env.CONNECTOR_NAME} RUNNING again`);
  }
  process.stdout.write(exportLines(state.env));
  return 0;
}

export async function stackStatus(): Promise<number> {
  const state = readState();
  if (!state) {
    say("not running ('pnpm stack up' starts it)");
    return 1;
  }
  const up = await answering(state);
  for (const s of state.servers) {
    process.stdout.write(
      `${s.name.padEnd(8)} ${(up.get(s.name) ? "up" : "DOWN").padEnd(5)} ${s.address.padEnd(28)} ${s.what}  log: ${s.logFile}\n`,
    );
  }
  return [...up.values()].every(Boolean) ? 0 : 1;
}

export async function stackDown(): Promise<number> {
  const state = readState();
  if (!state) {
    say("nothing to stop (no stack started by 'pnpm stack up')");
    return 0;
  }
  await stopServers(state.servers);
  for (const s of state.servers) rmSync(s.dir, { recursive: true, force: true });
  clearState();
  say(`stopped ${state.servers.map((s) => s.name).join(", ")}`);
  return 0;
}
