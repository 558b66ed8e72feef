import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";

/**
 * Big objects (`s3.part.size`): an object whose encoded body is larger than the part size is uploaded with
 * CreateMultipartUpload, one UploadPart per slice of the body, CompleteMultipartUpload. Until the Complete answers,
 * nothing is visible at the key (a reader, the verifier, a ListObjects sees no object), so a crash or a fence loss
 * mid-upload cannot leave a partial object: exactly-once rests on the same rules as a PutObject. A failed upload is
 * aborted at once; a crash's leftover is aborted when the sink next starts (`abortLeftoverUploads`).
 *
 * The three commands are sent directly rather than through @aws-sdk/lib-storage's `Upload`: `Upload` retries and
 * parallelises parts on its own, while every S3 request of the sink must go through the writer's `attempt` (the
 * fence check before each attempt, the sink's backoff and pause-on-retry, the p-limit window), which `Upload` has no
 * hook for.
 */

/** The byte ranges [start, end) a body of `length` bytes is cut into: `partSize` each, the last one the rest. */
export function partRanges(length: number, partSize: number): { start: number; end: number }[] {
  if (!Number.isInteger(partSize) || partSize < 1)
    throw new RangeError(`part size ${partSize} is not positive`);
  const out: { start: number; end: number }[] = [];
  for (let start = 0; start < length; start += partSize)
    out.push({ start, end: Math.min(length, start + partSize) });
  return out;
}

/** A multipart upload only when one PutObject would carry more than a part. */
export const needsMultipart = (length: number, partSize: number): boolean => length > partSize;

/** One S3 request under the writer's retry model; `send` gets the abort options to pass to `client.send`. */
export type Attempt = <T>(
  what: string,
  send: (options: { abortSignal?: AbortSignal }) => Promise<T>,
) => Promise<T>;

export interface MultipartTarget {
  client: S3Client;
  bucket: string;
  key: string;
  body: Buffer;
  partSize: number;
  contentType: string;
  metadata: Record<string, string>;
}

/** True when `err` (or an error it wraps) is S3's NoSuchUpload: the upload id was aborted under us. */
export function isNoSuchUpload(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++)
    if ((e as { name?: unknown }).name === "NoSuchUpload") return true;
  return false;
}

/**
 * Only the partition's new owner aborts an upload of ours (leftovers.ts), once our fence is gone; we start over this
 * many times, and the fence check before each request then ends it.
 */
const RESTARTS = 3;

/**
 * Uploads `t.body` in parts; `afterPart(n)` runs after part n (1-based) is stored (the crash hook's point). On any
 * failure (fence lost included) the upload is aborted before the error is rethrown.
 */
export async function uploadMultipart(
  t: MultipartTarget,
  attempt: Attempt,
  afterPart: (n: number) => void = () => {},
): Promise<{ parts: number }> {
  for (let restart = 0; ; restart++) {
    try {
      return await uploadOnce(t, attempt, afterPart);
    } catch (err) {
      if (!isNoSuchUpload(err) || restart >= RESTARTS) throw err;
    }
  }
}

async function uploadOnce(t: MultipartTarget, attempt: Attempt, afterPart: (n: number) => void) {
  const { client, bucket, key } = t;
  const created = await attempt(`CreateMultipartUpload ${key}`, (o) =>
    client.send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        ContentType: t.contentType,
        Metadata: t.metadata,
      }),
      o,
    ),
  );
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error(`CreateMultipartUpload ${key}: S3 answered without an UploadId`);
  try {
    const ranges = partRanges(t.body.length, t.partSize);
    const parts: { ETag: string; PartNumber: number }[] = [];
    for (const [i, { start, end }] of ranges.entries()) {
      const PartNumber = i + 1;
      const answer = await attempt(`UploadPart ${PartNumber}/${ranges.length} ${key}`, (o) =>
        client.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber,
            Body: t.body.subarray(start, end),
          }),
          o,
        ),
      );
      parts.push({ ETag: answer.ETag ?? "", PartNumber });
      afterPart(PartNumber);
    }
    await attempt(`CompleteMultipartUpload ${key}`, (o) =>
      client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
        o,
      ),
    );
    return { parts: parts.length };
  } catch (err) {
    // Best effort, once: if it fails too, the next start's abortLeftoverUploads finds the upload.
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      .catch(() => {});
    throw err;
  }
}
