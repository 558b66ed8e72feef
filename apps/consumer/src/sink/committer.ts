import type { Logger } from "@weblog/cli";
import pRetry, { AbortError } from "p-retry";
import type { CrashHook } from "./crash-hook";
import { SinkError } from "./errors";
import { isRebalanceError } from "./group";
import type { UploadControl } from "./object-writer";
import type { FlushReason, FlushSet } from "./partition-buffer";
import type { PartitionState } from "./partitions";
import type { SinkStats } from "./types";

/**
 * The one upload-then-commit (README "Exactly once", rules 2 and 3), used by every path that writes: flush.size and
 * record-time cuts and the buffer cap inside eachBatch, the wall-clock timer, stop, and (commit only) the skipped
 * tail. Strictly sequential per partition (callers hold its lock): a pending commit is made before the next upload
 * starts, and an object's commit completes before the next one's upload, so at most one uploaded-but-uncommitted
 * object exists per partition and its key is f(committed offset).
 */

/** What the committer needs of S3 (object-writer.ts's ObjectWriter is one). */
export interface ObjectStore {
  upload(set: FlushSet, control: UploadControl): Promise<{ keys: string[]; bytes: number }>;
}

/** One OffsetCommit; `metadata` is the key-settings stamp (key-fingerprint.ts), the running one unless given. */
export type CommitFn = (topic: string, partition: number, offset: bigint, metadata?: string) => Promise<void>;

export interface FlushVia {
  commit: CommitFn;
  /** Called before every upload attempt; throws (SinkError FENCED) when the partition may no longer be written. */
  check: () => Promise<void> | void;
  signal?: AbortSignal;
  /** Stamp of the commit after the upload (the clean one at stop); the running one when absent. */
  metadata?: string;
  /** With nothing buffered, commit the committed offset again with `metadata` (a graceful stop's clean stamp). */
  restampWhenEmpty?: boolean;
  /** Before the upload (the DLQ is flushed, so a skipped record's letter is acknowledged before its offset). */
  beforeUpload?: () => Promise<void>;
  /**
   * Timer path: after the upload, commit only while `mayCommit()`, and a refused commit leaves the offset pending
   * (the next eachBatch of this generation or the stop commits it; a rejoin re-reads it).
   */
  deferred?: { mayCommit: () => boolean };
}

export interface CommitterOptions {
  store: ObjectStore;
  logger: Logger;
  stats: Pick<SinkStats, "objectsWritten" | "bytesWritten" | "recordsWritten" | "commits" | "uploadRetries">;
  take: (st: PartitionState, reason: FlushReason) => FlushSet | null;
  /** A retrying upload pauses its partition's fetches; resumed when the upload ends. */
  pause: (st: PartitionState) => void;
  resume: (st: PartitionState) => void;
  /** Aborted when the stop budget runs out: every upload still retrying gives up (its records are re-read). */
  stopSignal: AbortSignal;
  isStopping: () => boolean;
  crash?: CrashHook;
  now?: () => number;
  /** Commit retries for coordinator hiccups (default 4 retries, 200..800 ms). */
  commitRetries?: number;
  commitMinDelayMs?: number;
  /** Metrics: one commit (retries included) took `ms`. */
  onCommitted?: (ms: number) => void;
}

export interface Committer {
  /** Commit a pending timer upload, then upload what `st` buffers and commit the offset after it. */
  flush(st: PartitionState, reason: FlushReason, via: FlushVia): Promise<void>;
  /** A commit alone, retried a few times; a rebalance error or a SinkError is rethrown at once. */
  commit(st: PartitionState, offset: bigint, commit: CommitFn, metadata?: string): Promise<void>;
}

export function createCommitter(opts: CommitterOptions): Committer {
  const { store, logger, stats } = opts;
  const crash: CrashHook = opts.crash ?? (() => {});
  const now = opts.now ?? Date.now;
  const minDelay = opts.commitMinDelayMs ?? 200;

  const upload = async (st: PartitionState, set: FlushSet, via: FlushVia) => {
    crash("before-upload");
    const started = now();
    let warned = false;
    const signal = via.signal ? AbortSignal.any([via.signal, opts.stopSignal]) : opts.stopSignal;
    const result = await store
      .upload(set, {
        check: via.check,
        signal,
        onRetry: (err, attempt) => {
          stats.uploadRetries += 1;
          opts.pause(st);
          if (!warned || attempt % 10 === 0) {
            warned = true;
            const where = { topic: st.topic, partition: st.partition, attempt, code: err.code };
            logger.warn(
              { ...where, err: { message: err.message } },
              "S3 upload failed; partition paused, retrying with backoff",
            );
          }
        },
      })
      .finally(() => opts.resume(st));
    stats.objectsWritten += result.keys.length;
    stats.bytesWritten += result.bytes;
    stats.recordsWritten += set.records;
    const commitOffset = String(set.commitOffset);
    const done = {
      keys: result.keys,
      records: set.records,
      reason: set.reason,
      ms: now() - started,
      commitOffset,
    };
    logger.debug(done, "uploaded");
    crash("after-upload-before-commit");
  };

  const commit: Committer["commit"] = async (st, offset, fn, metadata) => {
    const started = now();
    await pRetry(
      async () => {
        try {
          await fn(st.topic, st.partition, offset, metadata);
        } catch (err) {
          if (isRebalanceError(err) || err instanceof SinkError || opts.isStopping())
            throw new AbortError(err as Error);
          throw err;
        }
      },
      {
        retries: opts.commitRetries ?? 4,
        minTimeout: minDelay,
        maxTimeout: minDelay * 4,
        factor: 2,
        randomize: false,
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          if (retriesLeft > 0)
            logger.warn(
              { err: { message: error.message }, attempt: attemptNumber },
              "offset commit failed, retrying",
            );
        },
      },
    ); // an AbortError rejects with the error it wraps
    opts.onCommitted?.(now() - started);
    st.committed = offset;
    st.pendingCommit = null;
    stats.commits += 1;
    crash("after-commit");
  };

  return {
    commit,
    async flush(st, reason, via) {
      if (st.pendingCommit !== null) await commit(st, st.pendingCommit, via.commit);
      const set = opts.take(st, reason);
      if (!set) {
        if (via.restampWhenEmpty && st.committed !== null)
          await commit(st, st.committed, via.commit, via.metadata);
        return;
      }
      if (via.beforeUpload) await via.beforeUpload();
      await upload(st, set, via);
      if (!via.deferred) {
        await commit(st, set.commitOffset, via.commit, via.metadata);
        return;
      }
      if (!via.deferred.mayCommit()) return;
      st.pendingCommit = set.commitOffset;
      try {
        await commit(st, set.commitOffset, via.commit, via.metadata);
      } catch (err) {
        // Left pending: the next batch of this generation (or the stop) commits it; a rejoin re-reads it.
        logger.debug(
          { err: { message: (err as Error).message }, partition: st.key },
          "timer commit deferred",
        );
      }
    },
  };
}
