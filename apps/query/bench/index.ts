/**
 * `pnpm --filter @weblog/query bench`: the same records as JSON lines and as Parquet (snappy, the sink's default
 * codec), objects of 10,000 records like a sink with flush.size 10000, in one S3: bytes stored, fetch time and
 * DuckDB query time for a GROUP BY and for the whole traffic report, JSON lines as the same-run baseline.
 * Env: BENCH_QUERY_RECORDS (default 1,000,000), BENCH_QUERY_CODECS (default snappy; e.g. snappy,zstd).
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { createFakeLog } from "@weblog/fake-log";
import { encode } from "@weblog/log-schema";
import {
  type BodyEncoding,
  describeEncoding,
  encodeObjectBody,
  type ParquetCodec,
} from "@weblog/object-format";
import { startS3, uniqueName } from "@weblog/testkit";
import { runQuery } from "../src/query";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const TOTAL = Number(process.env.BENCH_QUERY_RECORDS ?? 1_000_000);
const PER_OBJECT = 10_000;
const CODECS = (process.env.BENCH_QUERY_CODECS ?? "snappy").split(",") as ParquetCodec[];
const GROUP_BY = "SELECT status_code // 100 AS class, count(*) AS n FROM logs GROUP BY 1 ORDER BY 1";

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function main() {
  const s3 = await startS3();
  try {
    const client = s3.client();
    const bucket = uniqueName("qbench");
    await s3.createBucket(bucket);
    const lines = createFakeLog({ seed: 1, rate: 200 })
      .batch(TOTAL)
      .map((r) => encode(r));
    const encodings: BodyEncoding[] = [
      { format: "json", compression: "none" },
      ...CODECS.map((codec): BodyEncoding => ({ format: "parquet", codec })),
    ];
    console.log(
      `query: ${fmt(TOTAL)} fake-log records, objects of ${fmt(PER_OBJECT)}, S3 at ${s3.endpoint}\n`,
    );
    console.log(
      "| body | objects | MB in S3 | bytes/record | fetch ms | GROUP BY ms | vs JSON lines | traffic report ms | vs JSON lines |",
    );
    console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let base: { group: number; report: number } | undefined;
    for (const enc of encodings) {
      const prefix = `topics/${describeEncoding(enc).replace("+", "-")}/`;
      let bytes = 0;
      let objects = 0;
      for (let i = 0; i < TOTAL; i += PER_OBJECT) {
        const body = await encodeObjectBody(lines.slice(i, i + PER_OBJECT), enc);
        const ext = enc.format === "parquet" ? ".parquet" : ".json";
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: `${prefix}p+0+${String(i).padStart(10, "0")}${ext}`,
            Body: body,
          }),
        );
        bytes += body.length;
        objects += 1;
      }
      const req = { bucket, prefix, endpoint: s3.endpoint, concurrency: 16 };
      const group = await runQuery(client, { ...req, sql: GROUP_BY });
      const counted = group.sections[0]?.table.rows.reduce((n, r) => n + Number(r.n), 0);
      if (counted !== TOTAL)
        throw new Error(`bench: ${describeEncoding(enc)} counted ${counted} of ${TOTAL}`);
      const report = await runQuery(client, { ...req, report: "traffic" });
      base ??= { group: group.queryMs, report: report.queryMs };
      console.log(
        `| ${describeEncoding(enc)} | ${fmt(objects)} | ${(bytes / 1e6).toFixed(1)} | ${(bytes / TOTAL).toFixed(1)} | ${fmt(group.fetchMs)} | ${fmt(group.queryMs)} | ${(group.queryMs / base.group).toFixed(2)}x | ${fmt(report.queryMs)} | ${(report.queryMs / base.report).toFixed(2)}x |`,
      );
    }
    console.log(
      "\n(query ms: DuckDB on the fetched files, the view built and the SQL run; fetch ms: list + GET to a temp dir)",
    );
  } finally {
    await s3.stop();
  }
}

await main();
