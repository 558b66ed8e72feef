import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { listAllObjects, readRecordsFromObject } from "@weblog/s3";
import { parseObjectKey, topicPrefix } from "@weblog/sink-contract";
import type { ObjectPart } from "../shared/state";

/**
 * What the bucket holds for one topic, as the dashboard shows it: counts per partition and the newest objects with
 * their record count and cut reason. Our sink writes both as object metadata (`x-amz-meta-weblog-cut-reason`,
 * `x-amz-meta-weblog-records`, one HeadObject); for objects without it (Kafka Connect's) the records are counted
 * from the body and the reason derived: a full object (flush.size records) was cut by flush.size, a shorter one by
 * the rotation interval or a stop ("derived" in the row). Details are fetched once per key (objects are immutable
 * but for the same bytes rewritten), newest first, at most `detailsPerPoll` a poll.
 */
/** One of the newest objects (the page's type, from shared/state). */
export type ObjectRow = ObjectPart;

export interface S3View {
  objects: number;
  bytes: number;
  /** Records of the objects whose details are known (`detailed` of `objects`). */
  records: number;
  detailed: number;
  partitions: Record<string, { objects: number; bytes: number; records: number }>;
  reasons: Record<string, number>;
  newest: ObjectRow[];
}

interface Details {
  records: number;
  reason: string | null;
  reasonFrom: ObjectRow["reasonFrom"];
}

export interface S3WatcherOptions {
  client: S3Client;
  bucket: string;
  /** The S3 endpoint the client talks to (undefined: AWS S3), named in errors. */
  endpoint?: string | undefined;
  topic: string;
  /** flush.size, to derive the cut reason of objects without metadata. */
  flushSize?: number | undefined;
  newest?: number;
  detailsPerPoll?: number;
}

export function createS3Watcher(opts: S3WatcherOptions) {
  const cache = new Map<string, Details>();
  const newestN = opts.newest ?? 12;
  const perPoll = opts.detailsPerPoll ?? 400;

  const details = async (key: string): Promise<Details> => {
    const head = await opts.client.send(new HeadObjectCommand({ Bucket: opts.bucket, Key: key }));
    const meta = head.Metadata ?? {};
    const recorded = meta["weblog-records"];
    if (recorded !== undefined && meta["weblog-cut-reason"] !== undefined) {
      return { records: Number(recorded), reason: meta["weblog-cut-reason"], reasonFrom: "metadata" };
    }
    const records = (await readRecordsFromObject(opts.client, opts.bucket, key, { endpoint: opts.endpoint }))
      .length;
    const reason =
      opts.flushSize === undefined
        ? null
        : records >= opts.flushSize
          ? "flush.size"
          : "rotate.schedule.interval.ms";
    return { records, reason, reasonFrom: reason === null ? null : "derived" };
  };

  return {
    async poll(): Promise<S3View> {
      const listed: Omit<ObjectRow, "records" | "reason" | "reasonFrom">[] = [];
      for await (const o of listAllObjects(opts.client, opts.bucket, topicPrefix(opts.topic), {
        endpoint: opts.endpoint,
      })) {
        const parsed = parseObjectKey(o.key);
        if (!parsed.ok || parsed.parts.topic !== opts.topic) continue;
        listed.push({
          key: o.key,
          partition: parsed.parts.kafkaPartition,
          startOffset: String(parsed.parts.startOffset),
          size: o.size,
          lastModifiedMs: o.lastModified ? o.lastModified.getTime() : null,
        });
      }
      // Newest first: LastModified (second precision on some servers), then offset.
      listed.sort(
        (a, b) =>
          (b.lastModifiedMs ?? 0) - (a.lastModifiedMs ?? 0) ||
          Number(BigInt(b.startOffset) - BigInt(a.startOffset)),
      );
      const missing = listed.filter((o) => !cache.has(o.key)).slice(0, perPoll);
      for (let i = 0; i < missing.length; i += 16) {
        await Promise.all(
          missing.slice(i, i + 16).map(async (o) => {
            const d = await details(o.key).catch(() => null);
            if (d) cache.set(o.key, d);
          }),
        );
      }
      const view: S3View = {
        objects: 0,
        bytes: 0,
        records: 0,
        detailed: 0,
        partitions: {},
        reasons: {},
        newest: [],
      };
      for (const o of listed) {
        const d = cache.get(o.key);
        const p = view.partitions[String(o.partition)] ?? { objects: 0, bytes: 0, records: 0 };
        view.partitions[String(o.partition)] = p;
        view.objects += 1;
        view.bytes += o.size;
        p.objects += 1;
        p.bytes += o.size;
        if (d) {
          view.detailed += 1;
          view.records += d.records;
          p.records += d.records;
          if (d.reason) view.reasons[d.reason] = (view.reasons[d.reason] ?? 0) + 1;
        }
        if (view.newest.length < newestN)
          view.newest.push({
            ...o,
            records: d?.records ?? null,
            reason: d?.reason ?? null,
            reasonFrom: d?.reasonFrom ?? null,
          });
      }
      return view;
    },
  };
}
