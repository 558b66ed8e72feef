import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import {
  CONFLUENT_S3_SINK_KEYS,
  connectorKeyInfo,
  DEFAULT_SINK_SETTINGS,
  loadConnectorConfig,
  toConnectorConfig,
} from "@weblog/sink-contract";
import { describe, expect, it } from "vitest";
import { CONNECTOR_JSON, REGISTER_SCRIPT } from "./paths";

const file = JSON.parse(readFileSync(CONNECTOR_JSON, "utf8")) as {
  name: string;
  config: Record<string, string>;
};
const config = file.config;

describe("infra/connect/s3-sink.json", () => {
  it("is the {name, config} document for connector weblogs-s3-sink with string values", () => {
    expect(Object.keys(file).sort()).toEqual(["config", "name"]);
    expect(file.name).toBe("weblogs-s3-sink");
    for (const [key, value] of Object.entries(config)) expect(typeof value, key).toBe("string");
  });

  it("has the keys Connect's S3 sink requires, and the seed's upload pattern", () => {
    for (const key of [
      "connector.class",
      "tasks.max",
      "topics",
      "s3.bucket.name",
      "s3.region",
      "flush.size",
      "storage.class",
      "format.class",
      "partitioner.class",
      "key.converter",
      "value.converter",
      "value.converter.schemas.enable",
      "schema.compatibility",
      "store.url",
      "s3.path.style.access.enabled",
      "rotate.schedule.interval.ms",
      "timezone",
      "errors.tolerance",
      "errors.deadletterqueue.topic.name",
    ]) {
      expect(config[key], key).toBeTruthy();
    }
    expect(config["connector.class"]).toBe("io.confluent.connect.s3.S3SinkConnector");
    expect(config["storage.class"]).toBe("io.confluent.connect.s3.storage.S3Storage");
    expect(config["key.converter"]).toBe("org.apache.kafka.connect.storage.StringConverter");
    expect(config["value.converter"]).toBe("org.apache.kafka.connect.json.JsonConverter");
    expect(config["value.converter.schemas.enable"]).toBe("false");
    expect(config["errors.tolerance"]).toBe("all");
    expect(config["store.url"]).toBe("http://minio:9000");
    expect(config["s3.path.style.access.enabled"]).toBe("true");
  });

  it("uses only documented Confluent S3 sink / Kafka Connect keys", () => {
    const unknown = Object.keys(config).filter((k) => connectorKeyInfo(k) === undefined);
    expect(unknown).toEqual([]);
    // Everything the file sets that our sink honours is a table entry, not a prefix match.
    for (const key of Object.keys(config).filter((k) => !k.startsWith("value.converter."))) {
      expect(CONFLUENT_S3_SINK_KEYS[key], key).toBeDefined();
    }
  });

  it("agrees with our sink's and verifier's defaults (topic, bucket, region, layout, flush.size, format, compression)", () => {
    const d = DEFAULT_SINK_SETTINGS;
    expect(config.topics).toBe(d.topics.join(","));
    expect(config["s3.bucket.name"]).toBe(d.bucket);
    expect(config["s3.region"]).toBe(d.region);
    expect(config["topics.dir"]).toBe(d.topicsDir);
    expect(config["directory.delim"] ?? "/").toBe(d.directoryDelim);
    expect(config["file.delim"] ?? "+").toBe(d.fileDelim);
    expect(Number(config["filename.offset.zero.pad.width"] ?? 10)).toBe(d.offsetPadWidth);
    expect(Number(config["flush.size"])).toBe(d.flushSize);
    expect(Number(config["rotate.schedule.interval.ms"])).toBe(d.rotateScheduleIntervalMs);
    expect(config.timezone).toBe(d.timezone);
    expect(config["format.class"]).toBe("io.confluent.connect.s3.format.json.JsonFormat");
    expect(config["s3.compression.type"] ?? "none").toBe(d.compression);
    expect(config["partitioner.class"]).toBe("io.confluent.connect.storage.partitioner.DefaultPartitioner");
    expect(config["errors.deadletterqueue.topic.name"]).toBe(d.dlqTopic);
  });

  it("is accepted by our sink's --config loader, and the host override points it at localhost", () => {
    const { settings, name, notes } = loadConnectorConfig(CONNECTOR_JSON);
    expect(name).toBe("weblogs-s3-sink");
    expect(settings.storeUrl).toBe("http://minio:9000");
    expect(notes.some((n) => n.startsWith("connector.class: Connect-only"))).toBe(true);
    const onHost = loadConnectorConfig(CONNECTOR_JSON, { storeUrl: "http://localhost:9000" }).settings;
    // With the host's endpoint, the file means exactly our defaults apart from the bad-record policy it chooses.
    expect({ ...onHost, behaviorOnNullValues: "fail", errorsTolerance: "none" }).toEqual({
      ...DEFAULT_SINK_SETTINGS,
    });
    // Our round trip writes the same values for every key the file sets (Connect-only extras aside).
    const back = toConnectorConfig(loadConnectorConfig(CONNECTOR_JSON).settings);
    for (const [key, value] of Object.entries(back)) {
      if (key in config) expect(config[key], key).toBe(value);
    }
  });

  it("register.sh extracts exactly the config object and the name (sh + sed, checked against JSON.parse)", () => {
    const extracted = execFileSync("sh", [REGISTER_SCRIPT, "--print-config", CONNECTOR_JSON], {
      encoding: "utf8",
    });
    expect(JSON.parse(extracted)).toEqual(config);
    const name = execFileSync("sh", [REGISTER_SCRIPT, "--print-name", CONNECTOR_JSON], { encoding: "utf8" });
    expect(name.trim()).toBe(file.name);
  });
});
