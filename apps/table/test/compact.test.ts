/**
 * `weblog-table compact` against the real REST catalog (Apache Iceberg 1.10.0) and S3, read back by PyIceberg (an
 * independent reader): many small files become few, in one replace snapshot that keeps the offsets; appends that
 * land between the compaction's read and its commit (the sink running) are kept, every row exactly once.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { silentLogger } from "@weblog/cli";
import {
  type CommitPart,
  createRestCatalog,
  liveDataFiles,
  openWebLogTable,
  type RestCatalog,
  type WebLogTable,
} from "@weblog/iceberg";
import {
  type IcebergCatalog,
  readTableWithPyIceberg,
  type S3Handle,
  startIcebergCatalog,
  startS3,
  uniqueName,
} from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCompact } from "../src/compact";
import { parseCommand } from "../src/options";
import { counts, linesAt, tableCli } from "./helpers";

describe("weblog-table compact (REST catalog + S3, read by PyIceberg)", () => {
  let s3: S3Handle;
  let server: IcebergCatalog;
  let catalog: RestCatalog;
  let client: S3Client;
  beforeAll(async () => {
    s3 = await startS3();
    server = await startIcebergCatalog({ s3, warehouse: `s3://${s3.bucket}/warehouse` });
    catalog = createRestCatalog({ uri: server.uri });
    client = s3.client();
  }, 240_000);
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
    await s3?.stop();
  });

  const open = (name: string) => openWebLogTable({ catalog, table: name, storage: { client } });
  const newName = () => `web.${uniqueName("c").replace(/-/g, "_")}`;
  const pyRead = (name: string) => readTableWithPyIceberg({ catalogUri: server.uri, table: name, s3 });

  /** `files` small files (one per Kafka partition, `per` records each, alternating two days), in one snapshot. */
  async function smallFiles(t: WebLogTable, files: number, per: number, seed: number) {
    const all: string[] = [];
    const parts: CommitPart[] = [];
    for (let p = 0; p < files; p++) {
      const lines = linesAt(seed + p, per, `2026-11-${25 + (p % 2)}T0${p % 10}:00:00.000Z`, 1000);
      all.push(...lines);
      parts.push({ topic: "t", partition: p, start: 0, end: per, files: await t.writeDataFiles(lines) });
    }
    await t.commitAppend("g", parts);
    return all;
  }

  it("rewrites 60 small files of two days into 2, one replace snapshot, same rows, offsets kept", async () => {
    const name = newName();
    const t = await open(name);
    const all = await smallFiles(t, 60, 10, 100);
    const before = await pyRead(name);
    expect(await liveDataFiles({ client }, t.metadata())).toHaveLength(60);

    const run = await tableCli(s3, server, [
      "compact",
      "--iceberg-table",
      name,
      "--target-file-size",
      "1MiB",
      "--json",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const r = JSON.parse(run.stdout);
    expect(r).toMatchObject({ replaced: 60, written: 2, partitions: 2, attempts: 1, records: 600 });
    expect(r.baseSnapshotId).toBe(before.snapshotId);

    const after = await pyRead(name);
    expect(after.snapshotId).toBe(r.snapshotId);
    const snaps = (await catalog.loadTable(t.ident)).metadata.snapshots ?? [];
    expect(snaps.find((x) => x["snapshot-id"] === r.snapshotId)?.summary.operation).toBe("replace");
    expect(after.summary["weblog.kafka-offsets.g"]).toBe(before.summary["weblog.kafka-offsets.g"]);
    expect(counts(after.lines)).toEqual(counts(all));
    const { metadata } = await catalog.loadTable(t.ident);
    const live = await liveDataFiles({ client }, metadata);
    expect(live).toHaveLength(2);
    expect(live.map((p) => p.match(/timestamp_day=([\d-]+)/)?.[1]).sort()).toEqual([
      "2026-11-25",
      "2026-11-26",
    ]);

    // again: nothing left to compact (2 files, one per day), exit 0, no new snapshot
    const again = await tableCli(s3, server, [
      "compact",
      "--iceberg-table",
      name,
      "--target-file-size",
      "1MiB",
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/nothing to compact/);
    expect((await catalog.loadTable(t.ident)).metadata["current-snapshot-id"]).toBe(r.snapshotId);
  });

  it("--dry-run and --partition: the plan for one day only, nothing committed", async () => {
    const name = newName();
    const t = await open(name);
    await smallFiles(t, 8, 5, 300);
    const base = t.metadata()["current-snapshot-id"];
    const dry = await tableCli(s3, server, [
      "compact",
      "--iceberg-table",
      name,
      "--partition",
      "2026-11-26",
      "--dry-run",
      "--json",
    ]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      snapshotId: null,
      replaced: 4,
      partitions: 1,
      written: 0,
    });
    expect((await catalog.loadTable(t.ident)).metadata["current-snapshot-id"]).toBe(base);
    const hourly = await tableCli(s3, server, [
      "compact",
      "--iceberg-table",
      name,
      "--partition",
      "2026-11-26-01",
    ]);
    expect(hourly.code).toBe(2);
    expect(hourly.stderr.trim().split("\n")).toHaveLength(1);
    expect(hourly.stderr).toMatch(/--partition "2026-11-26-01" is an hour, but .* is partitioned by day/);
    const missing = await tableCli(s3, server, ["compact", "--iceberg-table", "web.no_such_table"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/table web\.no_such_table does not exist/);
  });

  it("appends committed between its read and its commit are kept; another compaction's files are never replaced twice", async () => {
    const name = newName();
    const t = await open(name);
    const all = await smallFiles(t, 12, 10, 500);
    const sink = await open(name); // the running sink: another writer on the same table
    const rival = await open(name); // another compaction
    let next = 0;
    const append = async () => {
      const lines = linesAt(900 + next, 7, "2026-11-25T12:00:00.000Z", 1000);
      all.push(...lines);
      await sink.commitAppend("g", [
        {
          topic: "u",
          partition: 0,
          start: next * 7,
          end: (next + 1) * 7,
          files: await sink.writeDataFiles(lines),
        },
      ]);
      next++;
    };
    const opts = parseCommand("compact", ["--iceberg-table", name, "--target-file-size", "1MiB"], {});
    const r = await runCompact(t, opts as Extract<typeof opts, { command: "compact" }>, silentLogger(), {
      beforeCommitRequest: async (attempt) => {
        if (attempt === 1) await append(); // refused: rebuilt on the new base, its new files reused
        if (attempt === 2) {
          await append();
          // a rival compaction of day 26 lands too: ours replaces some of the same files, so it plans again
          await rival.compact({
            targetFileSizeBytes: 1024 * 1024,
            partitions: [Math.floor(Date.parse("2026-11-26T00:00:00Z") / 86_400_000)],
          });
        }
      },
    });
    expect(r.attempts).toBe(3);
    expect(r.rewrites).toBe(1);
    const read = await pyRead(name);
    expect(read.snapshotId).toBe(r.snapshotId);
    expect(counts(read.lines)).toEqual(counts(all)); // every row exactly once: nothing dropped, nothing twice
    expect(read.summary["weblog.kafka-offsets.g"]).toBeDefined();
    expect(JSON.parse(read.summary["weblog.kafka-offsets.g"] as string).u).toEqual({ "0": 14 });
    const live = await liveDataFiles({ client }, (await catalog.loadTable(t.ident)).metadata);
    expect(new Set(live).size).toBe(live.length); // no file named twice
  });

  it("while a writer keeps appending (a separate process compacting): every row exactly once", async () => {
    const name = newName();
    const t = await open(name);
    const all = await smallFiles(t, 40, 10, 700);
    const sink = await open(name);
    const child = tableCli(s3, server, [
      "compact",
      "--iceberg-table",
      name,
      "--target-file-size",
      "1MiB",
      "--json",
    ]);
    let done = false;
    void child.finally(() => {
      done = true;
    });
    let n = 0;
    for (; !done && n < 200; n++) {
      const lines = linesAt(2000 + n, 3, "2026-11-25T18:00:00.000Z", 1000);
      all.push(...lines);
      await sink.commitAppend("g", [
        { topic: "v", partition: 0, start: n * 3, end: (n + 1) * 3, files: await sink.writeDataFiles(lines) },
      ]);
    }
    const run = await child;
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.replaced).toBeGreaterThanOrEqual(40);
    expect(n).toBeGreaterThan(0); // appends did land while it ran (a run here: 10 appends, 4 attempts)
    const read = await pyRead(name);
    expect(counts(read.lines)).toEqual(counts(all));
    expect(JSON.parse(read.summary["weblog.kafka-offsets.g"] as string).v).toEqual({ "0": n * 3 });
  });
});
