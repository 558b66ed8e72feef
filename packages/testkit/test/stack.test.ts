/**
 * `pnpm stack` (dist/stack.js) as a user runs it, on real local servers, in a cache of its own (WEBLOG_CACHE_DIR:
 * the jars linked from the real cache, its own stack state and data):
 * - `up` after one server died restarts only that one, on its port, with its data; `restart <name>` does the same
 *   on demand; `up --fresh` wipes;
 * - a connector JSON the worker refuses leaves the servers up, prints the export lines, says why in one line and
 *   exits 2;
 * - `up --connect-iceberg` registers Apache Iceberg's Kafka Connect sink (infra/connect/iceberg-sink.json) on the
 *   stack's REST catalog: what is produced to `weblogs` reaches its table; the catalog restarted keeps the table.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, waitFor } from "../src/index";
import { pluginRoot } from "../src/local/connect-plugins";
import { cacheDir, KAFKA_VERSION } from "../src/local/paths";
import type { StackState } from "../src/local/state";
import { makeClient } from "../src/s3/client";
import { S3PROXY_VERSION } from "../src/s3/install";
import { LOCAL_S3_CREDENTIALS } from "../src/s3/local-server";

const STACK = join(__dirname, "..", "dist", "stack.js");
const REPO_ROOT = join(__dirname, "..", "..", "..");
const cache = mkdtempSync(join(tmpdir(), "weblog-stack-test-"));
const env = { WEBLOG_CACHE_DIR: cache, KAFKA_BROKERS: undefined, S3_ENDPOINT: undefined };
const stack = (args: string[], extra: Record<string, string> = {}) =>
  runCli(STACK, args, { env: { ...env, ...extra }, timeoutMs: 240_000, cwd: REPO_ROOT });
const state = () => JSON.parse(readFileSync(join(cache, "stack", "state.json"), "utf8")) as StackState;
const server = (name: string) => state().servers.find((s) => s.name === name);
const exportsOf = (stdout: string) =>
  Object.fromEntries([...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));

function kill9(name: string): void {
  const pgid = server(name)?.pgid as number;
  process.kill(-pgid, "SIGKILL");
}

async function topicRecords(bootstrap: string, topic: string): Promise<number> {
  const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, o) => n + Number(o.high), 0);
  } finally {
    await admin.disconnect();
  }
}

async function objectKeys(endpoint: string, bucket: string): Promise<string[]> {
  const c = makeClient({ endpoint, region: "us-east-1", credentials: LOCAL_S3_CREDENTIALS });
  try {
    const out = await c.send(new ListObjectsV2Command({ Bucket: bucket }));
    return (out.Contents ?? []).map((o) => o.Key as string);
  } finally {
    c.destroy();
  }
}

beforeAll(() => {
  for (const jars of [`kafka-${KAFKA_VERSION}`, `s3proxy-${S3PROXY_VERSION}`, "iceberg-rest"]) {
    symlinkSync(join(cacheDir(), jars), join(cache, jars));
  }
  mkdirSync(join(cache, "connect-plugins"));
  for (const plugin of ["file", "iceberg"]) {
    symlinkSync(join(pluginRoot(), plugin), join(cache, "connect-plugins", plugin));
  }
});

afterAll(async () => {
  await stack(["down"]);
  rmSync(cache, { recursive: true, force: true });
}, 120_000);

describe("pnpm stack up / restart keep the data of what kept running", () => {
  let first: Record<string, string>;

  it("after one server was killed, up restarts only it, on its port, with its data; --fresh wipes", async () => {
    const up = await stack(["up", "--no-connect"]);
    expect(up.code, up.stderr).toBe(0);
    first = exportsOf(up.stdout);
    expect(first.KAFKA_BROKERS).toMatch(/^127\.0\.0\.1:\d+$/);
    const producer = new Kafka({
      brokers: [first.KAFKA_BROKERS as string],
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    await producer.send({ topic: "weblogs", acks: -1, messages: [{ value: "kept" }] });
    await producer.disconnect();
    const c = makeClient({
      endpoint: first.S3_ENDPOINT as string,
      region: "us-east-1",
      credentials: LOCAL_S3_CREDENTIALS,
    });
    await c.send(new PutObjectCommand({ Bucket: "weblogs", Key: "kept.json", Body: "{}" }));
    c.destroy();

    const kafkaPgid = server("kafka")?.pgid;
    kill9("s3");
    expect((await stack(["status"])).code).toBe(1);
    const again = await stack(["up", "--no-connect"]);
    expect(again.code, again.stderr).toBe(0);
    expect(exportsOf(again.stdout)).toEqual(first); // same addresses: what was exported stays true
    expect(again.stderr).toContain("s3 down: starting it again");
    expect(server("kafka")?.pgid).toBe(kafkaPgid); // the broker was left alone
    expect(await objectKeys(first.S3_ENDPOINT as string, "weblogs")).toEqual(["kept.json"]);

    kill9("kafka");
    const third = await stack(["up", "--no-connect"]);
    expect(third.code, third.stderr).toBe(0);
    expect(exportsOf(third.stdout)).toEqual(first);
    expect(await topicRecords(first.KAFKA_BROKERS as string, "weblogs")).toBe(1);

    const restarted = await stack(["restart", "s3"]);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(await objectKeys(first.S3_ENDPOINT as string, "weblogs")).toEqual(["kept.json"]);

    const fresh = await stack(["up", "--no-connect", "--fresh"]);
    expect(fresh.code, fresh.stderr).toBe(0);
    const now = exportsOf(fresh.stdout);
    expect(await objectKeys(now.S3_ENDPOINT as string, "weblogs")).toEqual([]);
    expect(await topicRecords(now.KAFKA_BROKERS as string, "weblogs")).toBe(0);
  }, 300_000);

  it("a connector the worker refuses: one line, the servers stay up, the exports are printed, exit 2", async () => {
    const file = join(cache, "bad-connector.json");
    writeFileSync(
      file,
      JSON.stringify({
        name: "refused",
        config: {
          "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
          topics: "weblogs",
          fiel: "/tmp/typo",
        },
      }),
    );
    const up = await stack(["up"], { CONNECTOR_FILE: file });
    expect(up.code, up.stderr).toBe(2);
    const exported = exportsOf(up.stdout);
    expect(Object.keys(exported)).toEqual(
      expect.arrayContaining(["KAFKA_BROKERS", "S3_ENDPOINT", "S3_BUCKET", "CONNECT_URL"]),
    );
    const refusal = up.stderr.split("\n").filter((l) => l.includes("connector refused"));
    expect(refusal).toHaveLength(1);
    expect(refusal[0]).toContain(`${file}: fiel: unknown key`);
    expect(up.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const status = await stack(["status"]);
    expect(status.code, status.stdout).toBe(0);
    expect(status.stdout).toMatch(/^connect\s+up/m);
    const c = makeClient({
      endpoint: exported.S3_ENDPOINT as string,
      region: "us-east-1",
      credentials: LOCAL_S3_CREDENTIALS,
    });
    await c.send(new CreateBucketCommand({ Bucket: "still-answering" }));
    c.destroy();

    const restarted = await stack(["restart", "connect"]);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(exportsOf(restarted.stdout).CONNECT_URL).toBe(exported.CONNECT_URL);
  }, 300_000);

  it("up --connect-iceberg: Apache Iceberg's sink fills table weblog.logs_connect; the catalog restarted keeps it", async () => {
    const up = await stack(["up", "--connect-iceberg"]);
    expect(up.code, up.stderr).toBe(0);
    const exported = exportsOf(up.stdout);
    expect(exported.ICEBERG_TABLE).toBe("weblog.logs_connect");
    expect(exported.ICEBERG_CONNECTOR_NAME).toBe("weblogs-iceberg-sink");
    const catalogUri = exported.ICEBERG_CATALOG_URI as string;
    expect(catalogUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const producer = new Kafka({
      brokers: [exported.KAFKA_BROKERS as string],
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    const lines = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({
        ip: `10.0.0.${i}`,
        timestamp: "2026-12-07T04:00:00.000Z",
        method: "GET",
        url: `/p/${i}`,
        status_code: 200,
        user_agent: "stack-test",
      }),
    );
    await producer.send({ topic: "weblogs", acks: -1, messages: lines.map((value) => ({ value })) });
    await producer.disconnect();

    const records = async () => {
      const res = await fetch(`${catalogUri}/v1/namespaces/weblog/tables/logs_connect`);
      if (!res.ok) return 0;
      const { metadata } = (await res.json()) as {
        metadata: {
          "current-snapshot-id"?: number;
          snapshots?: { "snapshot-id": number; summary: Record<string, string> }[];
        };
      };
      const snap = metadata.snapshots?.find((x) => x["snapshot-id"] === metadata["current-snapshot-id"]);
      return Number(snap?.summary["total-records"] ?? 0);
    };
    // commits every 10 s (the JSON's iceberg.control.commit.interval-ms)
    await waitFor(
      `${lines.length} records in weblog.logs_connect`,
      async () => ((await records()) >= lines.length ? true : undefined),
      120_000,
      1000,
    );
    expect(await records()).toBe(lines.length);

    const restarted = await stack(["restart", "iceberg"]);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(exportsOf(restarted.stdout).ICEBERG_CATALOG_URI).toBe(catalogUri);
    expect(await records()).toBe(lines.length);
  }, 400_000);
});
