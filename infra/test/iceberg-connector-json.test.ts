/**
 * infra/connect/iceberg-sink.json (Apache Iceberg's Kafka Connect sink) and infra/connect/iceberg-table.json (the
 * table it writes into), checked without servers: the table is exactly the web-log table our sink creates (so both
 * sinks' tables have one schema and every reader reads both), no secret is in the connector JSON, and the compose
 * register script reads the file as a JSON parser does. connect-iceberg.test.ts runs the connector for real.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { WEBLOG_TABLE_SCHEMA } from "@weblog/iceberg";
import { describe, expect, it } from "vitest";
import { REGISTER_SCRIPT, REPO_ROOT } from "./paths";

const SINK_JSON = join(REPO_ROOT, "infra", "connect", "iceberg-sink.json");
const TABLE_JSON = join(REPO_ROOT, "infra", "connect", "iceberg-table.json");
const sink = JSON.parse(readFileSync(SINK_JSON, "utf8")) as { name: string; config: Record<string, string> };
const table = JSON.parse(readFileSync(TABLE_JSON, "utf8")) as {
  schema: typeof WEBLOG_TABLE_SCHEMA;
  "partition-spec": { fields: { "source-id": number; transform: string }[] };
  properties: Record<string, string>;
};

describe("infra/connect/iceberg-table.json", () => {
  it("is the web-log table our sink creates: the same columns, ids and types, partitioned by day", () => {
    expect(table.schema).toEqual(WEBLOG_TABLE_SCHEMA);
    const ts = WEBLOG_TABLE_SCHEMA.fields.find((f) => f.name === "timestamp");
    expect(table["partition-spec"].fields).toMatchObject([{ "source-id": ts?.id, transform: "day" }]);
    expect(table.properties["format-version"]).toBe("2");
  });
});

describe("infra/connect/iceberg-sink.json", () => {
  const c = sink.config;

  it("registers Apache's sink for a REST catalog with S3FileIO into an existing table", () => {
    expect(c["connector.class"]).toBe("org.apache.iceberg.connect.IcebergSinkConnector");
    expect(c["iceberg.catalog.type"]).toBe("rest");
    expect(c["iceberg.catalog.io-impl"]).toBe("org.apache.iceberg.aws.s3.S3FileIO");
    expect(c["iceberg.tables"]).toMatch(/^\w+\.\w+$/);
    expect(c["iceberg.tables.auto-create-enabled"]).toBe("false");
    expect(c["iceberg.control.topic"]).toBeTruthy();
    expect(Number(c["iceberg.control.commit.interval-ms"])).toBeGreaterThan(0);
    for (const [key, value] of Object.entries(c)) expect(typeof value, key).toBe("string");
  });

  const envRef = (name: string) => `\${env:${name}}`; // what the worker's EnvVarConfigProvider resolves

  it("holds no secret: the S3 keys are env references the worker resolves", () => {
    expect(c["iceberg.catalog.s3.access-key-id"]).toBe(envRef("AWS_ACCESS_KEY_ID"));
    expect(c["iceberg.catalog.s3.secret-access-key"]).toBe(envRef("AWS_SECRET_ACCESS_KEY"));
    const secretish = Object.keys(c).filter((k) => /secret|password|token|key-id/i.test(k));
    for (const k of secretish) expect(c[k], k).toMatch(/^\$\{env:AWS_[A-Z_]+\}$/);
  });

  it("is laid out so infra/connect/register.sh extracts the same config and name", () => {
    const extracted = execFileSync("sh", [REGISTER_SCRIPT, "--print-config", SINK_JSON], {
      encoding: "utf8",
    });
    expect(JSON.parse(extracted)).toEqual(c);
    const name = execFileSync("sh", [REGISTER_SCRIPT, "--print-name", SINK_JSON], { encoding: "utf8" });
    expect(name.trim()).toBe(sink.name);
  });
});
