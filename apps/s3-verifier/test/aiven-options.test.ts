import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseOptions } from "../src/options";

const AIVEN_JSON = join(dirname(fileURLToPath(import.meta.url)), "../../../infra/connect/aiven-s3-sink.json");

// commander reads flag env variables (S3_BUCKET, KAFKA_BROKERS, WEBLOG_*) from process.env: run without them.
const saved = { ...process.env };
beforeEach(() => {
  for (const k of Object.keys(process.env)) {
    if (/^(S3_|KAFKA_|WEBLOG_|AWS_)/.test(k)) delete process.env[k];
  }
});
afterEach(() => {
  process.env = { ...saved };
});

describe("--config with Aiven's S3 sink connector JSON", () => {
  it("takes bucket, endpoint, topics, layout (20-digit offsets) and file.max.records from it", () => {
    const o = parseOptions(["--config", AIVEN_JSON], {});
    expect(o.bucket).toBe("weblogs");
    expect(o.endpoint).toBe("http://minio:9000");
    expect(o.topics).toEqual(["weblogs"]);
    expect(o.prefix).toBe("topics/");
    expect(o.layout).toEqual({
      topicsDir: "topics",
      directoryDelim: "/",
      fileDelim: "+",
      offsetPadWidth: 20,
    });
    expect(o.flushSize).toBe(10);
  });

  it("a setting it cannot read is one usage line naming the key", () => {
    const doc = JSON.parse(readFileSync(AIVEN_JSON, "utf8"));
    doc.config["format.output.type"] = "csv";
    const path = join(mkdtempSync(join(tmpdir(), "aiven-opt-")), "c.json");
    writeFileSync(path, JSON.stringify(doc));
    expect(() => parseOptions(["--config", path], {})).toThrow(
      /format\.output\.type='csv': set it to 'jsonl'/,
    );
  });
});
