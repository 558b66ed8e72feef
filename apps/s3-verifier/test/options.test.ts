import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseOptions } from "../src/options";

const NO_ENV = {};

// commander reads flag env variables (S3_BUCKET, KAFKA_BROKERS, WEBLOG_*) from process.env: run without them.
const saved = { ...process.env };
beforeEach(() => {
  for (const k of Object.keys(process.env)) {
    if (/^(S3_|KAFKA_|WEBLOG_|AWS_REGION)/.test(k)) delete process.env[k];
  }
});
afterEach(() => {
  process.env = { ...saved };
});

describe("parseOptions", () => {
  it("uses the shared defaults with no flags", () => {
    const o = parseOptions([], NO_ENV);
    expect(o).toMatchObject({
      bucket: "weblogs",
      endpoint: "http://localhost:9000",
      region: "us-east-1",
      prefix: "topics/",
      topics: [],
      brokers: undefined,
      group: undefined,
      json: false,
      concurrency: 16,
    });
  });

  it("reads flags, and '--endpoint aws' means AWS S3 itself", () => {
    const o = parseOptions(
      [
        "--bucket",
        "logs",
        "--endpoint",
        "aws",
        "--region",
        "eu-west-1",
        "--topic",
        "a,b",
        "--flush-size",
        "5",
        "--json",
      ],
      NO_ENV,
    );
    expect(o).toMatchObject({
      bucket: "logs",
      endpoint: undefined,
      region: "eu-west-1",
      topics: ["a", "b"],
      flushSize: 5,
    });
    expect(o.json).toBe(true);
  });

  it("takes bucket, endpoint, topics, flush.size and layout from a connector JSON; flags win", () => {
    const dir = mkdtempSync(join(tmpdir(), "verifier-"));
    const file = join(dir, "s3-sink.json");
    writeFileSync(
      file,
      JSON.stringify({
        name: "weblogs-s3-sink",
        config: {
          "connector.class": "io.confluent.connect.s3.S3SinkConnector",
          topics: "clicks",
          "s3.bucket.name": "from-config",
          "store.url": "http://minio:9000",
          "flush.size": "25",
          "topics.dir": "raw",
        },
      }),
    );
    const o = parseOptions(["--config", file], NO_ENV);
    expect(o).toMatchObject({
      bucket: "from-config",
      endpoint: "http://minio:9000",
      topics: ["clicks"],
      flushSize: 25,
      prefix: "raw/",
    });
    expect(o.layout.topicsDir).toBe("raw");
    const overridden = parseOptions(
      ["--config", file, "--endpoint", "http://localhost:9000", "--flush-size", "10"],
      NO_ENV,
    );
    expect(overridden).toMatchObject({
      endpoint: "http://localhost:9000",
      flushSize: 10,
      bucket: "from-config",
    });
  });

  it("rejects bad input with one line naming the flag", () => {
    expect(() => parseOptions(["--bucket", "Bad_Bucket"], NO_ENV)).toThrow(
      /--bucket "Bad_Bucket" is not a valid S3 bucket name/,
    );
    expect(() => parseOptions(["--endpoint", "localhost:9000"], NO_ENV)).toThrow(
      /--endpoint .* is not an http\(s\) URL/,
    );
    expect(() => parseOptions(["--group", "g"], NO_ENV)).toThrow(/--group needs --brokers/);
    expect(() => parseOptions(["--concurrency", "0"], NO_ENV)).toThrow(/--concurrency/);
    expect(() => parseOptions(["--config", "/nonexistent/s3-sink.json"], NO_ENV)).toThrow(/s3-sink\.json/);
  });

  it("names --config and the file once in a config error", () => {
    const dir = mkdtempSync(join(tmpdir(), "verifier-bad-config-"));
    try {
      const file = join(dir, "bad.json");
      writeFileSync(file, "{bad");
      let message = "";
      try {
        parseOptions(["--config", file], NO_ENV);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/^--config: '.*bad\.json' is not valid JSON/);
      expect(message.split("--config").length - 1).toBe(1);
      expect(message.split(file).length - 1).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("--iceberg-offsets", () => {
  const table = ["--iceberg-table", "weblog.logs", "--brokers", "b:9092", "--group", "g", "--topic", "t"];

  it("defaults to the table's own snapshots, and takes kafka (a table Apache's Connect sink writes)", () => {
    expect(parseOptions(table, NO_ENV).icebergOffsets).toBe("table");
    expect(parseOptions([...table, "--iceberg-offsets", "kafka"], NO_ENV).icebergOffsets).toBe("kafka");
  });

  it("anything else is one line naming the flag and its values", () => {
    expect(() => parseOptions([...table, "--iceberg-offsets", "connect"], NO_ENV)).toThrow(
      /--iceberg-offsets "connect" is not table or kafka/,
    );
  });
});

describe("companions and SSE-C from the connector JSON or flags", () => {
  const SSE_C = Buffer.alloc(32, 1).toString("base64");
  const JSON_FORMAT = "io.confluent.connect.s3.format.json.JsonFormat";
  const withConfig = (config: Record<string, string>, argv: string[] = []) => {
    const dir = mkdtempSync(join(tmpdir(), "verifier-companions-"));
    try {
      const file = join(dir, "s3-sink.json");
      writeFileSync(file, JSON.stringify({ name: "s", config }));
      return parseOptions(["--config", file, ...argv], NO_ENV);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("store.kafka.keys / headers in --config, or --keys / --headers, ask for the companions", () => {
    expect(parseOptions([], NO_ENV).companions).toEqual([]);
    expect(parseOptions(["--headers"], NO_ENV).companions).toEqual(["headers"]);
    const o = withConfig({
      "store.kafka.keys": "true",
      "keys.format.class": JSON_FORMAT,
      "store.kafka.headers": "true",
      "headers.format.class": JSON_FORMAT,
    });
    expect(o.companions).toEqual(["keys", "headers"]);
  });

  it("s3.sse.customer.key in --config is the read key, --sse-customer-key wins; a bad flag names it, never the value", () => {
    expect(parseOptions([], NO_ENV).sseCustomerKey).toBeUndefined();
    const config = { "s3.ssea.name": "AES256", "s3.sse.customer.key": SSE_C };
    expect(withConfig(config).sseCustomerKey).toBe(SSE_C);
    const other = Buffer.alloc(32, 2).toString("base64");
    expect(withConfig(config, ["--sse-customer-key", other]).sseCustomerKey).toBe(other);
    let message = "";
    try {
      parseOptions(["--sse-customer-key", "secret-but-short"], NO_ENV);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^--sse-customer-key is not a base64-encoded 256-bit key/);
    expect(message).not.toContain("secret-but-short");
  });
});
