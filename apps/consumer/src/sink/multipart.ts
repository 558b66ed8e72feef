import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { completeParams, type createParams, type ObjectWriteParams, uploadPartParams } from "@weblog/s3";
import { cutParts, type Part, PartPool } from "./part-stream";

/**
 * Big objects (`s3.part.size`): an object whose encoded body is larger than the part size is uploaded with
 * CreateMultipartUpload, UploadParts, CompleteMultipartUpload. Until the Complete answers, nothing is visible at the
 * key (a reader, the verifier, a ListObjects sees no object), so a crash or a fence loss mid-upload cannot leave a
 * partial object: exactly-once rests on the same rules as a PutObject. A failed upload is aborted at once; a crash's
 * leftover is aborted by the partition's next owner before its first upload there (leftovers.ts).
 *
 * The body is streamed: its chunks come from the encoder and are cut into parts as they fill (`part-stream.ts`);
 * whether the object is multipart is known only when a byte past the first part arrives, so a body that fits one
 * part is one PutObject (the same bytes, metadata and ETag as when bodies were encoded whole). Up to
 * `partsInFlight` UploadParts of one object run at once while the next part is encoded; memory per object is those
 * parts + the one being filled.
 *
 * The commands are sent directly rather than through @aws-sdk/lib-storage's `Upload`: `Upload` retries and
 * parallelises parts on its own, while every S3 request of the sink must go through the writer's `attempt` (the
 * fence check before each attempt, the sink's backoff and pause-on-retry), which `Upload` has no hook for.
 */

/**
 * One S3 request under the writer's retry model; `send` gets the abort options to pass to `client.send`. `stop`
 * (optional) abandons it: no attempt after it fires, the one in flight aborted, rejecting with `stop.reason`.
 */
export type Attempt = <T>(
  what: string,
  send: (options: { abortSignal?: AbortSignal }) => Promise<T>,
  stop?: AbortSignal,
) => Promise<T>;

export interface MultipartTarget {
  client: S3Client;
  bucket: string;
  key: string;
  partSize: number;
  /** UploadParts of this object in flight at once (`weblog.upload.parts.max.in.flight`). */
  partsInFlight: number;
  contentType: string;
  metadata: Record<string, string>;
  /** SSE-C headers for UploadPart / Complete come from here (`uploadPartParams`, `completeParams`). */
  writeParams?: ObjectWriteParams;
  /** SSE, ACL and tags for CreateMultipartUpload (`createParams`, as the PutObject of a small body gets). */
  createParams?: ReturnType<typeof createParams>;
}

/** How a body went up: one PutObject (`parts` 1, not multipart) or a multipart upload of `parts` parts. */
export interface BodyUploaded {
  multipart: boolean;
  parts: number;
  bytes: number;
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
 * Uploads the body `chunks()` gives (called again, from the start, if the upload must start over): one `put` when
 * it fits one part, else a multipart upload. `afterPart(n)` runs after part n (1-based) is stored (the crash hook's
 * point). On any failure (fence lost included) the upload is aborted, after the parts in flight settled, before the
 * error is rethrown.
 */
export async function uploadBody(
  t: MultipartTarget,
  chunks: () => AsyncIterable<Buffer>,
  attempt: Attempt,
  put: (body: Buffer) => Promise<void>,
  afterPart: (n: number) => void = () => {},
): Promise<BodyUploaded> {
  for (let restart = 0; ; restart++) {
    try {
      return await uploadOnce(t, chunks(), attempt, put, afterPart);
    } catch (err) {
      if (!isNoSuchUpload(err) || restart >= RESTARTS) throw err;
    }
  }
}

async function uploadOnce(
  t: MultipartTarget,
  chunks: AsyncIterable<Buffer>,
  attempt: Attempt,
  put: (body: Buffer) => Promise<void>,
  afterPart: (n: number) => void,
): Promise<BodyUploaded> {
  const pool = new PartPool(t.partSize);
  const parts = cutParts(chunks, t.partSize, pool);
  try {
    const first = await parts.next();
    if (first.done) throw new Error(`body of ${t.key}: the part cutter gave no part`);
    if (first.value.last) {
      await put(first.value.body);
      return { multipart: false, parts: 1, bytes: first.value.body.length };
    }
    const { client, bucket, key } = t;
    const created = await attempt(`CreateMultipartUpload ${key}`, (o) =>
      client.send(
        new CreateMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          ContentType: t.contentType,
          Metadata: t.metadata,
          ...t.createParams,
        }),
        o,
      ),
    );
    const uploadId = created.UploadId;
    if (!uploadId) throw new Error(`CreateMultipartUpload ${key}: S3 answered without an UploadId`);
    const window = partWindow(t, uploadId, attempt, afterPart, pool);
    try {
      let bytes = 0;
      for (let next: IteratorResult<Part> = first; !next.done; next = await parts.next()) {
        bytes += next.value.body.length;
        await window.send(next.value.body); // waits while partsInFlight parts are in flight
      }
      const stored = await window.settled();
      await attempt(`CompleteMultipartUpload ${key}`, (o) =>
        client.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: stored },
            ...completeParams(t.writeParams ?? {}),
          }),
          o,
        ),
      );
      return { multipart: true, parts: stored.length, bytes };
    } catch (err) {
      await window.cancel(err);
      // Best effort, once: if it fails too, the partition's next owner aborts the upload (leftovers.ts).
      await client
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
        .catch(() => {});
      throw err;
    }
  } finally {
    await parts.return(undefined); // stops the encoder if we left early
  }
}

/**
 * The UploadParts of one upload: numbered in the order sent, at most `partsInFlight` at once, each through
 * `attempt` with a shared stop signal. The first failure stops the others (their attempts abort) and is what
 * `send` / `settled` throw; `settled` gives the stored parts in part-number order for the Complete.
 */
function partWindow(
  t: MultipartTarget,
  uploadId: string,
  attempt: Attempt,
  afterPart: (n: number) => void,
  pool: PartPool,
) {
  const stop = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const stored: { ETag: string; PartNumber: number }[] = [];
  let failure: { err: unknown } | null = null;
  let sent = 0;
  const fail = (err: unknown) => {
    failure ??= { err };
    if (!stop.signal.aborted) stop.abort(err);
  };
  const throwIfFailed = () => {
    if (failure) throw failure.err;
  };
  return {
    async send(body: Buffer): Promise<void> {
      throwIfFailed();
      const PartNumber = ++sent;
      const p: Promise<void> = attempt(
        `UploadPart ${PartNumber} ${t.key}`,
        (o) =>
          t.client.send(
            new UploadPartCommand({
              Bucket: t.bucket,
              Key: t.key,
              UploadId: uploadId,
              PartNumber,
              Body: body,
              ...uploadPartParams(t.writeParams ?? {}),
            }),
            o,
          ),
        stop.signal,
      )
        .then((answer) => {
          stored.push({ ETag: answer.ETag ?? "", PartNumber });
          pool.give(body); // S3 has it: the buffer may hold a later part
          afterPart(PartNumber);
        }, fail)
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      while (inFlight.size >= t.partsInFlight && !failure) await Promise.race(inFlight);
      throwIfFailed();
    },
    async settled() {
      await Promise.all(inFlight);
      throwIfFailed();
      return stored.sort((a, b) => a.PartNumber - b.PartNumber);
    },
    /** Stops the parts in flight and waits until they settled, so none lands after the abort. */
    async cancel(reason: unknown) {
      fail(reason);
      await Promise.all(inFlight);
    },
  };
}
