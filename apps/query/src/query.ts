/**
 * One query session: fetch the prefix's objects, open DuckDB offline, build `logs`, run the SQL (or a report's
 * sections), give back tables. The temp dir and DuckDB are gone when it returns, whatever happened.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { ExpectedError, UsageError } from "@weblog/cli";
import { explainS3Error } from "@weblog/s3";
import { openOfflineDuckDB } from "./duckdb";
import { type Fetched, fetchObjects } from "./fetch";
import { fetchTableFiles } from "./iceberg";
import { createLogsView } from "./logs-view";
import { REPORTS } from "./reports";
import { type ResultTable, tableOf } from "./table";

export interface QueryRequest {
  bucket: string;
  prefix: string;
  endpoint?: string | undefined;
  concurrency: number;
  /** A query over `logs`, or a named report. */
  sql?: string;
  report?: string;
  /** Read this Apache Iceberg table's data files (at the current snapshot or `asOf`) instead of the prefix. */
  table?: { name: string; catalogUri: string; asOf?: string | undefined } | undefined;
  /** The SSE-C key sent on every object read (never shown). */
  sseCustomerKey?: string | undefined;
  onObject?: (done: number) => void;
}

export interface QueryOutcome {
  sections: { title: string; table: ResultTable }[];
  objects: { json: number; parquet: number; skipped: number; bytes: number };
  fetchMs: number;
  queryMs: number;
  /** The table's snapshot read (null: an empty table); only with `table`. */
  snapshotId?: string | null;
}

export async function runQuery(client: S3Client, req: QueryRequest): Promise<QueryOutcome> {
  const dir = await mkdtemp(join(tmpdir(), "weblog-query-"));
  try {
    const t0 = performance.now();
    const fetched: Fetched & { snapshotId?: string | null } = await (req.table
      ? fetchTableFiles(
          client,
          {
            table: req.table.name,
            catalogUri: req.table.catalogUri,
            asOf: req.table.asOf,
            dir,
            concurrency: req.concurrency,
            endpoint: req.endpoint,
          },
          req.onObject,
        ).catch((err: unknown) => {
          if (err instanceof UsageError) throw err;
          throw new ExpectedError((err as Error).message.split("\n")[0] ?? "", { cause: err });
        })
      : fetchObjects(
          client,
          {
            bucket: req.bucket,
            prefix: req.prefix,
            dir,
            concurrency: req.concurrency,
            endpoint: req.endpoint,
            sseCustomerKey: req.sseCustomerKey,
          },
          req.onObject,
        ).catch((err: unknown) => {
          const e = explainS3Error(err, { bucket: req.bucket, endpoint: req.endpoint });
          throw new ExpectedError(e.message, { cause: e });
        }));
    const t1 = performance.now();
    const duck = await openOfflineDuckDB();
    try {
      await createLogsView(duck.connection, fetched).catch((err: Error) => {
        throw new ExpectedError(`DuckDB could not read the objects: ${err.message.split("\n")[0]}`, {
          cause: err,
        });
      });
      const plan =
        req.report !== undefined ? (REPORTS[req.report] ?? []) : [{ title: "query", sql: req.sql ?? "" }];
      const sections: QueryOutcome["sections"] = [];
      for (const s of plan) {
        try {
          sections.push({ title: s.title, table: tableOf(await duck.connection.runAndReadAll(s.sql)) });
        } catch (err) {
          throw new ExpectedError(`SQL error: ${(err as Error).message.split("\n")[0]}`, { cause: err });
        }
      }
      return {
        sections,
        objects: {
          json: fetched.json.length,
          parquet: fetched.parquet.length,
          skipped: fetched.skipped,
          bytes: fetched.bytes,
        },
        fetchMs: Math.round(t1 - t0),
        queryMs: Math.round(performance.now() - t1),
        ...(fetched.snapshotId !== undefined ? { snapshotId: fetched.snapshotId } : {}),
      };
    } finally {
      await duck.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
