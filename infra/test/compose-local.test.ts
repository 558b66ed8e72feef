/**
 * docker-compose.yaml proven without Docker: the `connect` service's environment, turned into worker properties
 * the way the cp-kafka-connect image does (CONNECT_X_Y -> x.y), starts a real Kafka Connect worker with exactly
 * those settings (addresses remapped to loopback: bootstrap, listener, advertised host, plugin path), on a broker
 * of its own (the compose names of the internal topics and group are kept). A setting the worker rejects fails the
 * start; one it ignores (absent from the worker's own "DistributedConfig values" dump) fails the test. Then each connector JSON of
 * infra/connect is validated by that worker where its connector is installed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  AIVEN_S3_SINK_CLASS,
  connectorClasses,
  type KafkaHandle,
  type LocalConnect,
  localConnectorConfig,
  pluginRoot,
  readConnectorFile,
  startKafka,
  startLocalConnect,
  validateConnector,
  waitFor,
} from "@weblog/testkit";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { definedKeys, envName, envToProperties } from "./compose-env";
import { freePort } from "./free-port";
import { COMPOSE_FILE, REPO_ROOT } from "./paths";

type Service = { environment?: Record<string, unknown> };
const compose = parse(readFileSync(COMPOSE_FILE, "utf8")) as { services: Record<string, Service> };
const connectEnv = compose.services.connect?.environment ?? {};

describe("compose env -> properties, as the images map them", () => {
  it("maps _ to ., __ to _ and ___ to -, and leaves the image's own variables out", () => {
    expect(envName("OFFSET_FLUSH_INTERVAL_MS")).toBe("offset.flush.interval.ms");
    expect(envName("LISTENER_NAME_INTERNAL__X")).toBe("listener.name.internal_x");
    expect(envName("A___B")).toBe("a-b");
    const props = envToProperties(
      { CONNECT_GROUP_ID: "g", CONNECT_LOG4J_LOGGERS: "x=WARN", AWS_X: "1" },
      "CONNECT_",
    );
    expect(props).toEqual({ "group.id": "g" });
  });
});

describe("the compose connect service's settings on a real worker", () => {
  let kafka: KafkaHandle;
  let connect: LocalConnect;
  let props: Record<string, string>;

  beforeAll(async () => {
    kafka = await startKafka({ dedicated: true }); // compose's own group and topic names, on a broker of our own
    const port = await freePort();
    props = {
      ...envToProperties(connectEnv, "CONNECT_"),
      // addresses remapped to loopback
      "bootstrap.servers": kafka.bootstrap,
      listeners: `http://127.0.0.1:${port}`,
      "rest.advertised.host.name": "127.0.0.1",
      "plugin.path": pluginRoot(),
    };
    connect = await startLocalConnect({ bootstrap: kafka.bootstrap, port, properties: props });
  }, 240_000);

  afterAll(async () => {
    await connect?.stop();
    await kafka?.stop();
  }, 60_000);

  it("starts with them (the worker's group is compose's) and ignores none of them", async () => {
    const expected = envToProperties(connectEnv, "CONNECT_");
    expect(Object.keys(expected).length).toBeGreaterThan(10);
    expect(connect.groupId).toBe(expected["group.id"]);
    // the broker sees the worker in compose's group, with compose's internal topics
    const admin = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      // The REST listener answers before the worker has finished joining its group (under load the group is
      // still empty then): wait, bounded, until the broker shows a Connect member, then assert on it.
      const group = await waitFor(
        "the worker in compose's group",
        async () => {
          const [g] = (await admin.describeGroups([expected["group.id"] as string])).groups;
          return g && g.protocolType !== "" && g.members.length > 0 ? g : undefined;
        },
        60_000,
      );
      expect(group?.protocolType).toBe("connect");
      expect(group?.members.length).toBe(1);
      const topics = await admin.listTopics();
      for (const key of ["config.storage.topic", "offset.storage.topic", "status.storage.topic"]) {
        expect(topics).toContain(expected[key]);
      }
    } finally {
      await admin.disconnect();
    }
    const log = readFileSync(connect.logFile, "utf8");
    const worker = definedKeys(log, "DistributedConfig");
    const converter = definedKeys(log, "JsonConverterConfig");
    expect(worker.size).toBeGreaterThan(50);
    // config.providers.<name>.* are the named provider's own settings (not in the worker's dump): each name is listed
    const providers = (expected["config.providers"] ?? "").split(",").map((p) => p.trim());
    const ignored = Object.keys(expected).filter((k) =>
      k.startsWith("value.converter.") || k.startsWith("key.converter.")
        ? !converter.has(k.replace(/^(value|key)\.converter\./, ""))
        : k.startsWith("config.providers.")
          ? !providers.includes(k.split(".")[2] ?? "")
          : !worker.has(k),
    );
    expect(ignored, `compose settings the worker does not define: ${ignored.join(", ")}`).toEqual([]);
    expect(log).not.toMatch(/ConfigException/);
  });

  for (const file of ["s3-sink.json", "aiven-s3-sink.json"]) {
    it(`validates infra/connect/${file} where its connector is installed`, async (ctx) => {
      const { config } = readConnectorFile(join(REPO_ROOT, "infra", "connect", file));
      const cls = config["connector.class"] as string;
      const installed = await connectorClasses(connect.url);
      // Aiven's plugin is part of the setup (fetch-plugin.sh): missing is a failure. Confluent's needs Confluent Hub
      // (the Docker image installs it), which no machine here reaches.
      if (cls === AIVEN_S3_SINK_CLASS) expect(installed).toContain(cls);
      if (!installed.includes(cls)) {
        ctx.skip(`${cls} is not installed on this worker (plugin.path ${pluginRoot()})`);
      }
      const local = localConnectorConfig(config, { endpoint: "http://127.0.0.1:9000", bucket: "weblogs" });
      expect(await validateConnector(connect.url, local)).toEqual([]);
    });
  }
});
