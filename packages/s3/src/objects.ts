/**
 * Reading and writing the objects: paginated listing, whole bodies, record lines (the body format itself, JSON
 * lines gzip or not, is `@weblog/sink-contract`'s `encodeRecordLines` / `readRecordLines`).
 */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import {
  type Compression,
  compressionOfKey,
  contentTypeOf,
  DEFAULT_KEY_LAYOUT,
  encodeRecordLines,
  type KeyLayout,
  type ObjectKeyParts,
  parseCompanionKey,
  parseObjectKey,
  readRecordLines,
} from "@weblog/sink-contract";
import { explainS3Error, explainSseCustomerKeyRefusal } from "./errors";
import type { createParams } from "./write-params";

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
  /** Only keys after this one (ListObjectsV2 StartAfter): resume a listing from a known key. */
  startAfter?: string;
}

/**
 * A listed entry that is not a completed object: S3Proxy (the local S3 server of the tests and `pnpm stack`, every
 * one of its local stores) writes each object, a PutObject's body or a CompleteMultipartUpload's assembled parts,
 * to `<key>-<random UUID>` beside it, lists that file while it is written, sets its ETag just before renaming it
 * to `<key>` (so the ETag does not tell), and deletes it when the client goes away. Every reader skips such a key.
 * (In-progress multipart uploads themselves are not listed.) No sink layout makes a key that ends in a UUID, so no
 * object of ours can be hidden by this; a foreign key of that shape is skipped too.
 */
export function isWriteInFlight(item: { Key?: string }): boolean {
  return IN_FLIGHT_SUFFIX.test(item.Key ?? "");
}
const IN_FLIGHT_SUFFIX = /.-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Every object under `prefix`, page by page (ListObjectsV2 + ContinuationToken), in key order; writes still in
 * flight (`isWriteInFlight`) are not objects yet and are left out.
 */
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
          ...(options.startAfter !== undefined && token === undefined
            ? { StartAfter: options.startAfter }
            : {}),
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
      if (item.Key === undefined || isWriteInFlight(item)) continue;
      const listed: ListedObject = { key: item.Key, size: item.Size ?? 0 };
      if (item.LastModified) listed.lastModified = item.LastModified;
      if (item.ETag) listed.etag = item.ETag;
      yield listed;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined && (options.maxPages === undefined || pages < options.maxPages));
}

/**
 * One level of the key tree under `prefix` (ListObjectsV2 with a delimiter, every page): the objects directly under
 * it and the sub-prefixes ("directories", each ending with the delimiter), both in key order.
 */
export async function listLevel(
  client: S3Client,
  bucket: string,
  prefix: string,
  delimiter: string,
  options: Pick<ListOptions, "endpoint" | "pageSize"> = {},
): Promise<{ objects: ListedObject[]; dirs: string[] }> {
  const objects: ListedObject[] = [];
  const dirs: string[] = [];
  let token: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          Delimiter: delimiter,
          ContinuationToken: token,
          MaxKeys: options.pageSize ?? 1000,
        }),
      );
    } catch (err) {
      throw explainS3Error(err, { bucket, endpoint: options.endpoint });
    }
    for (const item of page.Contents ?? []) {
      if (item.Key === undefined) continue;
      const listed: ListedObject = { key: item.Key, size: item.Size ?? 0 };
      if (item.LastModified) listed.lastModified = item.LastModified;
      if (item.ETag) listed.etag = item.ETag;
      objects.push(listed);
    }
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) dirs.push(p.Prefix);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return { objects, dirs };
}

/** A listed object with its key read as the sink's layout: `parts` when it follows it, else the `reason`. */
export type SinkObject = ListedObject & ({ parts: ObjectKeyParts } | { parts?: undefined; reason: string });

/**
 * Every object under `prefix` with its key parsed (`parseObjectKey` in `layout`): the one listing the demo, tests
 * and tools use to walk what a sink wrote. Keys that do not follow the layout come with their reason; companion
 * objects (`store.kafka.keys` / `store.kafka.headers`: `<stem>.keys.json`, ...) are left out, they hold no records.
 */
export async function* listSinkObjects(
  client: S3Client,
  bucket: string,
  prefix: string,
  options: ListOptions & { layout?: KeyLayout } = {},
): AsyncGenerator<SinkObject> {
  for await (const o of listAllObjects(client, bucket, prefix, options)) {
    const parsed = parseObjectKey(o.key, options.layout ?? DEFAULT_KEY_LAYOUT);
    if (!parsed.ok && parseCompanionKey(o.key, options.layout ?? DEFAULT_KEY_LAYOUT)) continue;
    yield parsed.ok ? { ...o, parts: parsed.parts } : { ...o, reason: parsed.reason };
  }
}

/**
 * The raw bytes of an object (no decompression). `sseCustomerKey`: the SSE-C key (base64, 256 bits) sent with the
 * GET (the SDK adds its MD5), as S3 needs for an object written with SSE-C; `sseKeyHint` says how a user gives it
 * (e.g. "--sse-customer-key"), named when S3 refuses the read for a missing or wrong key. The key is never shown.
 */
export async function getObjectBody(
  client: S3Client,
  bucket: string,
  key: string,
  options: { endpoint?: string | undefined; sseCustomerKey?: string | undefined; sseKeyHint?: string } = {},
): Promise<Buffer> {
  const sse = options.sseCustomerKey
    ? { SSECustomerAlgorithm: "AES256", SSECustomerKey: options.sseCustomerKey }
    : {};
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...sse }));
    if (!out.Body) return Buffer.alloc(0);
    return Buffer.from(await out.Body.transformToByteArray());
  } catch (err) {
    const refused = explainSseCustomerKeyRefusal(err, {
      bucket,
      key,
      keySent: options.sseCustomerKey !== undefined,
      hint: options.sseKeyHint,
    });
    if (refused) throw refused;
    throw explainS3Error(err, { bucket, endpoint: options.endpoint });
  }
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

/**
 * PUTs an encoded object body (the contract's `encodeRecordLines`) at `key`; a failure is an explained
 * `S3SideError`. `abortSignal` cancels the request in flight (the sink's fence).
 */
export async function putObjectBody(
  client: S3Client,
  bucket: string,
  key: string,
  body: Uint8Array,
  compression: Compression,
  options: {
    endpoint?: string | undefined;
    abortSignal?: AbortSignal | undefined;
    /** User metadata (x-amz-meta-*) stored with the object. */
    metadata?: Record<string, string> | undefined;
    /** Default: JSON lines' content type for `compression`. */
    contentType?: string | undefined;
    /** SSE, canned ACL and tags (`createParams` of ./write-params.ts). */
    params?: ReturnType<typeof createParams> | undefined;
  } = {},
): Promise<void> {
  try {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        // No Content-Encoding for gzip: clients would transparently gunzip, and the key's .gz already says it.
        ContentType: options.contentType ?? contentTypeOf(compression),
        ...(options.metadata ? { Metadata: options.metadata } : {}),
        ...options.params,
      }),
      options.abortSignal ? { abortSignal: options.abortSignal } : {},
    );
  } catch (err) {
    throw explainS3Error(err, { bucket, endpoint: options.endpoint });
  }
}

/** PutObject of record lines (the sink's upload body; also used by tests to plant objects). */
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
