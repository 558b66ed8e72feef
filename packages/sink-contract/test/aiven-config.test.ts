import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { AIVEN_S3_SINK_CLASS, layoutOfAivenTemplate } from "../src/aiven-config";
import type { SinkConfigError } from "../src/errors";
import { parseObjectKey } from "../src/keys";
import { loadConnectorConfig } from "../src/load";

const AIVEN_JSON = join(dirname(fileURLToPath(import.meta.url)), "../../../infra/connect/aiven-s3-sink.json");
const file = JSON.parse(readFileSync(AIVEN_JSON, "utf8")) as { name: string; config: Record<string, string> };

function failure(config: Record<string, string>): SinkConfigError {
  try {
    loadConnectorConfig({ name: "x", config });
  } catch (err) {
    return err as SinkConfigError;
  }
  throw new Error("expected a BAD_CONFIG failure");
}

describe("Aiven's S3 sink config (infra/connect/aiven-s3-sink.json) as the verifier reads it", () => {
  it("gives bucket, endpoint, layout, 10 records per object, DLQ and the group connect-<name>", () => {
    const { settings, name } = loadConnectorConfig(AIVEN_JSON);
    expect(file.config["connector.class"]).toBe(AIVEN_S3_SINK_CLASS);
    expect(name).toBe("weblogs-aiven-s3-sink");
    expect(settings).toMatchObject({
      topics: ["weblogs"],
      bucket: "weblogs",
      region: "us-east-1",
      storeUrl: "http://minio:9000",
      pathStyle: true,
      flushSize: 10,
      compression: "none",
      topicsDir: "topics",
      directoryDelim: "/",
      fileDelim: "+",
      offsetPadWidth: 20,
      errorsTolerance: "all",
      dlqTopic: "weblogs-dlq",
      groupId: "connect-weblogs-aiven-s3-sink",
    });
  });

  it("parses a key the template produces (20-digit offset) with the layout it gives", () => {
    const layout = layoutOfAivenTemplate(file.config["file.name.template"] as string, "none");
    const key = "topics/weblogs/partition=3/weblogs+3+00000000000000000120.json";
    expect(parseObjectKey(key, layout)).toEqual({
      ok: true,
      parts: {
        topic: "weblogs",
        encodedPartition: "partition=3",
        kafkaPartition: 3,
        startOffset: 120n,
        compression: "none",
      },
    });
  });

  it("names the key and the fix for what the verifier cannot read", () => {
    const base = file.config;
    expect(failure({ ...base, "format.output.type": "csv" }).message).toMatch(
      /^format\.output\.type='csv': set it to 'jsonl'/,
    );
    expect(failure({ ...base, "format.output.envelope": "true" }).key).toBe("format.output.envelope");
    expect(failure({ ...base, "format.output.fields": "key,value" }).key).toBe("format.output.fields");
    const template = failure({ ...base, "file.name.template": "{{topic}}-{{partition}}-{{start_offset}}" });
    expect(template.key).toBe("file.name.template");
    expect(template.message).toContain("{{topic}}/partition={{partition}}/");
    expect(failure({ ...base, "file.compression.type": "zstd" }).key).toBe("file.compression.type");
    expect(failure({ ...base, "file.max.records": "ten" }).key).toBe("file.max.records");
    const { ["aws.s3.bucket.name"]: _, ...noBucket } = base;
    expect(failure(noBucket).key).toBe("aws.s3.bucket.name");
  });

  it("gzip objects need the template to end in .json.gz", () => {
    const t =
      "topics/{{topic}}/partition={{partition}}/{{topic}}+{{partition}}+{{start_offset:padding=true}}.json.gz";
    expect(layoutOfAivenTemplate(t, "gzip").topicsDir).toBe("topics");
    expect(() => layoutOfAivenTemplate(t, "none")).toThrow(/file\.name\.template/);
  });
});
