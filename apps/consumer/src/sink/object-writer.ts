import type { S3Client } from "@aws-sdk/client-s3";
import {
  type BodyEncoding,
  contentTypeOf,
  encodeObjectBody,
  encodeObjectBodyChunks,
} from "@weblog/object-format";
import {
  bucketVanished,
  createParams,
  explainS3Error,
  type ObjectWriteParams,
  offsetTags,
  putObjectBody,
  S3SideError,
} from "@weblog/s3";
import {
  type CompanionView,
  type Compression,
  companionObjectKey,
  formatObjectKey,
  type KeyLayout,
  type ParquetCodec,
} from "@weblog/sink-contract";
import pLimit from "p-limit";
import pRetry, { AbortError } from "p-retry";
import { SinkError } from "./errors";
import { abortPartitionLeftovers } from "./leftovers";
import { type Attempt, isNoSuchUpload, uploadBody } from "./multipart";
import type { FlushSet, OpenFile } from "./partition-buffer";

export interface ObjectWriterOptions {
  client: S3Client;
  bucket: string;
  endpoint?: string | undefined;
  compression: Compression;
  /** `format.class=ParquetFormat`: one typed Parquet file per object with this `parquet.codec`; absent: JSON lines. */
  parquet?: ParquetCodec | undefined;
  layout: KeyLayout;
  /** PutObjects in flight at once over every partition (`weblog.upload.max.in.flight`; default 16). */
  maxInFlight?: number;
  /** Backoff between attempts: min..max ms, doubled each time, jittered. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** `s3.part.size`: a body larger than this is uploaded in parts of this size (multipart.ts); default 25 MiB. */
  partSize?: number;
  /** `weblog.upload.parts.max.in.flight`: UploadParts of one object in flight at once; default 2. */
  partsInFlight?: number;
  /**
   * Confluent's s3.ssea.name / s3.sse.kms.key.id / s3.sse.customer.key / s3.acl.canned / s3.object.tagging, on
   * every PutObject and multipart upload (`writeParamsOf(settings)` of @weblog/s3); default none.
   */
  writeParams?: ObjectWriteParams;
  /**
   * store.kafka.keys / store.kafka.headers: each file's key / headers lines (OpenFile.keys / headers) go to companion
   * objects beside it (JSON lines, `compression`), uploaded with the same params before the value object.
   */
  companions?: readonly CompanionView[];
  /** Called once a file's companions are stored, before its value object (the kill -9 tests' point between them). */
  onCompanionsUploaded?: () => void;
  /** Called after each stored part of a multipart upload (the kill -9 tests' `mid-multipart-upload` point). */
  onPartUploaded?: () => void;
  /**
   * Called when S3 answers a request of ours with NoSuchUpload: one of our multipart uploads was aborted under us
   * (only a new owner of the partition should ever do that; the sink logs it and counts it).
   */
  onNoSuchUpload?: (what: string) => void;
}

const DEFAULT_PART_SIZE = 25 * 1024 * 1024;
const DEFAULT_PARTS_IN_FLIGHT = 2;

/**
 * True when a JSON-lines body of `rawBytes` (the lines and their newlines) surely fits one part, even gzipped
 * (deflate's worst case adds ~0.03% and a few bytes; we allow ~0.1% + 1 KiB): then it is encoded whole, as before
 * streaming existed, which is cheaper for the many small objects. Any other body is streamed into parts.
 */
export const fitsOnePart = (rawBytes: number, partSize: number): boolean =>
  rawBytes + Math.ceil(rawBytes / 1024) + 1024 <= partSize;

export interface UploadControl {
  /**
   * Called before every attempt; throw to abandon the upload (the partition is being given up, or the sink is
   * stopping). The thrown error is what `upload` rejects with.
   */
  check(): Promise<void> | void;
  /** Called after a failed, retriable attempt (the sink pauses the partition and logs, once). */
  onRetry(err: S3SideError, attempt: number): Promise<void> | void;
  signal?: AbortSignal;
}

export interface ObjectWriter {
  keyOf(set: Pick<FlushSet, "topic" | "kafkaPartition">, file: OpenFile): string;
  /** PUTs every file of the set (in parallel); retries retriable S3 errors forever (until `control.check` throws). */
  upload(set: FlushSet, control: UploadControl): Promise<{ keys: string[]; bytes: number }>;
  /**
   * Aborts the incomplete multipart uploads of one Kafka partition (leftovers.ts) under the writer's retry model,
   * `control.check` before every request; returns how many.
   */
  abortLeftovers(topic: string, partition: number, control: UploadControl): Promise<number>;
}

