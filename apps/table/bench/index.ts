/**
 * `pnpm --filter @weblog/table bench`: a table of 1,000 small data files (written and committed with
 * @weblog/iceberg's writer, 10 files per snapshot like a sink committing often), queried with weblog-query (DuckDB
 * over the snapshot's data files, apps/query) before and after `weblog-table compact`: query time and the bytes the
 * query read from S3 (counted by a TCP proxy in front of S3: every response byte, metadata and data files,
 * with HTTP headers), after / before in the same run.
 * Env: BENCH_TABLE_FILES (default 1000), BENCH_TABLE_RECORDS_PER_FILE (default 100), BENCH_TABLE_RUNS (default 3:
 * the median query of that many is shown).
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createFakeLog } from "@weblog/fake-log";
import { type CommitPart, createRestCatalog, liveDataFiles, openWebLogTable } from "@weblog/iceberg";
import { encode } from "@weblog/log-schema";
import { startIcebergCatalog, startS3, startTcpProxy, uniqueName } from "@weblog/testkit";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const FILES = Number(process.env.BENCH_TABLE_FILES ?? 1000);
const PER_FILE = Number(process.env.BENCH_TABLE_RECORDS_PER_FILE ?? 100);
const RUNS = Number(process.env.BENCH_TABLE_RUNS ?? 3);
const FILES_PER_COMMIT = 10;
const SQL = "SELECT status_code // 100 AS class, count(*) AS n FROM logs GROUP BY 1 ORDER BY 1";
const QUERY = createRequire(import.meta.url)
  .resolve("@weblog/query/package.json")
  .replace(/package\.json$/, "dist/main.js");
const TABLE_MAIN = new URL("../dist/main.js", import.meta.url).pathname;

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
/** A child node process run to its end (async: the S3 proxies live in this process's event loop). */
function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

type QueryRun = {
  wallMs: number;
  fetchMs: number;
  queryMs: number;
  s3Bytes: number;
  files: number;
  rows: number;
};

async function main() {
  const s3 = await startS3();
  const catalogServer = await startIcebergCatalog({ s3, warehouse: `s3://${s3.bucket}/warehouse` });
  const port = Number(new URL(s3.endpoint).port);
  const proxy = await startTcpProxy({ target: { host: "127.0.0.1", port } });
  const client = s3.client();
  try {
    const name = `bench.${uniqueName("t").replace(/-/g, "_")}`;
    const table = await openWebLogTable({
      catalog: createRestCatalog({ uri: catalogServer.uri }),
      table: name,
      storage: { client, endpoint: s3.endpoint },
    });
    const log = createFakeLog({ seed: 7, rate: 200 });
    const t0 = performance.now();
    for (let c = 0; c < FILES / FILES_PER_COMMIT; c++) {
      const parts: CommitPart[] = [];
      for (let f = 0; f < FILES_PER_COMMIT; f++) {
        const p = c * FILES_PER_COMMIT + f;
        // one day: every file lands in the same partition, as a day of a sink's small commits
        const lines = log
          .batch(PER_FILE)
          .map((r) =>
            encode({ ...r, timestamp: `2026-11-25T${String(p % 24).padStart(2, "0")}:00:00.000Z` }),
          );
        parts.push({
          topic: "t",
          partition: p,
          start: 0,
          end: PER_FILE,
          files: await table.writeDataFiles(lines),
        });
      }
      await table.commitAppend("g", parts);
    }
    const writeMs = performance.now() - t0;
    const env = {
      ...process.env,
      S3_ENDPOINT: `http://127.0.0.1:${proxy.port}`,
      S3_REGION: s3.region,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      WEBLOG_LOG_LEVEL: "warn",
    };
    const query = async (): Promise<QueryRun> => {
      const before = proxy.bytesFromTarget();
      const start = performance.now();
      const out = await run(
        [QUERY, "--iceberg-table", name, "--iceberg-catalog-uri", catalogServer.uri, "--json", SQL],
        env,
      );
      const wallMs = performance.now() - start;
      if (out.status !== 0) throw new Error(`bench: weblog-query exited ${out.status}: ${out.stderr}`);
      const doc = JSON.parse(out.stdout) as {
        fetchMs: number;
        queryMs: number;
        objects: { parquet: number };
        sections: { rows: { n: number }[] }[];
      };
      const rows = (doc.sections[0]?.rows ?? []).reduce((n, r) => n + Number(r.n), 0);
      if (rows !== FILES * PER_FILE) throw new Error(`bench: counted ${rows} of ${FILES * PER_FILE} rows`);
      return {
        wallMs,
        fetchMs: doc.fetchMs,
        queryMs: doc.queryMs,
        s3Bytes: proxy.bytesFromTarget() - before,
        files: doc.objects.parquet,
        rows,
      };
    };
    const measure = async () => {
      const runs: QueryRun[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await query());
      const pick = (k: keyof QueryRun) => median(runs.map((r) => r[k]));
      return {
        wallMs: pick("wallMs"),
        fetchMs: pick("fetchMs"),
        queryMs: pick("queryMs"),
        s3Bytes: pick("s3Bytes"),
        files: pick("files"),
      };
    };
    const liveFiles = async () => {
      const { metadata } = await createRestCatalog({ uri: catalogServer.uri }).loadTable(table.ident);
      return (await liveDataFiles({ client }, metadata)).length;
    };
    const before = await measure();
    const c0 = performance.now();
    const compact = await run(
      [TABLE_MAIN, "compact", "--iceberg-table", name, "--iceberg-catalog-uri", catalogServer.uri, "--json"],
      env,
    );
    const compactMs = performance.now() - c0;
    if (compact.status !== 0)
      throw new Error(`bench: weblog-table compact exited ${compact.status}: ${compact.stderr}`);
    const r = JSON.parse(compact.stdout) as {
      replaced: number;
      written: number;
      replacedBytes: number;
      writtenBytes: number;
    };
    const after = await measure();
    const liveAfter = await liveFiles();

    console.log(
      `table compaction: ${fmt(FILES)} small files of ${fmt(PER_FILE)} records (${FILES_PER_COMMIT} per snapshot, one day), written in ${fmt(writeMs)} ms; S3 and the REST catalog on 127.0.0.1; query: ${SQL}; median of ${RUNS}\n`,
    );
    console.log(
      "| table | data files | MB of data | query wall ms | fetch ms | DuckDB ms | S3 bytes read | vs before |",
    );
    console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
    const row = (label: string, q: Awaited<ReturnType<typeof measure>>, bytes: number) =>
      console.log(
        `| ${label} | ${fmt(q.files)} | ${(bytes / 1e6).toFixed(2)} | ${fmt(q.wallMs)} | ${fmt(q.fetchMs)} | ${fmt(q.queryMs)} | ${fmt(q.s3Bytes)} | ${(q.wallMs / before.wallMs).toFixed(2)}x time, ${(q.s3Bytes / before.s3Bytes).toFixed(2)}x bytes |`,
      );
    row("before compact", before, r.replacedBytes);
    row("after compact", after, r.writtenBytes);
    console.log(
      `\ncompact: ${fmt(r.replaced)} files -> ${fmt(r.written)} (${liveAfter} live after) in ${fmt(compactMs)} ms (the whole weblog-table process)`,
    );
    console.log(
      "(wall: the weblog-query process end to end: catalog, manifests, GETs, DuckDB; S3 bytes: every response byte through the proxy)",
    );
  } finally {
    client.destroy();
    await proxy.close();
    await catalogServer.stop();
    await s3.stop();
  }
}

await main();
