import { rmSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand, HeadBucketCommand } from "@aws-sdk/client-s3";
import { Kafka, logLevel } from "kafkajs";
import { TestkitError } from "../errors";
import { makeClient } from "../s3/client";
import { S3PROXY_VERSION } from "../s3/install";
import { startLocalS3Server } from "../s3/local-server";
import { startLocalConnect } from "./connect";
import { pluginRoot } from "./connect-plugins";
import { signalGroup } from "./jvm";
import { startLocalKafka } from "./kafka";
import { KAFKA_VERSION } from "./paths";
import { registerStackConnector } from "./stack-connector";
import {
  clearState,
  groupAlive,
  readState,
  type StackServer,
  type StackState,
  stackDir,
  writeState,
} from "./state";
import { pollUntil } from "./wait";

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

async function createTopics(bootstrap: string): Promise<void> {
  const admin = new Kafka({
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    clientId: "weblog-stack",
  }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: STACK_TOPICS.map((t) => ({ ...t, replicationFactor: 1 })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

async function stopServers(servers: StackServer[]): Promise<void> {
  // Connect first (it needs Kafka to leave its group cleanly), then S3 and Kafka
  const order = ["connect", "s3", "kafka"] as const;
  for (const name of order) {
    for (const s of servers.filter((x) => x.name === name)) {
      if (!signalGroup(s.pgid, "SIGTERM")) continue;
      const gone = await pollUntil(async () => (groupAlive(s.pgid) ? undefined : true), {
        timeoutMs: 20_000,
        intervalMs: 200,
      });
      if (!("value" in gone)) signalGroup(s.pgid, "SIGKILL");
    }
  }
}

/** Is every server of the state file alive and answering? */
async function answering(state: StackState): Promise<Map<string, boolean>> {
  const out = new Map<string, boolean>();
  for (const s of state.servers) {
    let ok = groupAlive(s.pgid);
    if (ok && s.name !== "kafka") {
      ok = await fetch(s.name === "connect" ? `${s.address}/connectors` : `${s.address}/`, {
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

export async function stackUp(opts: { connect: boolean }): Promise<number> {
  const existing = readState();
  if (existing) {
    const up = await answering(existing);
    const wanted = opts.connect ? 3 : 2;
    if ([...up.values()].every(Boolean) && existing.servers.length >= wanted) {
      say(`already up (since ${existing.startedAt}); 'pnpm stack down' stops it`);
      process.stdout.write(exportLines(existing.env));
      return 0;
    }
    say("a previous stack is partly down: stopping what is left of it and starting afresh");
    await stopServers(existing.servers);
    clearState();
  }
  const root = stackDir();
  rmSync(join(root, "kafka"), { recursive: true, force: true });
  rmSync(join(root, "s3"), { recursive: true, force: true });
  rmSync(join(root, "connect"), { recursive: true, force: true });
  const servers: StackServer[] = [];
  try {
    const [kafka, s3] = await Promise.all([
      startLocalKafka({ dir: join(root, "kafka"), detached: true }),
      startLocalS3Server({ dataDir: join(root, "s3"), detached: true }),
    ]);
    servers.push({
      name: "kafka",
      what: `Apache Kafka ${KAFKA_VERSION} (KRaft)`,
      pgid: kafka.pgid,
      address: kafka.bootstrap,
      dir: kafka.dir,
      logFile: kafka.logFile,
    });
    servers.push({
      name: "s3",
      what: `S3Proxy ${S3PROXY_VERSION} (filesystem)`,
      pgid: s3.pid,
      address: s3.endpoint,
      dir: s3.dataDir,
      logFile: s3.logFile,
    });
    say(`Kafka ${KAFKA_VERSION} on ${kafka.bootstrap} (${(kafka.startupMs / 1000).toFixed(1)} s)`);
    say(`S3 (S3Proxy ${S3PROXY_VERSION}) on ${s3.endpoint}`);
    await createTopics(kafka.bootstrap);
    const client = makeClient(s3);
    try {
      await client
        .send(new HeadBucketCommand({ Bucket: STACK_BUCKET }))
        .catch(() => client.send(new CreateBucketCommand({ Bucket: STACK_BUCKET })));
    } finally {
      client.destroy();
    }
    say(
      `topics ${STACK_TOPICS.map((t) => `${t.topic} (${t.numPartitions})`).join(", ")}; bucket ${STACK_BUCKET}`,
    );
    const env: Record<string, string> = {
      KAFKA_BROKERS: kafka.bootstrap,
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: STACK_BUCKET,
    };
    if (opts.connect) {
      const connect = await startLocalConnect({
        bootstrap: kafka.bootstrap,
        dir: join(root, "connect"),
        detached: true,
        pluginPath: [pluginRoot()],
        // offsets committed every 10 s: Aiven's sink uploads what it holds at each commit (the seed's interval)
        properties: { "offset.flush.interval.ms": "10000" },
        env: {
          AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
        },
      });
      servers.push({
        name: "connect",
        what: `Kafka Connect ${KAFKA_VERSION} (distributed)`,
        pgid: connect.pgid,
        address: connect.url,
        dir: connect.dir,
        logFile: connect.logFile,
      });
      env.CONNECT_URL = connect.url;
      say(`Kafka Connect ${KAFKA_VERSION} on ${connect.url} (${(connect.startupMs / 1000).toFixed(1)} s)`);
      const registered = await registerStackConnector({
        url: connect.url,
        logFile: connect.logFile,
        s3: { endpoint: s3.endpoint, bucket: STACK_BUCKET },
        say,
      });
      if (registered) env.CONNECTOR_NAME = registered.name;
    }
    writeState({ startedAt: new Date().toISOString(), servers, env });
    process.stdout.write(exportLines(env));
    say("up; 'pnpm stack status' shows it, 'pnpm stack down' stops it");
    return 0;
  } catch (err) {
    await stopServers(servers);
    throw err instanceof TestkitError
      ? err
      : new TestkitError("START_FAILED", (err as Error).message, { cause: err });
  }
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
