import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IcebergCatalog, type S3Handle, startIcebergCatalog, startS3, uniqueName } from "../src/index";

/** The local Iceberg REST catalog over the tests' S3: a real server answering the REST protocol. */
describe("startIcebergCatalog", () => {
  let s3: S3Handle;
  let catalog: IcebergCatalog;

  beforeAll(async () => {
    s3 = await startS3();
    catalog = await startIcebergCatalog({ s3, warehouse: `s3://${s3.bucket}/warehouse` });
  }, 180_000);
  afterAll(async () => {
    await catalog?.stop();
    await s3?.stop();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${catalog.uri}/v1${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it("binds 127.0.0.1 and keeps the S3 secret out of its log", () => {
    expect(catalog.uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(readFileSync(catalog.logFile, "utf8")).toContain(
      `iceberg-rest listening on 127.0.0.1:${catalog.port}`,
    );
    expect(readFileSync(catalog.logFile, "utf8")).not.toContain(s3.credentials.secretAccessKey);
  });

  it("creates a namespace and a table (metadata on S3) that it then lists", async () => {
    const ns = uniqueName("ns").replace(/-/g, "_");
    expect((await api("POST", "/namespaces", { namespace: [ns] })).status).toBe(200);
    const created = await api("POST", `/namespaces/${ns}/tables`, {
      name: "logs",
      schema: {
        type: "struct",
        "schema-id": 0,
        fields: [
          { id: 1, name: "ts", required: true, type: "timestamptz" },
          { id: 2, name: "status_code", required: false, type: "int" },
        ],
      },
      "partition-spec": {
        "spec-id": 0,
        fields: [{ "source-id": 1, "field-id": 1000, name: "ts_day", transform: "day" }],
      },
    });
    expect(created.status).toBe(200);
    const location = created.json["metadata-location"] as string;
    expect(location.startsWith(`s3://${s3.bucket}/warehouse/${ns}/logs/metadata/`)).toBe(true);

    const client = s3.client();
    try {
      const { HeadObjectCommand } = await import("@aws-sdk/client-s3");
      const key = location.slice(`s3://${s3.bucket}/`.length);
      await expect(client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }))).resolves.toBeTruthy();
    } finally {
      client.destroy();
    }
    expect((await api("GET", "/namespaces")).json.namespaces).toContainEqual([ns]);
    expect((await api("GET", `/namespaces/${ns}/tables`)).json.identifiers).toEqual([
      { namespace: [ns], name: "logs" },
    ]);
  });
});
