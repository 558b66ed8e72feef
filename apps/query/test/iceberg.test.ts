/**
 * weblog-query over an Apache Iceberg table (--iceberg-table), through a real REST catalog on a real S3: the table
 * is written in two snapshots by the sink's own table writer (@weblog/iceberg's commitAppend, what --format iceberg
 * commits with); the current snapshot counts both, --as-of the first snapshot only the first's records, and an
 * --as-of that names no snapshot is one line, exit 2.
 */
import { fileURLToPath } from "node:url";
import type { S3Client } from "@aws-sdk/client-s3";
import { createFakeLog } from "@weblog/fake-log";
import { createRestCatalog, openWebLogTable } from "@weblog/iceberg";
import { encode } from "@weblog/log-schema";
import {
  type IcebergCatalog,
  runCli,
  type S3Handle,
  startIcebergCatalog,
  startS3,
  uniqueName,
} from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

describe("weblog-query --iceberg-table (REST catalog + S3)", () => {
  let s3: S3Handle;
  let server: IcebergCatalog;
  let client: S3Client;
  const table = `web.${uniqueName("q").replace(/-/g, "_")}`;
  const first = createFakeLog({ seed: 3 })
    .batch(300)
    .map((r) => encode(r));
  const second = createFakeLog({ seed: 4 })
    .batch(120)
    .map((r) => encode(r));
  let firstId: string;
  let secondId: string;

  beforeAll(async () => {
    s3 = await startS3();
    server = await startIcebergCatalog({ s3, warehouse: `s3://${s3.bucket}/warehouse` });
    client = s3.client();
    const t = await openWebLogTable({
      catalog: createRestCatalog({ uri: server.uri }),
      table,
      storage: { client, endpoint: s3.endpoint },
    });
    const c1 = await t.commitAppend("g", [
      { topic: "t", partition: 0, start: 0, end: first.length, files: await t.writeDataFiles(first) },
    ]);
    const c2 = await t.commitAppend("g", [
      { topic: "t", partition: 1, start: 0, end: second.length, files: await t.writeDataFiles(second) },
    ]);
    firstId = c1.snapshotId as string;
    secondId = c2.snapshotId as string;
  }, 240_000);
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
    await s3?.stop();
  });

  const query = (args: string[]) =>
    runCli(MAIN, ["--iceberg-table", table, "--iceberg-catalog-uri", server.uri, "--json", ...args], {
      env: {
        S3_ENDPOINT: s3.endpoint,
        S3_REGION: s3.region,
        AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      },
      timeoutMs: 60_000,
    });
  const countOf = (stdout: string) => {
    const doc = JSON.parse(stdout) as { snapshotId: string; sections: { rows: Record<string, unknown>[] }[] };
    return { snapshotId: doc.snapshotId, n: Number(doc.sections[0]?.rows[0]?.n) };
  };

  it("counts every record at the current snapshot, and only the first's as of the first snapshot", async () => {
    expect(firstId).toMatch(/^\d+$/);
    const now = await query(["SELECT count(*) AS n FROM logs"]);
    expect(now.code, now.stderr).toBe(0);
    expect(countOf(now.stdout)).toEqual({ snapshotId: secondId, n: first.length + second.length });
    const then = await query(["--as-of", firstId, "SELECT count(*) AS n FROM logs"]);
    expect(then.code, then.stderr).toBe(0);
    expect(countOf(then.stdout)).toEqual({ snapshotId: firstId, n: first.length });
  });

  it("--as-of an ISO time reads the snapshot current at that time", async () => {
    const { metadata } = await createRestCatalog({ uri: server.uri }).loadTable({
      namespace: ["web"],
      name: table.split(".")[1] as string,
    });
    const at = (id: string) =>
      metadata.snapshots?.find((s) => s["snapshot-id"] === id)?.["timestamp-ms"] ?? 0;
    expect(at(secondId)).toBeGreaterThan(at(firstId));
    const then = await query([
      "--as-of",
      new Date(at(firstId)).toISOString(),
      "SELECT count(*) AS n FROM logs",
    ]);
    expect(then.code, then.stderr).toBe(0);
    expect(countOf(then.stdout)).toEqual({ snapshotId: firstId, n: first.length });
  });

  it("runs the traffic report over the table", async () => {
    const r = await query(["--report", "traffic"]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { sections: unknown[] }).sections.length).toBeGreaterThan(0);
  });

  it("an --as-of that names no snapshot: one line, exit 2", async () => {
    for (const asOf of ["12345", "2000-01-01T00:00:00Z"]) {
      const r = await query(["--as-of", asOf, "SELECT count(*) FROM logs"]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      const lines = r.stderr.trim().split("\n");
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toContain("--as-of");
      expect(r.stderr).not.toContain("    at ");
    }
  });
});
