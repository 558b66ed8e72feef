/**
 * `weblog-query`: SQL over the sink's bucket with DuckDB, offline. Tables on stdout (or one JSON document with
 * --json); progress on stderr (a live line on a TTY, structured logs otherwise).
 */
import { createLogger, createProgress, ExpectedError, formatCount, runMain } from "@weblog/cli";
import { checkBucket, createS3Client, explainS3Error } from "@weblog/s3";
import { parseOptions } from "./options";
import { runQuery } from "./query";
import { renderTable } from "./table";

async function main(argv: string[]): Promise<number> {
  const opts = parseOptions(argv);
  const logger = createLogger({ name: "weblog-query" });
  const client = createS3Client({ endpoint: opts.endpoint, region: opts.region, pathStyle: true });
  // A table names its own bucket (its files' s3:// paths); --bucket is only for the prefix's objects.
  if (opts.icebergTable === undefined) {
    try {
      await checkBucket(client, opts.bucket, opts.endpoint);
    } catch (err) {
      const e = explainS3Error(err, { bucket: opts.bucket, endpoint: opts.endpoint });
      throw new ExpectedError(e.message, { cause: e });
    }
  }
  const source = opts.icebergTable
    ? `table ${opts.icebergTable}${opts.asOf !== undefined ? ` as of ${opts.asOf}` : ""}`
    : `s3://${opts.bucket}/${opts.prefix}`;
  let fetched = 0;
  const bar = createProgress({
    label: "fetching",
    logger,
    render: () => `${source}: ${formatCount(fetched)} objects`,
    fields: () => ({ objects: fetched }),
  });
  bar.start();
  let outcome: Awaited<ReturnType<typeof runQuery>>;
  try {
    outcome = await runQuery(client, {
      bucket: opts.bucket,
      prefix: opts.prefix,
      endpoint: opts.endpoint,
      concurrency: opts.concurrency,
      sseCustomerKey: opts.sseCustomerKey,
      ...(opts.sql !== undefined ? { sql: opts.sql } : {}),
      ...(opts.report !== undefined ? { report: opts.report } : {}),
      ...(opts.icebergTable !== undefined
        ? { table: { name: opts.icebergTable, catalogUri: opts.icebergCatalogUri, asOf: opts.asOf } }
        : {}),
      onObject: (n) => {
        fetched = n;
      },
    });
  } finally {
    bar.stop();
  }
  const { objects } = outcome;
  if (opts.json) {
    const doc = {
      bucket: opts.bucket,
      ...(opts.icebergTable !== undefined
        ? { table: opts.icebergTable, snapshotId: outcome.snapshotId ?? null }
        : { prefix: opts.prefix }),
      ...(opts.report !== undefined ? { report: opts.report } : { sql: opts.sql }),
      objects,
      fetchMs: outcome.fetchMs,
      queryMs: outcome.queryMs,
      sections: outcome.sections.map((s) => ({
        title: s.title,
        columns: s.table.columns,
        rows: s.table.rows,
      })),
    };
    process.stdout.write(`${JSON.stringify(doc)}\n`);
    return 0;
  }
  const texts = outcome.sections.map((s) =>
    opts.report !== undefined ? `== ${s.title}\n${renderTable(s.table)}` : renderTable(s.table),
  );
  process.stdout.write(`${texts.join("\n\n")}\n`);
  process.stderr.write(
    `${objects.json + objects.parquet} objects (${objects.json} JSON lines, ${objects.parquet} Parquet${objects.skipped > 0 ? `, ${objects.skipped} other keys skipped` : ""}) from ${source}${outcome.snapshotId !== undefined ? ` (snapshot ${outcome.snapshotId ?? "none: empty table"})` : ""}: fetched in ${outcome.fetchMs} ms, queried in ${outcome.queryMs} ms\n`,
  );
  return 0;
}

void runMain("weblog-query", main);
