/**
 * The Connect REST helpers (what `pnpm stack up`, the demo and the bench use) against a real Kafka Connect worker
 * on a real broker, with Apache Kafka's own FileStreamSinkConnector as the connector (infra/local/connect/pom.xml
 * profile `file`): register (idempotent PUT), wait RUNNING, records really flow; a task that FAILS gives its trace's
 * first line; validate names a bad or unknown key; an unreachable worker gives its address and the fix; a plugin
 * that is installed but broken (Aiven's S3 sink without the Guava its commons jar needs) is not called "not
 * installed". (infra/connect/*.json are validated by compose-local.test.ts's worker.)
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AIVEN_S3_SINK_CLASS,
  connectorClasses,
  type KafkaHandle,
  type LocalConnect,
  localConnectorConfig,
  pluginRoot,
  pluginStatus,
  putConnector,
  readConnectorFile,
  startKafka,
  startLocalConnect,
  TestkitError,
  uniqueName,
  validateConnector,
  waitConnectorRunning,
} from "@weblog/testkit";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./free-port";
import { REPO_ROOT } from "./paths";

const FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";

describe("Connect REST helpers on a real worker", () => {
  let kafka: KafkaHandle;
  let connect: LocalConnect;
  const dir = mkdtempSync(join(tmpdir(), "weblog-connect-rest-"));

  beforeAll(async () => {
    // a setup step like the Kafka jars: missing is an error with the fix, not a skip
    for (const name of ["file", "aiven-s3"]) {
      const plugin = pluginStatus(name);
      if (!plugin.installed) throw new Error(plugin.reason);
    }
    // this worker's plugins: Kafka's file sink, and Aiven's S3 sink without Guava (as the pom's io.confluent
    // exclusion left it before Guava was listed): installed, but every validation of it fails
    const plugins = join(dir, "plugins");
    mkdirSync(join(plugins, "aiven-s3-without-guava"), { recursive: true });
    symlinkSync(join(pluginRoot(), "file"), join(plugins, "file"));
    for (const jar of readdirSync(join(pluginRoot(), "aiven-s3"))) {
      if (!jar.endsWith(".jar") || /^(guava|failureaccess)-/.test(jar)) continue;
      symlinkSync(join(pluginRoot(), "aiven-s3", jar), join(plugins, "aiven-s3-without-guava", jar));
    }
    kafka = await startKafka();
    connect = await startLocalConnect({
      bootstrap: kafka.bootstrap,
      pluginPath: [plugins],
      properties: { "offset.flush.interval.ms": "2000" },
    });
  }, 240_000);

  afterAll(async () => {
    await connect?.stop();
    await kafka?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("lists the file sink among the installed connectors", async () => {
    expect(await connectorClasses(connect.url)).toContain(FILE_SINK);
  });

  it("registers idempotently, waits until RUNNING, and the records reach the connector", async () => {
    const topic = uniqueName("connect-rest");
    const out = join(dir, `${topic}.txt`);
    const admin = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const config = {
      "connector.class": FILE_SINK,
      "tasks.max": "1",
      topics: topic,
      file: out,
      "value.converter": "org.apache.kafka.connect.storage.StringConverter",
    };
    expect(await validateConnector(connect.url, config)).toEqual([]);
    await putConnector(connect.url, topic, config);
    await putConnector(connect.url, topic, config); // the same PUT again: an update, not an error
    await waitConnectorRunning(connect.url, topic, { timeoutMs: 60_000 });
    const producer = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic, messages: ["a", "b", "c"].map((value) => ({ value })) });
    await producer.disconnect();
    const deadline = Date.now() + 30_000;
    let lines: string[] = [];
    while (Date.now() < deadline) {
      lines = existsSync(out) ? readFileSync(out, "utf8").split("\n").filter(Boolean) : [];
      if (lines.length >= 3) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(lines).toEqual(["a", "b", "c"]);
  });

  it("a task that FAILS: its trace's first line and how to see the rest", async () => {
    const name = uniqueName("connect-failing");
    await putConnector(connect.url, name, {
      "connector.class": FILE_SINK,
      "tasks.max": "1",
      topics: name,
      file: join(dir, "no-such-dir", "out.txt"),
    });
    const err = await waitConnectorRunning(connect.url, name, {
      timeoutMs: 60_000,
      logFile: connect.logFile,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TestkitError);
    const message = (err as Error).message;
    expect(message).toMatch(new RegExp(`^${name} task 0 FAILED: \\S`));
    expect(message.split("\n")).toHaveLength(1);
    expect(message).toContain(`curl -s ${connect.url}/connectors/${name}/status`);
    expect(message).toContain(connect.logFile);
  });

  it("validate names a bad value's key and an unknown key, one problem each", async () => {
    const problems = await validateConnector(connect.url, {
      "connector.class": FILE_SINK,
      "tasks.max": "many",
      topics: "t",
      fiel: "/tmp/x",
    });
    expect(problems.map((p) => p.key).sort()).toEqual(["fiel", "tasks.max"]);
    expect(problems.find((p) => p.key === "fiel")?.message).toContain("unknown key");
  });

  it("a connector class the worker lacks is one problem naming the class and the fix", async () => {
    const problems = await validateConnector(connect.url, {
      "connector.class": "com.example.NoSuchConnector",
      topics: "t",
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.key).toBe("connector.class");
    expect(problems[0]?.message).toContain("com.example.NoSuchConnector is not installed");
    expect(problems[0]?.message).toContain(FILE_SINK); // what it has instead
    expect(problems[0]?.message).toContain("fetch-plugin.sh");
  });

  it("a plugin that is installed but broken: the worker's own error, never 'not installed'", async () => {
    expect(await connectorClasses(connect.url)).toContain(AIVEN_S3_SINK_CLASS);
    const { config } = readConnectorFile(join(REPO_ROOT, "infra/connect/aiven-s3-sink.json"));
    const local = localConnectorConfig(config, { endpoint: "http://127.0.0.1:9", bucket: "weblogs" });
    const problems = await validateConnector(connect.url, local);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.key).toBe("connector.class");
    expect(problems[0]?.message).not.toContain("is not installed");
    expect(problems[0]?.message).toMatch(/could not validate .* \(HTTP 500: .*ImmutableList/);
  });
});

describe("Connect REST helpers without a worker", () => {
  it("an unreachable worker: its address and the fix, in one line", async () => {
    const url = `http://127.0.0.1:${await freePort()}`; // nothing listens there
    const err = await validateConnector(url, { "connector.class": FILE_SINK }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TestkitError);
    expect((err as Error).message).toMatch(
      new RegExp(`^Kafka Connect not reachable at ${url} \\(ECONNREFUSED\\): `),
    );
    expect((err as Error).message).toContain("pnpm stack up");
  });
});
