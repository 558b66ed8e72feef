/**
 * The bucket's objects under a prefix, fetched with @weblog/s3 into a temp dir (the S3 key's path kept under it),
 * so DuckDB reads local files and needs no httpfs. Only the sink's body formats are kept: `.json`, `.json.gz` and
 * `.parquet` (any codec); everything else under the prefix (companion objects `.keys.json` / `.headers.json`
 * included) is counted as skipped.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { getObjectBody, listAllObjects } from "@weblog/s3";

export type FileKind = "json" | "parquet";

/** A companion object's ending (store.kafka.keys / headers: record keys or headers, not records). */
const COMPANION = /\.(keys|headers)\.json(\.gz)?$/;

export function kindOfKey(key: string): FileKind | null {
  if (COMPANION.test(key)) return null;
  if (key.endsWith(".parquet")) return "parquet";
  if (key.endsWith(".json") || key.endsWith(".json.gz")) return "json";
  return null;
}

export interface Fetched {
  dir: string;
  json: string[];
  parquet: string[];
  skipped: number;
  bytes: number;
}

export async function fetchObjects(
  client: S3Client,
  opts: {
    bucket: string;
    prefix: string;
    dir: string;
    concurrency: number;
    endpoint?: string | undefined;
    /** SSE-C key sent on every GET (--sse-customer-key); never shown. */
    sseCustomerKey?: string | undefined;
  },
  onObject?: (done: number) => void,
): Promise<Fetched> {
  const out: Fetched = { dir: opts.dir, json: [], parquet: [], skipped: 0, bytes: 0 };
  const inflight = new Set<Promise<void>>();
  let failure: { err: unknown } | undefined;
  let done = 0;
  const read = {
    endpoint: opts.endpoint,
    sseCustomerKey: opts.sseCustomerKey,
    sseKeyHint: "--sse-customer-key",
  };
  for await (const o of listAllObjects(client, opts.bucket, opts.prefix, { endpoint: opts.endpoint })) {
    if (failure) break;
    const kind = kindOfKey(o.key);
    if (kind === null || o.key.includes("..")) {
      out.skipped += 1;
      continue;
    }
    const file = join(opts.dir, o.key);
    const task: Promise<void> = (async () => {
      const body = await getObjectBody(client, opts.bucket, o.key, read);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, body);
      out[kind].push(file);
      out.bytes += body.length;
      onObject?.(++done);
    })()
      .catch((err: unknown) => {
        failure ??= { err };
      })
      .finally(() => inflight.delete(task));
    inflight.add(task);
    if (inflight.size >= opts.concurrency) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  if (failure) throw failure.err;
  out.json.sort();
  out.parquet.sort();
  return out;
}
