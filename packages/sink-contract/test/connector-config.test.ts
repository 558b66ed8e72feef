import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exitCodeOf } from "@weblog/cli";
import { describe, expect, it } from "vitest";
import { SinkConfigError } from "../src/errors";
import { CONFLUENT_S3_SINK_KEYS } from "../src/key-table";
import { loadConnectorConfig, noteLevel, sinkEnvSources, sinkSettingsFromEnv } from "../src/load";
import { maskUserInfo } from "../src/override-notes";
import { DEFAULT_SINK_SETTINGS, defaultSinkSettings, type SinkSettings } from "../src/settings";
import { toConnectorConfig } from "../src/write-back";

const fixture = join(import.meta.dirname, "fixtures", "connector.json");

function badConfig(fn: () => unknown): SinkConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SinkConfigError);
    expect((err as SinkConfigError).code).toBe("BAD_CONFIG");
    expect(exitCodeOf(err as SinkConfigError)).toBe(2);
    expect((err as SinkConfigError).message).not.toContain("\n");
    return err as SinkConfigError;
  }
  throw new Error("expected a BAD_CONFIG error");
}

describe("loadConnectorConfig", () => {
  it("reads the {name, config} file the compose stack registers", () => {
    const { settings, notes, name } = loadConnectorConfig(fixture);
    expect(name).toBe("weblogs-s3-sink");
    expect(settings).toMatchObject({
      topics: ["weblogs"],
      bucket: "weblogs",
      region: "us-east-1",
      storeUrl: "http://minio:9000",
      pathStyle: true,
      flushSize: 10,
      rotateIntervalMs: -1,
      rotateScheduleIntervalMs: 10_000,
      timezone: "UTC",
      topicsDir: "topics",
      compression: "none",
      partitioner: { kind: "default" },
      behaviorOnNullValues: "ignore",
      errorsTolerance: "all",
      dlqTopic: "weblogs-dlq",
      groupId: "weblog-s3-sink",
    });
    // Connect-only keys are noted, not silently dropped.
    expect(notes.some((n) => n.startsWith("connector.class: Connect-only"))).toBe(true);
    expect(notes.some((n) => n.startsWith("tasks.max: Connect-only"))).toBe(true);
    expect(notes.some((n) => n.startsWith("value.converter.schemas.enable: Connect-only"))).toBe(true);
    // Connect-only notes are debug (a failing start says one line at info); the others stay info.
    for (const n of notes) expect(noteLevel(n)).toBe(n.includes(": Connect-only: ") ? "debug" : "info");
    expect(noteLevel("s3.bucket.name: a in f.json, overridden by S3_BUCKET=b")).toBe("info");
  });

  it("accepts the flat config (PUT /connectors/<name>/config body) with numbers and booleans", () => {
    const { settings, name } = loadConnectorConfig({
      name: "x",
      topics: "a, b",
      "flush.size": 3,
      "s3.path.style.access.enabled": false,
      "s3.compression.type": "gzip",
    });
    expect(name).toBe("x");
    expect(settings.topics).toEqual(["a", "b"]);
    expect(settings.flushSize).toBe(3);
    expect(settings.pathStyle).toBe(false);
    expect(settings.compression).toBe("gzip");
  });

  it("uses our defaults for missing keys and says where Connect's differ; absent store.url means AWS", () => {
    const { settings, notes } = loadConnectorConfig({});
    expect(settings.storeUrl).toBeUndefined();
    expect(settings.flushSize).toBe(DEFAULT_SINK_SETTINGS.flushSize);
    expect(settings.rotateScheduleIntervalMs).toBe(10_000);
    expect(notes).toContain(
      "rotate.schedule.interval.ms not set: using our default 10000 (Kafka Connect: -1, off)",
    );
    expect(notes.some((n) => n.startsWith("flush.size not set"))).toBe(true);
  });

  it("rejects an unknown key, naming it and suggesting the near miss", () => {
    const err = badConfig(() => loadConnectorConfig({ "flush.sise": "10" }));
    expect(err.key).toBe("flush.sise");
    expect(err.message).toContain("unknown key 'flush.sise'");
    expect(err.message).toContain("did you mean 'flush.size'");
  });

  it("rejects bad values naming the key and the allowed values", () => {
    expect(badConfig(() => loadConnectorConfig({ "flush.size": "ten" })).message).toBe(
      "flush.size='ten' is not an integer",
    );
    expect(badConfig(() => loadConnectorConfig({ "flush.size": "0" })).message).toContain(
      "flush.size: 0 must be a positive",
    );
    expect(badConfig(() => loadConnectorConfig({ "s3.compression.type": "zstd" })).message).toBe(
      "s3.compression.type='zstd' must be one of none, gzip",
    );
    expect(badConfig(() => loadConnectorConfig({ "behavior.on.null.values": "drop" })).key).toBe(
      "behavior.on.null.values",
    );
    expect(badConfig(() => loadConnectorConfig({ "errors.tolerance": "some" })).key).toBe("errors.tolerance");
    expect(badConfig(() => loadConnectorConfig({ timezone: "Mars/Olympus" })).message).toContain(
      "not an IANA time zone",
    );
    expect(badConfig(() => loadConnectorConfig({ "store.url": "minio:9000" })).key).toBe("store.url");
    expect(badConfig(() => loadConnectorConfig({ "s3.bucket.name": "Bad_Bucket" })).key).toBe(
      "s3.bucket.name",
    );
    expect(badConfig(() => loadConnectorConfig({ "rotate.schedule.interval.ms": "0" })).key).toBe(
      "rotate.schedule.interval.ms",
    );
    expect(badConfig(() => loadConnectorConfig({ "s3.path.style.access.enabled": "yes" })).key).toBe(
      "s3.path.style.access.enabled",
    );
  });

  it("reads format.class=ParquetFormat and parquet.codec (snappy by default), and writes them back", () => {
    const parquet = "io.confluent.connect.s3.format.parquet.ParquetFormat";
    const loaded = loadConnectorConfig({ "format.class": parquet });
    expect(loaded.settings).toMatchObject({ format: "parquet", parquetCodec: "snappy" });
    const zstd = loadConnectorConfig({ "format.class": parquet, "parquet.codec": "zstd" }).settings;
    expect(zstd.parquetCodec).toBe("zstd");
    const back = toConnectorConfig(zstd);
    expect(back).toMatchObject({ "format.class": parquet, "parquet.codec": "zstd" });
    expect(loadConnectorConfig(back).settings).toMatchObject({ format: "parquet", parquetCodec: "zstd" });
    expect(loadConnectorConfig({}).settings.format).toBe("json");
    const lz4 = badConfig(() => loadConnectorConfig({ "format.class": parquet, "parquet.codec": "lz4" }));
    expect(lz4.key).toBe("parquet.codec");
    expect(lz4.message).toContain("snappy, gzip, zstd, none");
  });

  it("rejects formats and options our sink does not implement", () => {
    const avro = badConfig(() =>
      loadConnectorConfig({ "format.class": "io.confluent.connect.s3.format.avro.AvroFormat" }),
    );
    expect(avro.message).toContain("not supported by our sink");
    expect(avro.message).toContain("io.confluent.connect.s3.format.json.JsonFormat");
    const keysAvro = badConfig(() => loadConnectorConfig({ "store.kafka.keys": "true" }));
    expect(keysAvro.key).toBe("keys.format.class");
    expect(keysAvro.message).toBe(
      "keys.format.class: required with store.kafka.keys=true (Confluent's default, AvroFormat, is not written by our sink); set keys.format.class=io.confluent.connect.s3.format.json.JsonFormat",
    );
    const headersAvro = badConfig(() =>
      loadConnectorConfig({
        "store.kafka.headers": "true",
        "headers.format.class": "io.confluent.connect.s3.format.avro.AvroFormat",
      }),
    );
    expect(headersAvro.key).toBe("headers.format.class");
    expect(headersAvro.message).toContain(
      "is not written by our sink: use io.confluent.connect.s3.format.json.JsonFormat",
    );
    expect(
      badConfig(() => loadConnectorConfig({ "partitioner.class": "com.example.MyPartitioner" })).key,
    ).toBe("partitioner.class");
  });

  it("reports unreadable and malformed files in one line", () => {
    expect(badConfig(() => loadConnectorConfig("/nonexistent/s3-sink.json")).message).toContain("ENOENT");
    const dir = mkdtempSync(join(tmpdir(), "s3cfg-"));
    const file = join(dir, "broken.json");
    writeFileSync(file, "{ not json");
    expect(badConfig(() => loadConnectorConfig(file)).message).toContain("is not valid JSON");
    expect(badConfig(() => loadConnectorConfig({ name: "a", config: {}, extra: 1 })).message).toContain(
      "'extra'",
    );
  });

  it("applies overrides last (flags / env), skipping undefined ones", () => {
    const { settings } = loadConnectorConfig(fixture, {
      ...sinkSettingsFromEnv({ S3_ENDPOINT: "http://localhost:9000", AWS_REGION: "eu-west-1" }),
      flushSize: undefined,
      bucket: "other-bucket",
    });
    expect(settings.storeUrl).toBe("http://localhost:9000");
    expect(settings.region).toBe("eu-west-1");
    expect(settings.bucket).toBe("other-bucket");
    expect(settings.flushSize).toBe(10);
    expect(badConfig(() => loadConnectorConfig(fixture, { flushSize: -5 })).key).toBe("flush.size");
  });

  it("notes each file key an env variable overrides, with both values, once per key, never a secret", () => {
    const env = { S3_ENDPOINT: "http://localhost:9000", AWS_REGION: "eu-west-1", S3_BUCKET: "weblogs" };
    const file = {
      name: "n",
      config: {
        "connector.class": "io.confluent.connect.s3.S3SinkConnector",
        topics: "weblogs",
        "s3.bucket.name": "my-bucket",
        "s3.region": "eu-west-1",
        "store.url": "http://me:pa55word@minio:9000",
        "flush.size": "5",
      },
    };
    const { notes, settings } = loadConnectorConfig(
      file,
      { ...sinkSettingsFromEnv(env), flushSize: 7 },
      { envSources: { ...sinkEnvSources(env), flushSize: "WEBLOG_FLUSH_SIZE" } },
    );
    expect(settings.bucket).toBe("weblogs");
    const overridden = notes.filter((n) => n.includes("overridden by"));
    // s3.region: the env says what the file says, so no line.
    expect(overridden).toEqual([
      "s3.bucket.name: my-bucket in connector config, overridden by S3_BUCKET=weblogs",
      "store.url: http://me:***@minio:9000 in connector config, overridden by S3_ENDPOINT=http://localhost:9000",
      "flush.size: 5 in connector config, overridden by WEBLOG_FLUSH_SIZE=7",
    ]);
    expect(notes.join("\n")).not.toContain("pa55word");
    // An override with no env source (a flag) and a key the file leaves out get no line.
    const { "s3.bucket.name": _bucket, ...noBucket } = file.config;
    const quiet = loadConnectorConfig(
      noBucket,
      { bucket: "flag-bucket", flushSize: 9 },
      { envSources: { bucket: "S3_BUCKET" } },
    );
    expect(quiet.notes.filter((n) => n.includes("overridden by"))).toEqual([]);
    expect(maskUserInfo("s3://k@h/x and http://u:p@h")).toBe("s3://***@h/x and http://u:***@h");
  });

  it("reads the time-based partitioner keys and the Hourly preset", () => {
    const { settings } = loadConnectorConfig({
      "partitioner.class": "io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
      "path.format": "'dt'=YYYY-MM-dd/'hr'=HH",
      "partition.duration.ms": "3600000",
      locale: "en_US",
      timezone: "Asia/Seoul",
      "timestamp.extractor": "RecordField",
      "timestamp.field": "timestamp",
    });
    expect(settings.partitioner).toEqual({
      kind: "time",
      pathFormat: "'dt'=YYYY-MM-dd/'hr'=HH",
      partitionDurationMs: 3_600_000,
      locale: "en-US",
      timestampExtractor: "RecordField",
      timestampField: "timestamp",
    });
    // The time zone is stored once, for rotation and the partitioner alike (Connect's one `timezone` key).
    expect(settings.timezone).toBe("Asia/Seoul");
    const hourly = loadConnectorConfig({
      "partitioner.class": "io.confluent.connect.storage.partitioner.HourlyPartitioner",
    });
    expect(hourly.settings.partitioner).toMatchObject({ kind: "time", partitionDurationMs: 3_600_000 });
    expect(
      badConfig(() =>
        loadConnectorConfig({
          "partitioner.class": "io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
          "path.format": "YYYY/MMM",
          "partition.duration.ms": "3600000",
        }),
      ).message,
    ).toContain("pattern 'MMM' is not supported");
    expect(
      badConfig(() =>
        loadConnectorConfig({
          "partitioner.class": "io.confluent.connect.storage.partitioner.FieldPartitioner",
        }),
      ).key,
    ).toBe("partition.field.name");
  });

  it("every key toConnectorConfig writes is a known key", () => {
    for (const key of Object.keys(toConnectorConfig(defaultSinkSettings()))) {
      expect(CONFLUENT_S3_SINK_KEYS[key] ?? key.startsWith("value.converter."), key).toBeTruthy();
    }
  });
});

