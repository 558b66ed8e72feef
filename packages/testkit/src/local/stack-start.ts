import { join } from "node:path";
import { ICEBERG_VERSION } from "../iceberg/install";
import { startIcebergCatalog } from "../iceberg/rest-catalog";
import { S3PROXY_VERSION } from "../s3/install";
import { LOCAL_S3_CREDENTIALS, startLocalS3Server } from "../s3/local-server";
import { startLocalConnect } from "./connect";
import { pluginRoot } from "./connect-plugins";
import { signalGroup } from "./jvm";
import { startLocalKafka } from "./kafka";
import { KAFKA_VERSION } from "./paths";
import { groupAlive, type StackServer } from "./state";
import { pollUntil } from "./wait";

/**
 * Starting one server of `pnpm stack`, fresh or again: `previous` is the same server as the state file knows it
 * (down, or being restarted); it comes back on the same port, from the same directory, with its data (the broker's
 * log and its topics, the buckets, Connect's group and so its connectors and their offsets), so the export lines
 * printed before stay true.
 */
export type StackServerName = StackServer["name"];

export const STACK_SERVER_NAMES: readonly StackServerName[] = ["kafka", "s3", "iceberg", "connect"];

/** The Iceberg REST catalog's warehouse: tables under the stack's bucket, as in docker-compose.yaml. */
export const STACK_WAREHOUSE = "s3://weblogs/warehouse";

const say = (line: string) => process.stderr.write(`stack: ${line}\n`);

const portOf = (address: string) => Number(/:(\d+)\/?$/.exec(address)?.[1]);

/** Stops servers (Connect first: it needs Kafka to leave its group cleanly), TERM then KILL after 20 s each. */
export async function stopServers(servers: StackServer[]): Promise<void> {
  for (const name of ["connect", "iceberg", "s3", "kafka"] as const) {
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

export async function startStackServer(
  name: StackServerName,
  ctx: { root: string; previous?: StackServer; bootstrap?: string; s3?: string },
): Promise<StackServer> {
  const prev = ctx.previous;
  const port = prev ? portOf(prev.address) : undefined;
  const again = prev ? " again, data kept" : "";
  if (name === "kafka") {
    const k = await startLocalKafka({ dir: join(ctx.root, "kafka"), port, detached: true, keepData: !!prev });
    say(`Kafka ${KAFKA_VERSION} on ${k.bootstrap}${again} (${(k.startupMs / 1000).toFixed(1)} s)`);
    const what = `Apache Kafka ${KAFKA_VERSION} (KRaft)`;
    return { name, what, pgid: k.pgid, address: k.bootstrap, dir: k.dir, logFile: k.logFile };
  }
  if (name === "s3") {
    const s = await startLocalS3Server({ dataDir: join(ctx.root, "s3"), port, detached: true });
    say(`S3 (S3Proxy ${S3PROXY_VERSION}) on ${s.endpoint}${again}`);
    const what = `S3Proxy ${S3PROXY_VERSION} (filesystem)`;
    return { name, what, pgid: s.pid, address: s.endpoint, dir: s.dataDir, logFile: s.logFile };
  }
  if (name === "iceberg") {
    if (!ctx.s3) throw new Error("the Iceberg REST catalog needs the S3 server's address");
    const c = await startIcebergCatalog({
      s3: { endpoint: ctx.s3, region: "us-east-1", credentials: LOCAL_S3_CREDENTIALS },
      warehouse: STACK_WAREHOUSE,
      dir: join(ctx.root, "iceberg"),
      port,
      detached: true,
    });
    say(`Iceberg REST catalog ${ICEBERG_VERSION} on ${c.uri}${again} (warehouse ${STACK_WAREHOUSE})`);
    const what = `Apache Iceberg ${ICEBERG_VERSION} REST catalog (JDBC on SQLite)`;
    return { name, what, pgid: c.pgid, address: c.uri, dir: c.dir, logFile: c.logFile };
  }
  if (!ctx.bootstrap) throw new Error("Kafka Connect needs the broker's address");
  const c = await startLocalConnect({
    bootstrap: ctx.bootstrap,
    dir: join(ctx.root, "connect"),
    port,
    groupId: prev?.groupId,
    detached: true,
    pluginPath: [pluginRoot()],
    // offsets committed every 10 s: Aiven's sink uploads what it holds at each commit (the seed's interval)
    properties: { "offset.flush.interval.ms": "10000" },
    // read by the connector JSON's ${env:...} references (EnvVarConfigProvider) and Confluent's credential chain
    env: {
      AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    },
  });
  say(`Kafka Connect ${KAFKA_VERSION} on ${c.url}${again} (${(c.startupMs / 1000).toFixed(1)} s)`);
  return {
    name,
    what: `Kafka Connect ${KAFKA_VERSION} (distributed)`,
    pgid: c.pgid,
    address: c.url,
    dir: c.dir,
    logFile: c.logFile,
    groupId: c.groupId,
  };
}
