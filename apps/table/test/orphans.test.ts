/**
 * `weblog-table orphans` against the real REST catalog and S3: files no snapshot references (a commit's files dropped
 * as already in, a compaction's replaced files are NOT among them: older snapshots still name them) are listed only
 * once older than --older-than, deleted with --delete, and a file a snapshot references is never deleted.
 */
import { HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  createRestCatalog,
  listOrphanFiles,
  openWebLogTable,
  type RestCatalog,
  reachableFiles,
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
import { counts, linesAt, tableCli } from "./helpers";

describe("weblog-table orphans (REST catalog + S3)", () => {
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

  const exists = async (uri: string) => {
    const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri) as RegExpExecArray;
    try {
      await client.send(new HeadObjectCommand({ Bucket: m[1], Key: m[2] }));
      return true;
    } catch {
      return false;
    }
  };

  it("lists unreferenced files only past --older-than, --delete deletes them, referenced ones stay", async () => {
    const name = `web.${uniqueName("o").replace(/-/g, "_")}`;
    const t = await openWebLogTable({ catalog, table: name, storage: { client } });
    const all: string[] = [];
    for (let i = 0; i < 3; i++) {
      const lines = linesAt(40 + i, 10, `2026-11-25T0${i}:00:00.000Z`, 1000);
      all.push(...lines);
      await t.commitAppend("g", [
        { topic: "t", partition: 0, start: i * 10, end: (i + 1) * 10, files: await t.writeDataFiles(lines) },
      ]);
    }
    // a retried commit of records already in: its data file is uploaded, never committed (an orphan)
    const dropped = await t.writeDataFiles(linesAt(40, 10, "2026-11-25T00:00:00.000Z", 1000));
    const again = await t.commitAppend("g", [
      { topic: "t", partition: 0, start: 0, end: 10, files: dropped },
    ]);
    expect(again.alreadyIn).toHaveLength(1);
    // a compaction: the 3 files are replaced, but the older snapshots still name them (not orphans)
    const compacted = await tableCli(s3, server, [
      "compact",
      "--iceberg-table",
      name,
      "--target-file-size",
      "1MiB",
    ]);
    expect(compacted.code, compacted.stderr).toBe(0);
    // a stray upload under data/ (a crash between upload and commit)
    const stray = `${t.location}/data/timestamp_day=2026-11-25/stray.parquet`;
    const sm = /^s3:\/\/([^/]+)\/(.*)$/.exec(stray) as RegExpExecArray;
    await client.send(new PutObjectCommand({ Bucket: sm[1], Key: sm[2], Body: "x" }));
    const expected = [dropped[0]?.path, stray].sort();

    // the default bound (1 day): everything is younger, nothing listed
    const young = await tableCli(s3, server, ["orphans", "--iceberg-table", name, "--json"]);
    expect(young.code, young.stderr).toBe(0);
    expect(JSON.parse(young.stdout)).toMatchObject({ olderThanMs: 86_400_000, orphans: [], deleted: [] });

    // no bound: exactly the two unreferenced data files (and no metadata: no commit attempt was refused)
    const listed = await tableCli(s3, server, [
      "orphans",
      "--iceberg-table",
      name,
      "--older-than",
      "0s",
      "--json",
    ]);
    expect(listed.code, listed.stderr).toBe(0);
    const doc = JSON.parse(listed.stdout) as { orphans: { path: string; kind: string }[]; deleted: string[] };
    expect(doc.orphans.map((o) => o.path).sort()).toEqual(expected);
    expect(doc.orphans.every((o) => o.kind === "data")).toBe(true);
    expect(doc.deleted).toEqual([]);
    for (const p of expected) expect(await exists(p as string)).toBe(true); // listing deletes nothing

    const text = await tableCli(s3, server, [
      "orphans",
      "--iceberg-table",
      name,
      "--older-than",
      "0s",
      "--delete",
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/2 orphan files .*deleted 2/);
    for (const p of expected) expect(await exists(p as string)).toBe(false);

    // every file any snapshot references is still there, and the table reads the same
    const { metadata } = await catalog.loadTable(t.ident);
    const reached = [...(await reachableFiles({ client }, metadata))];
    expect(reached.filter((p) => p.endsWith(".parquet")).length).toBe(4); // 3 replaced + 1 compacted
    for (const p of reached) expect(await exists(p)).toBe(true);
    expect(counts((await readTableWithPyIceberg({ catalogUri: server.uri, table: name, s3 })).lines)).toEqual(
      counts(all),
    );
    const none = await tableCli(s3, server, [
      "orphans",
      "--iceberg-table",
      name,
      "--older-than",
      "0s",
      "--json",
    ]);
    expect(JSON.parse(none.stdout).orphans).toEqual([]);
  });

  it("the age bound is the file's S3 time against now; a file a snapshot references is kept even if listed", async () => {
    const name = `web.${uniqueName("a").replace(/-/g, "_")}`;
    const t = await openWebLogTable({ catalog, table: name, storage: { client } });
    const lines = linesAt(60, 10, "2026-11-25T00:00:00.000Z", 1000);
    const orphan = await t.writeDataFiles(lines);
    const { metadata } = await catalog.loadTable(t.ident);
    const [o] = await listOrphanFiles({ client }, metadata, { olderThanMs: 0 });
    const modified = o?.lastModified?.getTime() as number;
    expect(o?.path).toBe(orphan[0]?.path);
    // seen from one hour after its upload: listed with a bound under an hour, not with one over it
    const later = modified + 3_600_000;
    expect(await listOrphanFiles({ client }, metadata, { olderThanMs: 3_000_000, now: later })).toHaveLength(
      1,
    );
    expect(await listOrphanFiles({ client }, metadata, { olderThanMs: 4_000_000, now: later })).toHaveLength(
      0,
    );

    // it was listed, then a commit named it (the race --older-than guards against): --delete keeps it
    const listed = await t.listOrphanFiles({ olderThanMs: 0 });
    await t.commitAppend("g", [{ topic: "t", partition: 0, start: 0, end: 10, files: orphan }]);
    const r = await t.deleteOrphanFiles(listed);
    expect(r).toEqual({ deleted: [], kept: [orphan[0]?.path] });
    expect(await exists(orphan[0]?.path as string)).toBe(true);
    expect((await readTableWithPyIceberg({ catalogUri: server.uri, table: name, s3 })).lines.sort()).toEqual(
      [...lines].sort(),
    );
  });

  it("reaches a catalog with ICEBERG_CATALOG_CREDENTIAL (exchanged for real); a refused exchange is one line without the secret", async () => {
    const name = `web.${uniqueName("k").replace(/-/g, "_")}`;
    await openWebLogTable({ catalog, table: name, storage: { client } });
    const env = { ICEBERG_CATALOG_CREDENTIAL: "tool:sekrit-xyz-42" };
    const ok = await tableCli(s3, server, ["orphans", "--iceberg-table", name, "--json"], env);
    expect(ok.code, ok.stderr).toBe(0);
    const refused = await tableCli(
      s3,
      server,
      ["orphans", "--iceberg-table", name, "--iceberg-oauth2-server-uri", `${server.uri}/v1/oauth/nowhere`],
      env,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toMatch(
      /token endpoint .* refused the client credentials .*iceberg\.catalog\.credential/,
    );
    expect(`${refused.stdout}${refused.stderr}`).not.toMatch(/sekrit-xyz-42/);
  });
});
