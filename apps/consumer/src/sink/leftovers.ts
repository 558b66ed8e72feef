import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Logger } from "@weblog/cli";
import { isNotImplemented } from "@weblog/s3";
import { type KeyLayout, parseCompanionKey, parseObjectKey, topicPrefix } from "@weblog/sink-contract";
import { SinkError } from "./errors";
import { type Attempt, isNoSuchUpload } from "./multipart";
import type { UploadControl } from "./object-writer";

/**
 * Incomplete multipart uploads a crash (or a fenced previous owner) left behind: never visible objects, but S3 bills
 * their parts until they are aborted. They are cleaned up per Kafka partition, by the partition's owner, once it
 * holds the partition (its start offset stamped in this generation: batch.ts) and before its first upload there:
 * an upload of a partition this member does not own is never touched, so a member that starts cannot abort the
 * live uploads of another (README "Exactly once", failure table). A previous owner still alive has lost its fence:
 * its next request fails the fence check, so aborting its upload takes nothing from it.
 */

export interface ListedUpload {
  key: string;
  uploadId: string;
}

/**
 * The uploads of `topic`/`partition` among `listed` (pure): those whose key parses, with the contract's parser, as
 * that topic and Kafka partition (`<topic>+<partition>+<startOffset>.<ext>`, any encoded partition). Keys that are
 * not ours, or of another topic or partition, are left alone.
 */
export function uploadsOfPartition(
  listed: readonly ListedUpload[],
  topic: string,
  partition: number,
  layout?: KeyLayout,
): ListedUpload[] {
  return listed.filter((u) => {
    const parsed = parseObjectKey(u.key, layout);
    // a companion object's upload (store.kafka.keys / headers) belongs to its value object's partition
    const parts = parsed.ok ? parsed.parts : parseCompanionKey(u.key, layout)?.value;
    return parts !== undefined && parts.topic === topic && parts.kafkaPartition === partition;
  });
}

export interface LeftoverTarget {
  client: S3Client;
  bucket: string;
  layout: KeyLayout;
}

/**
 * Lists the incomplete uploads under `topic`'s prefix (every page) and aborts those of `partition`; every request
 * goes through `attempt` (the writer's retry model and fence check). An upload gone meanwhile (NoSuchUpload: its
 * owner completed or aborted it) is not counted. Returns how many were aborted.
 */
export async function abortPartitionLeftovers(
  t: LeftoverTarget,
  topic: string,
  partition: number,
  attempt: Attempt,
): Promise<number> {
  const prefix = topicPrefix(topic, t.layout);
  const listed: ListedUpload[] = [];
  let KeyMarker: string | undefined;
  let UploadIdMarker: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const answer = await attempt(`ListMultipartUploads ${prefix}`, (o) =>
      t.client.send(
        new ListMultipartUploadsCommand({ Bucket: t.bucket, Prefix: prefix, KeyMarker, UploadIdMarker }),
        o,
      ),
    );
    for (const u of answer.Uploads ?? [])
      if (u.Key && u.UploadId) listed.push({ key: u.Key, uploadId: u.UploadId });
    if (!answer.IsTruncated) break;
    KeyMarker = answer.NextKeyMarker;
    UploadIdMarker = answer.NextUploadIdMarker;
  }
  let aborted = 0;
  for (const u of uploadsOfPartition(listed, topic, partition, t.layout)) {
    const gone = await attempt(`AbortMultipartUpload ${u.key}`, (o) =>
      t.client
        .send(new AbortMultipartUploadCommand({ Bucket: t.bucket, Key: u.key, UploadId: u.uploadId }), o)
        .then(
          () => false,
          (err: unknown) => {
            if (isNoSuchUpload(err)) return true;
            throw err;
          },
        ),
    );
    if (!gone) aborted += 1;
  }
  return aborted;
}

/**
 * The sink's policy around `abortPartitionLeftovers` (README failure table, "listing failure"): a retriable S3 error
 * is retried by the writer's model (S3 down blocks the partition's first upload anyway, and the retries heartbeat);
 * a lost fence or a stop propagates like any upload's; an error S3 says is final (no permission to list or abort)
 * is one warning, and the next assignment of the partition tries again: a leftover only costs storage, it is never
 * visible, so it must not stop the sink. An S3 that does not implement the listing (501 NotImplemented / 405, not
 * retriable: `isNotImplemented`) is one warning for the whole process, which then never asks again.
 */
export type LeftoverCleaner = (topic: string, partition: number, control: UploadControl) => Promise<number>;

export function createLeftoverCleaner(opts: {
  abort: (topic: string, partition: number, control: UploadControl) => Promise<number>;
  logger: Logger;
  /** Called with how many uploads were aborted for the partition (metrics). */
  onAborted?: (n: number) => void;
}): LeftoverCleaner {
  /** Set once S3 said it does not implement the listing (501 / 405): never asked again in this process. */
  let unsupported = false;
  return async (topic, partition, control) => {
    if (unsupported) return 0;
    let aborted: number;
    try {
      aborted = await opts.abort(topic, partition, control);
    } catch (err) {
      if (!(err instanceof SinkError) || err.code !== "S3_FATAL") throw err;
      if (isNotImplemented(err)) {
        // The README's promise for such a server: one warning, and the sink carries on. (Partitions taken at once
        // may all be asking: only the first answer warns.)
        if (unsupported) return 0;
        unsupported = true;
        opts.logger.warn(
          { topic, partition, err: { message: err.message } },
          `no ListMultipartUploads on this S3 (${err.message}): incomplete multipart uploads a crash leaves are not cleaned up here (never visible as objects; abort them with the server's own tools); not asked again`,
        );
        return 0;
      }
      opts.logger.warn(
        { topic, partition, err: { message: err.message } },
        "could not clean up incomplete multipart uploads; trying again at the next assignment",
      );
      return 0;
    }
    if (aborted > 0) {
      opts.onAborted?.(aborted);
      opts.logger.info(
        { topic, partition, aborted },
        "aborted incomplete multipart uploads left by a crash or a previous owner",
      );
    }
    return aborted;
  };
}
