/**
 * Reading and writing the objects: paginated listing, whole bodies, JSON lines (gzip or not).
 */
import { gunzipSync, gzipSync } from "node:zlib";
import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { explainS3Error } from "./errors";
import type { Compression } from "./keys";

export interface ListedObject {
  key: string;
  size: number;
  lastModified?: Date;
  etag?: string;
}

export interface ListOptions {
  /** Called after each page (for progress): the page's object count and the running total. */
  onPage?: (page: { count: number; total: number }) => void;
  /** Keys per page (S3 max and default 1000). */
  pageSize?: number;
  /** For error messages only. */
  endpoint?: string | undefined;
  /** Stop after this many pages (a bound for tests / safety). Default unlimited. */
  maxPages?: number;
}

/** Every object under `prefix`, page by page (ListObjectsV2 + ContinuationToken), in key order. */
export async function* listAllObjects(
  client: S3Client,
  bucket: string,
  prefix: string,
  options: ListOptions = {},
): AsyncGenerator<ListedObject> {
  let token: string | undefined;
  let total = 0;
  let pages = 0;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ContinuationToken: token,
          MaxKeys: options.pageSize ?? 1000,
        }),
      );
    } catch (err) {
      throw explainS3Error(err, { bucket, endpoint: options.endpoint });
    }
    const contents = page.Contents ?? [];
    total += contents.length;
    pages++;
    options.onPage?.({ count: contents.length, total });
    for (const item of contents) {
      if (item.Key === undefined) continue;
      const listed: ListedObject = { key: item.Key, size: item.Size ?? 0 };
      if (item.LastModified) listed.lastModified = item.LastModified;
      if (item.ETag) listed.etag = item.ETag;
      yield listed;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined && (options.maxPages === undefined || pages < options.maxPages));
}

/** The raw bytes of an object (no decompression). */
export async function getObjectBody(
  client: S3Client,
  bucket: string,
  key: string,
  options: { endpoint?: string | undefined } = {},
): Promise<Buffer> {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!out.Body) return Buffer.alloc(0);
    return Buffer.from(await out.Body.transformToByteArray());
  } catch (err) {
    throw explainS3Error(err, { bucket, endpoint: options.endpoint });
  }
}

/** The compression an object key implies (`.json.gz` = gzip). */
export function compressionOfKey(key: string): Compression {
  return key.endsWith(".gz") ? "gzip" : "none";
}

/**
 * An object body -> its lines (one record each): gunzips for gzip, splits on \n (and \r\n), drops the final empty
 * line that a trailing newline leaves. Empty lines inside are kept (a verifier reports them as invalid records).
 */
export function readRecordLines(body: Uint8Array, compression: Compression): string[] {
  const bytes = compression === "gzip" ? gunzipSync(body) : body;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  if (text.length === 0) return [];
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Fetches an object and returns its record lines (compression from the key's extension). */
export async function readRecordsFromObject(
  client: S3Client,
  bucket: string,
  key: string,
  options: { endpoint?: string | undefined } = {},
): Promise<string[]> {
  return readRecordLines(await getObjectBody(client, bucket, key, options), compressionOfKey(key));
}

/** Lines -> an object body as Confluent's JsonFormat writes it: each record then "\n"; gzipped for gzip. */
export function encodeRecordLines(lines: readonly string[], compression: Compression): Buffer {
  const text = lines.length === 0 ? "" : `${lines.join("\n")}\n`;
  const raw = Buffer.from(text, "utf8");
  return compression === "gzip" ? gzipSync(raw) : raw;
}

/**
 * PUTs an encoded object body (`encodeRecordLines`) at `key`; a failure is an explained `S3SideError`. `abortSignal`
 * cancels the request in flight (the sink's fence).
 */
export async function putObjectBody(
  client: S3Client,
  bucket: string,
  key: string,
  body: Uint8Array,
  compression: Compression,
  options: { endpoint?: string | undefined; abortSignal?: AbortSignal | undefined } = {},
): Promise<void> {
  try {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        // No Content-Encoding for gzip: clients would transparently gunzip, and the key's .gz already says it.
        ContentType: compression === "gzip" ? "application/gzip" : "application/json",
      }),
      options.abortSignal ? { abortSignal: options.abortSignal } : {},
    );
  } catch (err) {
    throw explainS3Error(err, { bucket, endpoint: options.endpoint });
  }
}

/** `lines` as one JSON-lines object (Confluent's JsonFormat) at `key`. */
export async function putRecordLines(
  client: S3Client,
  bucket: string,
  key: string,
  lines: readonly string[],
  compression: Compression,
  options: { endpoint?: string | undefined } = {},
): Promise<void> {
  await putObjectBody(client, bucket, key, encodeRecordLines(lines, compression), compression, options);
}