describe("toConnectorConfig round trip", () => {
  const cases: [string, SinkSettings][] = [
    ["defaults", defaultSinkSettings()],
    [
      "field partitioner, gzip, custom layout and group",
      {
        ...defaultSinkSettings(),
        topics: ["a", "b.c"],
        storeUrl: "https://s3.example.com",
        flushSize: 500,
        rotateIntervalMs: 60_000,
        rotateScheduleIntervalMs: -1,
        topicsDir: "raw",
        fileDelim: "#",
        offsetPadWidth: 12,
        compression: "gzip",
        partitioner: { kind: "field", fields: ["method", "status_code"] },
        behaviorOnNullValues: "write",
        errorsTolerance: "all",
        groupId: "g1",
        bufferMaxBytes: 1024,
      },
    ],
    [
      "time partitioner in Seoul",
      {
        ...defaultSinkSettings(),
        timezone: "Asia/Seoul",
        partitioner: {
          kind: "time",
          pathFormat: "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH",
          partitionDurationMs: 3_600_000,
          locale: "ko-KR",
          timestampExtractor: "RecordField",
          timestampField: "meta.ts",
        },
      },
    ],
  ];
  for (const [label, settings] of cases) {
    it(label, () => {
      const flat = toConnectorConfig(settings);
      for (const value of Object.values(flat)) expect(typeof value).toBe("string");
      expect(loadConnectorConfig(flat).settings).toEqual(settings);
      expect(loadConnectorConfig({ name: "n", config: flat }).settings).toEqual(settings);
    });
  }
});

