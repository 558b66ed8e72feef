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
  try {
    await checkBucket(client, opts.bucket, opts.endpoint);
  } catch (err) {
    const e = explainS3Error(err, { bucket: opts.bucket, endpoint: opts.endpoint });
    throw new ExpectedError(e.message, { cause: e });
  }
  let fetched = 0;
  const bar = createProgress({
    label: "fetching",
    logger,
    render: () => `s3://${opts.bucket}/${opts.prefix}: ${formatCount(fetched)} objects`,
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
      ...(opts.sql !== undefined ? { sql: opts.sql } : {}),
      ...(opts.report !== undefined ? { report: opts.report } : {}),
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
      prefix: opts.prefix,
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
    `${objects.json + objects.parquet} objects (${objects.json} JSON lines, ${objects.parquet} Parquet${objects.skipped > 0 ? `, ${objects.skipped} other keys skipped` : ""}) from s3://${opts.bucket}/${opts.prefix}: fetched in ${outcome.fetchMs} ms, queried in ${outcome.queryMs} ms\n`,
  );
  return 0;
}

void runMain("weblog-query", main);
