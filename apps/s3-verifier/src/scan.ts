/**
 * Reads the bucket: lists every object under the prefix page by page, parses each key with @weblog/sink-contract's parser
 * (keys that do not parse are kept for the report), and reads the objects with bounded concurrency while the
 * listing goes on. Each object is reduced at once to a small summary (record count, invalid lines, newest
 * timestamp, one short hash per record) and handed to `onObject` (the analysis' fold): neither record bodies nor
 * summaries are held beyond the objects in the read window, so the scan's memory does not grow with the bucket.
 */
import { hash } from "node:crypto";
import { findCause } from "@weblog/errors";
import { decode } from "@weblog/log-schema";
import { type BodyEncoding, decodeObjectBody } from "@weblog/object-format";
import { type ListedObject, S3SideError } from "@weblog/s3";
import {
  type KeyLayout,
  type ObjectKeyParts,
  parseCompanionKey,
  parseObjectKey,
  recordTimeMs,
} from "@weblog/sink-contract";
import { type Lister, listingStreams, readAhead } from "./listing";
import type { InvalidRecord, ListedCompanion, ScannedObject, ScanResult, UnparsableKey } from "./model";

/** Listings running at once (partition directories listed in parallel), and keys each lists ahead of the reads. */
const LISTINGS = 4;
const LIST_AHEAD = 2000;

/** What a scan returns besides the objects it handed on: counts and the keys that did not parse. */
export type ScanSummary = Omit<ScanResult, "objects"> & { read: number };

/** What the scan needs from S3: listings (./listing) and reads (implemented over @weblog/s3 in store.ts). */
export interface ObjectStore extends Lister {
  /** The object's bytes as stored (still gzipped for .gz). Rejects with the store's error. */
  read(key: string): Promise<Buffer>;
}

export interface ScanProgress {
  listed: number;
  read: number;
  records: number;
  bytes: number;
}

export interface ScanOptions {
  bucket: string;
  /** Prefixes to list (one per topic when --topic narrows the listing). */
  prefixes: string[];
  /** When non-empty, objects of other topics are skipped. */
  topics: string[];
  layout: KeyLayout;
  concurrency: number;
  /** Each object read, as soon as it is read (in any order). */
  onObject: (o: ScannedObject) => void;
  /** Objects already read (a top-up scan reads only objects that appeared since). */
  skip?: (key: string, parts: ObjectKeyParts) => boolean;
  /** Live counters for a progress line (mutated in place). */
  progress?: ScanProgress;
  /** --partition: only these Kafka partitions' objects are read. */
  partitions?: ReadonlySet<number>;
  /** --since: objects stored before this (S3 LastModified) are left unread. */
  sinceMs?: number;
  /**
   * --checkpoint: per partition (`topic/partition`) the last offset earlier runs proved and the newest LastModified
   * among the objects they read. An object starting at or before that offset and stored no later is left unread; one
   * stored later (rewritten since) is read, and the analysis places it against the proven range.
   */
  proven?: ReadonlyMap<string, { last: bigint; newestMs: number }>;
  /** --checkpoint: seam directory -> seam key; those directories are listed only after the seam (./listing). */
  seams?: ReadonlyMap<string, string>;
}

/** Why a listed object is left unread, or null to read it. */
export function unreadReason(
  parts: Pick<ObjectKeyParts, "topic" | "kafkaPartition" | "startOffset">,
  lastModifiedMs: number | null,
  opts: Pick<ScanOptions, "partitions" | "sinceMs" | "proven">,
): "other-partition" | "before-since" | "proven" | null {
  if (opts.partitions && !opts.partitions.has(parts.kafkaPartition)) return "other-partition";
  const p = opts.proven?.get(`${parts.topic}/${parts.kafkaPartition}`);
  if (p && parts.startOffset <= p.last && lastModifiedMs !== null && lastModifiedMs <= p.newestMs)
    return "proven";
  if (opts.sinceMs !== undefined && lastModifiedMs !== null && lastModifiedMs < opts.sinceMs)
    return "before-since";
  return null;
}