describe("the iceberg keys (format.class=iceberg)", () => {
  it("load with Apache Iceberg Kafka Connect's names and our defaults", () => {
    const { settings } = loadConnectorConfig({
      "format.class": "iceberg",
      "iceberg.tables": "web.logs",
      "iceberg.catalog.uri": "http://127.0.0.1:8181",
      "iceberg.control.commit.interval-ms": "5000",
    });
    expect(settings).toMatchObject({
      format: "iceberg",
      icebergTable: "web.logs",
      icebergCatalogUri: "http://127.0.0.1:8181",
      icebergCommitIntervalMs: 5000,
      icebergPartitionBy: "day(timestamp)",
    });
  });

  it("refuse a catalog URL with user info without echoing the secret, and a table without a namespace", () => {
    expect(() => loadConnectorConfig({ "iceberg.catalog.uri": "http://me:s3cret@host:8181" })).toThrow(
      /^iceberg\.catalog\.uri: 'http:\/\/\*\*\*@host:8181' is not an http\(s\) URL without user info/,
    );
    expect(() => loadConnectorConfig({ "iceberg.catalog.uri": "http://me:s3cret@host:8181" })).not.toThrow(
      /s3cret/,
    );
    expect(() => loadConnectorConfig({ "iceberg.tables": "logs" })).toThrow(
      /iceberg\.tables: 'logs' is not namespace\.table/,
    );
  });
});