export function createObjectWriter(opts: ObjectWriterOptions): ObjectWriter {
  // p-limit (sindresorhus, well kept): a FIFO queue of PUTs, at most maxInFlight running; a PUT holds its slot
  // through its retries, so an S3 outage does not start more requests than the window.
  const limit = pLimit(opts.maxInFlight ?? 16);
  const encoding: BodyEncoding =
    opts.parquet !== undefined
      ? { format: "parquet", codec: opts.parquet }
      : { format: "json", compression: opts.compression };
  const contentType = contentTypeOf(encoding);
  const partsOf = (set: Pick<FlushSet, "topic" | "kafkaPartition">, file: OpenFile) => ({
    topic: set.topic,
    encodedPartition: file.encodedPartition,
    kafkaPartition: set.kafkaPartition,
    startOffset: file.startOffset,
    compression: encoding.format === "json" ? opts.compression : ("none" as const),
    ...(opts.parquet !== undefined ? { parquet: opts.parquet } : {}),
  });
  const keyOf = (set: Pick<FlushSet, "topic" | "kafkaPartition">, file: OpenFile) =>
    formatObjectKey(partsOf(set, file), opts.layout);

  /**
   * One S3 request with the sink's retry model: `control.check` before every attempt (a lost fence abandons it),
   * retriable errors retried with backoff forever, anything else fatal. PutObject and each multipart request alike;
   * `stop` (a multipart upload's other part failed) abandons it like a lost fence, rejecting with its reason.
   */
  const attemptWith =
    (control: UploadControl): Attempt =>
    async (what, send, stop) => {
      let fenceError: unknown;
      const signals = [control.signal, stop].filter((x): x is AbortSignal => x !== undefined);
      const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
      const stopped = () => {
        fenceError = stop?.reason;
        return new AbortError(fenceError instanceof Error ? fenceError : String(fenceError));
      };
      return pRetry(
        async () => {
          if (stop?.aborted) throw stopped();
          try {
            await control.check();
          } catch (err) {
            fenceError = err;
            throw new AbortError(err instanceof Error ? err : String(err));
          }
          try {
            return await send(signal ? { abortSignal: signal } : {});
          } catch (err) {
            if (isNoSuchUpload(err)) opts.onNoSuchUpload?.(what);
            if (control.signal?.aborted) {
              fenceError = new SinkError("FENCED", `${what} aborted`, { cause: err });
              throw new AbortError(fenceError as Error);
            }
            if (stop?.aborted) throw stopped();
            const where = { bucket: opts.bucket, endpoint: opts.endpoint };
            // The bucket was there at start (checkBucket): a missing one now vanished while running.
            const explained = bucketVanished(
              err instanceof S3SideError
                ? err // putObjectBody explains its failures
                : explainS3Error(err, where),
              where,
            );
            if (!explained.retriable) {
              throw new AbortError(new SinkError("S3_FATAL", explained.message, { cause: explained }));
            }
            throw explained;
          }
        },
        {
          retries: Number.POSITIVE_INFINITY,
          minTimeout: opts.minBackoffMs ?? 200,
          maxTimeout: opts.maxBackoffMs ?? 5000,
          factor: 2,
          randomize: true,
          ...(signal ? { signal } : {}),
          onFailedAttempt: async ({ error, attemptNumber }) => {
            try {
              await control.onRetry(error as S3SideError, attemptNumber);
            } catch (err) {
              fenceError = err;
              throw err;
            }
          },
        },
      ).catch((err: unknown) => {
        if (fenceError === undefined && stop?.aborted && !control.signal?.aborted) fenceError = stop.reason;
        throw fenceError ?? (err instanceof AbortError ? err.originalError : err);
      });
    };

  const partSize = opts.partSize ?? DEFAULT_PART_SIZE;
  const partsInFlight = opts.partsInFlight ?? DEFAULT_PARTS_IN_FLIGHT;
  const companionEncoding: BodyEncoding = { format: "json", compression: opts.compression };
  /**
   * One file -> one object (its records' `lines`, the value's or a companion's, in `enc`): a PutObject when its body
   * fits one part, else a multipart upload. Every object of a file carries the same params and offset tags (its
   * records are the same). Returns its bytes.
   */
  const putOne = async (
    key: string,
    file: OpenFile,
    body: { lines: string[]; bytes: number; enc: BodyEncoding },
    metadata: Record<string, string>,
    control: UploadControl,
  ) => {
    const attempt = attemptWith(control);
    const writeParams = opts.writeParams ?? {};
    const endOffset = file.endOffset ?? file.startOffset + BigInt(file.lines.length - 1);
    const tags = writeParams.offsetTags ? offsetTags(file.startOffset, endOffset, file.lines.length) : {};
    const params = createParams(writeParams, tags);
    const type = body.enc === encoding ? contentType : contentTypeOf(body.enc);
    const put = async (bytes: Buffer) => {
      await attempt(`upload of ${key}`, (o) =>
        putObjectBody(opts.client, opts.bucket, key, bytes, opts.compression, {
          endpoint: opts.endpoint,
          abortSignal: o.abortSignal,
          metadata,
          contentType: type,
          params,
        }),
      );
    };
    const whole = body.enc.format === "json" && fitsOnePart(body.bytes, partSize);
    const chunks = whole
      ? async function* () {
          yield await encodeObjectBody(body.lines, body.enc);
        }
      : () => encodeObjectBodyChunks(body.lines, body.enc);
    const target = {
      client: opts.client,
      bucket: opts.bucket,
      key,
      partSize,
      partsInFlight,
      contentType: type,
      metadata,
      writeParams,
      createParams: params,
    };
    const done = await uploadBody(target, chunks, attempt, put, () => opts.onPartUploaded?.());
    return done.bytes;
  };

  const companions = opts.companions?.length ? opts.companions : null;
  /** The file's companion objects, in parallel (inside the value's slot of the window); returns their bytes. */
  const putCompanions = async (
    set: FlushSet,
    file: OpenFile,
    metadata: Record<string, string>,
    control: UploadControl,
  ) => {
    const sizes = await Promise.all(
      (companions ?? []).map((view) => {
        const lines = (view === "keys" ? file.keys : file.headers) ?? [];
        if (lines.length !== file.lines.length) {
          throw new SinkError(
            "S3_FATAL",
            `${view} companion of ${keyOf(set, file)} has ${lines.length} lines for ${file.lines.length} records (a bug)`,
          );
        }
        const key = companionObjectKey(partsOf(set, file), view, opts.compression, opts.layout);
        const bytes = lines.reduce((n, l) => n + l.length + 1, 0);
        return putOne(key, file, { lines, bytes, enc: companionEncoding }, metadata, control);
      }),
    );
    return sizes.reduce((n, b) => n + b, 0);
  };

  return {
    keyOf,
    async upload(set, control) {
      // Each body is encoded inside its slot of the window, so at most maxInFlight bodies (or their parts) exist.
      const keys = set.files.map((file) => keyOf(set, file));
      const sizes = await Promise.all(
        set.files.map((file, i) =>
          limit(async () => {
            const metadata = objectMetadata(set.reason, file.lines.length);
            const value = { lines: file.lines, bytes: file.bytes, enc: encoding };
            if (!companions) return putOne(keys[i] as string, file, value, metadata, control);
            // Companions first (README "Exactly once", companion objects): a value object in S3 always has them.
            const stored = await putCompanions(set, file, metadata, control);
            opts.onCompanionsUploaded?.();
            return stored + (await putOne(keys[i] as string, file, value, metadata, control));
          }),
        ),
      );
      return { keys, bytes: sizes.reduce((n, b) => n + b, 0) };
    },
    abortLeftovers: (topic, partition, control) =>
      abortPartitionLeftovers(
        { client: opts.client, bucket: opts.bucket, layout: opts.layout },
        topic,
        partition,
        attemptWith(control),
      ),
  };
}

/**
 * User metadata on every object (`x-amz-meta-weblog-cut-reason`, `x-amz-meta-weblog-records`): why it was cut
 * (flush.size, rotate.interval.ms, rotate.schedule.interval.ms, memory, shutdown) and how many records it holds,
 * so a HeadObject tells (the dashboard shows it) without reading the body. Kafka Connect writes neither.
 */
export function objectMetadata(reason: string, records: number): Record<string, string> {
  return { "weblog-cut-reason": reason, "weblog-records": String(records) };
}