/** The id tying a value object and its companions: topic, encoded partition, Kafka partition, start offset. */
export function companionOwner(
  parts: Pick<ObjectKeyParts, "topic" | "encodedPartition" | "kafkaPartition" | "startOffset">,
): string {
  return `${parts.topic}\u0000${parts.encodedPartition}\u0000${parts.kafkaPartition}\u0000${parts.startOffset}`;
}

/** A record's identity for "the same record in two objects": 96 bits of SHA-1 over the line as stored. */
export function recordHash(line: string): string {
  // One-shot: no Hash object per line (a million of them per run is native garbage).
  return hash("sha1", line, "base64").slice(0, 16);
}

/** Summarizes one object's record lines. */
export function summarizeLines(
  lines: readonly string[],
): Pick<ScannedObject, "records" | "lineBytes" | "invalid" | "newestRecordMs" | "recordHashes"> {
  const invalid: InvalidRecord[] = [];
  const recordHashes: string[] = [];
  let newest: number | null = null;
  let lineBytes = 0;
  lines.forEach((line, i) => {
    lineBytes += Buffer.byteLength(line) + 1;
    recordHashes.push(recordHash(line));
    const result = decode(line);
    if (!result.ok) {
      invalid.push({ line: i + 1, code: result.error.code, message: result.error.message });
      return;
    }
    // The record time as the sink reads it (the contract's one implementation).
    const ms = recordTimeMs(result.record, "timestamp");
    if (ms !== undefined && (newest === null || ms > newest)) newest = ms;
  });
  return { records: lines.length, lineBytes, invalid, newestRecordMs: newest, recordHashes };
}

/** The object went away between the listing and the read (the store says NOT_FOUND). */
function isNoSuchKey(err: unknown): boolean {
  return findCause(err, (e) => e instanceof S3SideError && e.code === "NOT_FOUND") !== undefined;
}

async function readObject(
  store: ObjectStore,
  item: ListedObject,
  parts: ObjectKeyParts,
): Promise<ScannedObject> {
  const lastModifiedMs = item.lastModified ? item.lastModified.getTime() : null;
  const base = { key: item.key, size: item.size, lastModifiedMs, parts };
  let body: Buffer;
  try {
    body = await store.read(item.key);
  } catch (err) {
    if (isNoSuchKey(err)) {
      return {
        ...base,
        records: 0,
        invalid: [],
        newestRecordMs: null,
        recordHashes: [],
        readError: "deleted while verifying",
      };
    }
    throw err;
  }
  let lines: string[];
  const encoding = bodyEncodingOf(parts);
  try {
    lines = await decodeObjectBody(body, encoding);
  } catch (err) {
    const what = encoding.format === "parquet" ? "Parquet" : "gzip";
    const reason = `not valid ${what} (${(err as Error).message})`;
    return { ...base, records: 0, invalid: [], newestRecordMs: null, recordHashes: [], readError: reason };
  }
  return { ...base, ...summarizeLines(lines) };
}

/** What the key's extension says the body is: JSON lines (plain or gzip) or Parquet with its codec. */
export function bodyEncodingOf(parts: Pick<ObjectKeyParts, "compression" | "parquet">): BodyEncoding {
  return parts.parquet !== undefined
    ? { format: "parquet", codec: parts.parquet }
    : { format: "json", compression: parts.compression };
}

