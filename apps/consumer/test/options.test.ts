import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli, type S3Handle, startS3 } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseOptions, type SinkMode } from "../src/options";
import { MAIN } from "./helpers";

const dir = mkdtempSync(join(tmpdir(), "consumer-config-"));
function writeConfig(name: string, config: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

const CONNECTOR = {
  name: "weblogs-s3-sink",
  config: {
    "connector.class": "io.confluent.connect.s3.S3SinkConnector",
    "tasks.max": "1",
    topics: "weblogs,other",
    "s3.bucket.name": "from-file",
    "s3.region": "eu-west-1",
    "store.url": "http://minio:9000",
    "flush.size": "500",
    "rotate.schedule.interval.ms": "60000",
    timezone: "UTC",
    "s3.compression.type": "gzip",
    "storage.class": "io.confluent.connect.s3.storage.S3Storage",
    "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
    "partitioner.class": "io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
    "path.format": "'year'=YYYY/'month'=MM/'day'=dd",
    "partition.duration.ms": "86400000",
    locale: "en-US",
    "timestamp.extractor": "RecordField",
    "timestamp.field": "timestamp",
    "errors.tolerance": "all",
    "errors.deadletterqueue.topic.name": "weblogs-dlq",
    "key.converter": "org.apache.kafka.connect.storage.StringConverter",
    "value.converter": "org.apache.kafka.connect.json.JsonConverter",
    "value.converter.schemas.enable": "false",
  },
};

const sink = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseOptions(argv, env) as SinkMode;

describe("options: connector JSON, flags, env", () => {
  it("reads a Kafka Connect connector JSON (honoured keys used, Connect-only keys noted)", () => {
    const o = sink(["--sink", "--config", writeConfig("good.json", CONNECTOR)]);
    expect(o.settings).toMatchObject({
      topics: ["weblogs", "other"],
      bucket: "from-file",
      region: "eu-west-1",
      storeUrl: "http://minio:9000",
      flushSize: 500,
      rotateScheduleIntervalMs: 60_000,
      compression: "gzip",
      errorsTolerance: "all",
      dlqTopic: "weblogs-dlq",
      partitioner: {
        kind: "time",
        pathFormat: "'year'=YYYY/'month'=MM/'day'=dd",
        timestampExtractor: "RecordField",
      },
    });
    expect(o.connectorName).toBe("weblogs-s3-sink");
    expect(o.notes.some((n) => n.includes("tasks.max"))).toBe(true);
  });

  it("reads infra's connector JSON (the one registered with Kafka Connect) as is", () => {
    const infra = fileURLToPath(new URL("../../../infra/connect/s3-sink.json", import.meta.url));
    const o = sink(["--sink", "--config", infra]);
    expect(o.settings).toMatchObject({
      topics: ["weblogs"],
      bucket: "weblogs",
      flushSize: 10,
      partitioner: { kind: "default" },
    });
    expect(o.connectorName).toBe("weblogs-s3-sink");
  });

  it("flags > env > config file > defaults", () => {
    const path = writeConfig("prec.json", CONNECTOR);
    // commander reads WEBLOG_* from process.env itself.
    process.env.WEBLOG_FLUSH_SIZE = "9";
    try {
      const o = sink(["--sink", "--config", path, "--flush-size", "7"], { S3_BUCKET: "from-env" });
      expect(o.settings.flushSize).toBe(7);
      expect(o.settings.bucket).toBe("from-env");
      expect(sink(["--sink", "--config", path]).settings.flushSize).toBe(9);
    } finally {
      delete process.env.WEBLOG_FLUSH_SIZE;
    }
    const d = sink(["--sink"]);
    expect(d.settings).toMatchObject({
      topics: ["weblogs"],
      bucket: "weblogs",
      flushSize: 10,
      rotateScheduleIntervalMs: 10_000,
      groupId: "weblog-s3-sink",
    });
    expect(d.settings.storeUrl).toBe("http://localhost:9000");
  });

  it("WEBLOG_TOPIC (the stack-wide topic variable) is the sink's topic; only a literal --topic is refused", () => {
    process.env.WEBLOG_TOPIC = "bk-orders";
    try {
      expect(sink(["--sink"]).settings.topics).toEqual(["bk-orders"]);
      expect(sink(["--sink", "--topics", "a,b"]).settings.topics).toEqual(["a", "b"]);
    } finally {
      delete process.env.WEBLOG_TOPIC;
    }
    expect(() => sink(["--sink", "--topic", "x"])).toThrow(/--topic is for --print/);
  });

  it("partitioner flags build the partitioner settings", () => {
    expect(
      sink(["--sink", "--partitioner", "field", "--partition-field", "status_code,method"]).settings
        .partitioner,
    ).toEqual({
      kind: "field",
      fields: ["status_code", "method"],
    });
    const t = sink([
      "--sink",
      "--partitioner",
      "time",
      "--timestamp-extractor",
      "RecordField",
      "--timezone",
      "Asia/Seoul",
    ]).settings;
    expect(t.partitioner).toMatchObject({
      kind: "time",
      timestampExtractor: "RecordField",
      timestampField: "timestamp",
    });
    // The time zone is stored once (settings.timezone), for rotation and the partitioner alike.
    expect(t.timezone).toBe("Asia/Seoul");
    expect(() => sink(["--sink", "--partitioner", "field"])).toThrow(/--partition-field/);
  });

  it("an unknown key in the connector JSON is an error naming the key", () => {
    const path = writeConfig("unknown.json", {
      ...CONNECTOR,
      config: { ...CONNECTOR.config, "flush.sise": "10" },
    });
    expect(() => sink(["--sink", "--config", path])).toThrow(/flush\.sise/);
  });

  it("a bad value is an error naming the key and the fix", () => {
    const path = writeConfig("bad.json", {
      ...CONNECTOR,
      config: { ...CONNECTOR.config, "s3.compression.type": "zip" },
    });
    expect(() => sink(["--sink", "--config", path])).toThrow(/s3\.compression\.type.*(none|gzip)/);
  });

  it("a DLQ topic among the sink's topics is refused (Kafka Connect's rule), from flags or the connector JSON", () => {
    const dlq = ["--errors-tolerance", "all", "--dlq-topic"];
    expect(() => sink(["--sink", "--topics", "a,b", ...dlq, "b"])).toThrow(
      /errors\.deadletterqueue\.topic\.name \(--dlq-topic\) 'b' is one of the topics the sink reads \(topics=a,b\)/,
    );
    const looped = {
      ...CONNECTOR,
      config: { ...CONNECTOR.config, "errors.deadletterqueue.topic.name": "other" },
    };
    expect(() => sink(["--sink", "--config", writeConfig("loop.json", looped)])).toThrow(/'other'/);
    // Not a loop: another name, or no DLQ in use (a sink of the DLQ topic itself with errors.tolerance=none).
    expect(sink(["--sink", "--topics", "a,b", ...dlq, "a-dlq"]).settings.dlqTopic).toBe("a-dlq");
    expect(sink(["--sink", "--topics", "weblogs-dlq"]).settings.topics).toEqual(["weblogs-dlq"]);
  });

  it("process level: bad config is one line on stderr and exit 2", async () => {
    const path = writeConfig("bad2.json", {
      ...CONNECTOR,
      config: { ...CONNECTOR.config, "flush.size": "ten" },
    });
    const res = await runCli(MAIN, ["--sink", "--config", path], { timeoutMs: 15_000 });
    expect(res.code).toBe(2);
    expect(
      res.stderr
        .trim()
        .split("\n")
        .filter((l) => !/Warning|versions published|node >=22|upgrade|a\.co|trace-warnings/.test(l)),
    ).toHaveLength(1);
    expect(res.stderr).toMatch(/flush\.size/);
  });
});

describe("start-up failures (S3)", () => {
  let s3: S3Handle;
  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it("broker unreachable: one line naming the address and the fix, exit 2", async () => {
    const res = await runCli(
      MAIN,
      ["--sink", "--bucket", s3.bucket, "--store-url", s3.endpoint, "--brokers", "127.0.0.1:1"],
      {
        env: {
          AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
        },
        timeoutMs: 30_000,
      },
    );
    expect(res.code).toBe(2);
    const lines = res.stderr.split("\n").filter((l) => l.startsWith("consumer: "));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/127\.0\.0\.1:1/);
    expect(res.stderr).not.toMatch(/^\s+at /m);
  });

  // Issue 25, item 9: a password inside the endpoint URL was printed back in errors and logs.
  it("a password inside the endpoint URL is never printed (the error line, every log line)", async () => {
    const secret = "s3cr3t-in-url";
    const withPassword = s3.endpoint.replace("://", `://${s3.credentials.accessKeyId}:${secret}@`);
    const env = {
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      KAFKA_BROKERS: "127.0.0.1:1",
      WEBLOG_LOG_LEVEL: "debug",
    };
    // The bucket is missing: the error names the endpoint, password masked.
    const missing = await runCli(
      MAIN,
      ["--sink", "--bucket", "no-such-bucket-here", "--store-url", withPassword],
      {
        env,
        timeoutMs: 20_000,
      },
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${s3.credentials.accessKeyId}:***@${new URL(s3.endpoint).host}`);
    expect(missing.stderr).not.toContain(secret);
    // The bucket is there: the start-up lines name the endpoint, then the broker is unreachable.
    const started = await runCli(MAIN, ["--sink", "--bucket", s3.bucket, "--store-url", withPassword], {
      env,
      timeoutMs: 30_000,
    });
    expect(started.code).toBe(2);
    expect(started.stderr).toMatch(/starting S3 sink/);
    expect(started.stderr).not.toContain(secret);
    // A broker address written as a URL with a password: refused (not host:port), the password masked.
    const url = await runCli(MAIN, ["--sink", "--bucket", s3.bucket, "--store-url", s3.endpoint], {
      env: { ...env, KAFKA_BROKERS: `SASL_SSL://alice:${secret}@127.0.0.1:1` },
      timeoutMs: 20_000,
    });
    expect(url.code).toBe(2);
    expect(url.stderr).toMatch(/^consumer: KAFKA_BROKERS: 'SASL_SSL:\/\/alice:\*\*\*@127\.0\.0\.1:1'/m);
    expect(url.stderr).not.toContain(secret);
  });

  it("missing bucket: one line naming bucket and endpoint, exit 2, no secret", async () => {
    const res = await runCli(
      MAIN,
      ["--sink", "--bucket", "no-such-bucket-here", "--store-url", s3.endpoint],
      {
        env: {
          AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
          KAFKA_BROKERS: "127.0.0.1:1",
        },
        timeoutMs: 20_000,
      },
    );
    expect(res.code).toBe(2);
    const line = res.stderr.split("\n").find((l) => l.startsWith("consumer: ")) ?? "";
    expect(line).toMatch(/no-such-bucket-here/);
    expect(line).toContain(new URL(s3.endpoint).host);
    expect(res.stderr).not.toContain(s3.credentials.secretAccessKey);
  });
});
