/**
 * weblog-query over a bucket that mixes JSON lines (plain, gzip) and Parquet (three codecs): one `logs` view, typed
 * columns, counts equal to what was planted, the traffic report's numbers equal to the same figures counted in JS.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { createFakeLog } from "@weblog/fake-log";
import { encode, type WebLogRecord } from "@weblog/log-schema";
import { type BodyEncoding, encodeObjectBody } from "@weblog/object-format";
import { runCli, type S3Handle, startS3, uniqueName } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

let s3: S3Handle;
let bucket: string;
const records: WebLogRecord[] = createFakeLog({
  seed: 9,
  rate: 5,
  startTime: "2026-11-25T06:00:00Z",
  incidents: [{ kind: "5xx-storm", at: 240, duration: 120 }],
}).batch(2_500);

const plan: { key: string; enc: BodyEncoding }[] = [
  { key: "partition=0/t+0+0000000000.snappy.parquet", enc: { format: "parquet", codec: "snappy" } },
  { key: "partition=0/t+0+0000000500.zstd.parquet", enc: { format: "parquet", codec: "zstd" } },
  { key: "partition=1/t+1+0000000000.parquet", enc: { format: "parquet", codec: "none" } },
  { key: "partition=1/t+1+0000000500.json", enc: { format: "json", compression: "none" } },
  { key: "partition=2/t+2+0000000000.json.gz", enc: { format: "json", compression: "gzip" } },
];

const env = () => ({
  S3_ENDPOINT: s3.endpoint,
  S3_BUCKET: bucket,
  S3_REGION: s3.region,
  AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
});
const query = (args: string[]) => runCli(MAIN, args, { env: env(), timeoutMs: 60_000 });

beforeAll(async () => {
  s3 = await startS3();
  bucket = uniqueName("q");
  await s3.createBucket(bucket);
  const per = records.length / plan.length;
  await Promise.all(
    plan.map(async ({ key, enc }, i) => {
      const lines = records.slice(i * per, (i + 1) * per).map((r) => encode(r));
      await s3.client().send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `topics/t/${key}`,
          Body: await encodeObjectBody(lines, enc),
        }),
      );
    }),
  );
  await s3
    .client()
    .send(new PutObjectCommand({ Bucket: bucket, Key: "topics/t/_README.txt", Body: "not data" }));
});
afterAll(async () => {
  await s3?.stop();
});

describe("weblog-query", () => {
  it("runs SQL over JSON lines and Parquet objects as one typed view (--json)", async () => {
    const r = await query([
      "--json",
      "--topic",
      "t",
      "SELECT count(*) AS n, count(DISTINCT object) AS objects, any_value(typeof(timestamp)) AS ts, any_value(typeof(status_code)) AS status, min(timestamp) AS first FROM logs",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.objects).toMatchObject({ json: 2, parquet: 3, skipped: 1 });
    expect(doc.sections[0].rows).toEqual([
      {
        n: records.length,
        objects: plan.length,
        ts: "TIMESTAMP WITH TIME ZONE",
        status: "INTEGER",
        first: "2026-11-25T06:00:00.000Z",
      },
    ]);
  });

  it("--report traffic: status classes, top clients, bot share and the 5xx storm, as counted in JS", async () => {
    const r = await query(["--json", "--report", "traffic"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const section = (t: string) => doc.sections.find((s: { title: string }) => s.title.startsWith(t)).rows;

    const classes = new Map<string, number>();
    for (const rec of records) {
      const c = `${Math.floor(rec.status_code / 100)}xx`;
      classes.set(c, (classes.get(c) ?? 0) + 1);
    }
    expect(
      section("status classes").map((row: { class: string; requests: number }) => [row.class, row.requests]),
    ).toEqual([...classes.entries()].sort());
    const perMinute = section("requests per minute");
    expect(perMinute.reduce((n: number, row: { requests: number }) => n + row.requests, 0)).toBe(
      records.length,
    );

    const byIp = new Map<string, number>();
    for (const rec of records) byIp.set(rec.ip, (byIp.get(rec.ip) ?? 0) + 1);
    const top = section("top clients")[0];
    expect(top.requests).toBe(Math.max(...byIp.values()));

    const bots = records.filter((rec) =>
      /bot|crawl|spider|slurp|curl|wget|python-requests|go-http-client|okhttp|java\/|httpclient|headless|scrapy|facebookexternalhit/i.test(
        rec.user_agent,
      ),
    );
    expect(section("bot share")).toEqual([
      expect.objectContaining({ requests: records.length, bot_requests: bots.length }),
    ]);
    expect(bots.length).toBeGreaterThan(0);

    // The storm ran from 06:04 to 06:06 of log time: a burst is reported inside it, none long before it.
    const bursts = section("5xx bursts");
    expect(bursts.length).toBeGreaterThanOrEqual(1);
    for (const b of bursts) {
      expect(b.from >= "2026-11-25T06:03:00.000Z" && b.to <= "2026-11-25T06:07:00.000Z").toBe(true);
    }
  });

  it("prints tables on a terminal-style run, each report section titled", async () => {
    const r = await query(["--report", "traffic", "--prefix", "topics/t/partition=0/"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^== requests per minute\nminute\s+requests\s+5xx\s+clients\n-+/);
    expect(r.stdout).toMatch(/== bot share\n/);
    expect(r.stderr).toMatch(
      /^2 objects \(0 JSON lines, 2 Parquet\) from s3:\/\/.+\/topics\/t\/partition=0\/: fetched in \d+ ms/,
    );
  });

  it("bad input is one line and exit 2: no query, bad SQL, missing bucket", async () => {
    const none = await query([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^weblog-query: give either a SQL query or --report <name>.*\n$/);
    const badSql = await query(["SELEKT 1"]);
    expect(badSql.code).toBe(2);
    expect(badSql.stderr).toMatch(
      /^weblog-query: SQL error: Parser Error: syntax error at or near "SELEKT"\n$/,
    );
    const noBucket = await query(["--bucket", uniqueName("missing"), "SELECT 1"]);
    expect(noBucket.code).toBe(2);
    expect(noBucket.stderr.trim().split("\n")).toHaveLength(1);
    expect(noBucket.stderr).toMatch(/bucket/i);
    const report = await query(["--report", "nope"]);
    expect(report.code).toBe(2);
    expect(report.stderr).toMatch(/--report.*traffic/);
  });

  it("the root README's query command, given bad SQL, shows one line in all (stdout + stderr) and exits 2", () => {
    // What a user copies: the command as the README writes it. pnpm's banner and its ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL
    // report (stdout) would wrap the app's one line in six more on the terminal; `pnpm -s` leaves the app's alone.
    const root = fileURLToPath(new URL("../../../", import.meta.url));
    const readme = readFileSync(`${root}README.md`, "utf8");
    const documented = readme.split("\n").find((l) => /^pnpm .*--filter query query -- "SELECT/.test(l));
    expect(documented).toBeDefined();
    const prefix = (documented as string).slice(0, (documented as string).indexOf(" -- ") + 4);
    const res = spawnSync("sh", ["-c", `${prefix}"SELEC nonsense" 2>&1`], {
      cwd: root,
      env: { ...process.env, ...env() },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(res.status).toBe(2);
    expect(res.stdout).toMatch(/^weblog-query: SQL error: Parser Error: syntax error at or near "SELEC"\n$/);
  });
});