/** Lists and reads everything under the prefixes. Rejects with the store's error (unreachable, access denied...). */
export async function scanBucket(store: ObjectStore, opts: ScanOptions): Promise<ScanSummary> {
  const started = performance.now();
  const progress = opts.progress ?? { listed: 0, read: 0, records: 0, bytes: 0 };
  let read = 0;
  // Objects rewritten inside a checkpoint's proven range wait (read) for the start of the object listed after them.
  const held = new Map<string, ScannedObject>();
  const hand = (o: ScannedObject) => {
    read += 1;
    opts.onObject(o);
  };
  const unparsable: UnparsableKey[] = [];
  const companions: ListedCompanion[] = [];
  const wanted = new Set(opts.topics);
  const scoped = new Set<string>();
  const waiting = new Map<string, string>();
  const waitingKeys = new Set<string>();
  const successors = new Map<string, bigint>();
  let unread = 0;
  const inflight = new Set<Promise<void>>();
  let failure: { err: unknown } | undefined;

  const handle = async (item: ListedObject): Promise<void> => {
    const parsed = parseObjectKey(item.key, opts.layout);
    if (parsed.ok && opts.skip?.(item.key, parsed.parts)) return;
    progress.listed += 1;
    const companion = parsed.ok ? null : parseCompanionKey(item.key, opts.layout);
    if (companion) {
      // beside a value object (store.kafka.keys / headers): checked after the scan (companions.ts), never counted
      const v = companion.value;
      const topicOk = wanted.size === 0 || wanted.has(v.topic);
      const partitionOk = !opts.partitions || opts.partitions.has(v.kafkaPartition);
      if (topicOk && partitionOk)
        companions.push({
          key: item.key,
          view: companion.view,
          compression: companion.compression,
          owner: companionOwner(v),
          size: item.size,
        });
      return;
    }
    if (!parsed.ok) {
      unparsable.push({ key: item.key, reason: parsed.reason, size: item.size });
      return;
    }
    if (wanted.size > 0 && !wanted.has(parsed.parts.topic)) return;
    const why = unreadReason(parsed.parts, item.lastModified?.getTime() ?? null, opts);
    const pid = `${parsed.parts.topic}/${parsed.parts.kafkaPartition}`;
    if (why !== "other-partition") {
      const waitingKey = waiting.get(pid);
      if (waitingKey !== undefined) {
        waitingKeys.delete(waitingKey);
        successors.set(waitingKey, parsed.parts.startOffset);
        const o = held.get(waitingKey);
        if (o) {
          held.delete(waitingKey);
          hand({ ...o, nextStart: parsed.parts.startOffset });
        }
      }
      waiting.delete(pid);
      // Rewritten after it was proven: its end is checked against the next object's start (listed in offset order).
      if (why === null && parsed.parts.startOffset <= (opts.proven?.get(pid)?.last ?? -1n)) {
        waiting.set(pid, item.key);
        waitingKeys.add(item.key);
      }
    }
    if (why !== null) {
      if (why === "other-partition") return;
      unread += 1;
      if (why === "before-since") scoped.add(`${parsed.parts.topic}/${parsed.parts.kafkaPartition}`);
      return;
    }
    const task: Promise<void> = readObject(store, item, parsed.parts)
      .then((o) => {
        const next = successors.get(o.key);
        if (next !== undefined) hand({ ...o, nextStart: next });
        else if (waitingKeys.has(o.key)) held.set(o.key, o);
        else hand(o);
        progress.read += 1;
        progress.records += o.records;
        progress.bytes += item.size;
      })
      .catch((err: unknown) => {
        failure ??= { err };
      })
      .finally(() => inflight.delete(task));
    inflight.add(task);
    while (inflight.size >= opts.concurrency) await Promise.race(inflight);
  };
  // Each listing (one per partition directory when the layout allows, ./listing) feeds the one read window;
  // up to LISTINGS of them at a time.
  const streams = await listingStreams(
    store,
    opts.prefixes,
    opts.seams ?? new Map(),
    opts.layout.directoryDelim,
  );
  let next = 0;
  const lister = async () => {
    for (let s = streams[next++]; s !== undefined && !failure; s = streams[next++]) {
      for await (const item of readAhead(s, LIST_AHEAD)) {
        if (failure) break;
        await handle(item);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(LISTINGS, streams.length) }, lister));
  } catch (err) {
    failure ??= { err };
  }
  await Promise.all(inflight);
  if (failure) throw failure.err;
  for (const o of held.values()) hand(o);

  return {
    bucket: opts.bucket,
    prefix: opts.prefixes.join(","),
    read,
    unparsable,
    listed: progress.listed,
    bytes: progress.bytes,
    elapsedMs: Math.round(performance.now() - started),
    unread,
    scoped: [...scoped].sort(),
    ...(companions.length > 0 ? { companions } : {}),
  };
}
