import { setMaxListeners } from "node:events";
import type { Logger } from "@weblog/cli";
import pRetry, { AbortError } from "p-retry";
import type { CrashHook } from "./crash-hook";
import { SinkError } from "./errors";
import { isRebalanceError } from "./group";
import type { UploadControl } from "./object-writer";
import type { FlushReason, FlushSet } from "./partition-buffer";
import type { PartitionState } from "./partitions";
import { createRetryLogs } from "./retry-log";
import type { SinkStats } from "./types";

/**
 * The one upload-then-commit (README "Exactly once", rules 2, 3 and 5), used by every path that writes: flush.size,
 * record-time and byte cuts and the buffer cap inside eachBatch, the wall-clock timer, stop, and (commit only) the
 * skipped tail. Per partition (callers hold its lock) a cut *seals* the buffer into a set queued for upload; the
 * queue is uploaded in rounds of at most `perPartition` sets, all in parallel:
 *   1. a round of two or more sets first commits the committed offset C again with the round's cut points in the
 *      commit metadata ("planned cuts", unless the previous commit already carried them);
 *   2. every set of the round is PUT at once (the total over partitions bounded by the object writer);
 *   3. one commit of the offset after the round's last set, carrying the cuts of the sets sealed meanwhile (so the
 *      next round needs no commit of its own before its PUTs).
 * So every object in S3 past the committed offset C starts at C or at a cut committed with C, and a re-read from C
 * (a crash, a rebalance, a failed batch) replays those cuts (`PartitionState.replay`) and rebuilds each object
 * with the same key and the same records. A round of one set is the strict order of rule 3.
 */

/** What the committer needs of S3 (object-writer.ts's ObjectWriter is one; table/table-store.ts another). */
export interface ObjectStore {
  upload(set: FlushSet, control: UploadControl): Promise<{ keys: string[]; bytes: number }>;
  /**
   * The destination makes a set final itself and has Kafka's commit follow (a table: its snapshot, after `upload`
   * returned): the committer then makes no commit after an upload (nor a planned-cuts one before it), and counts
   * no records written (the destination does, once they are final).
   */
  ownsOffsets?: boolean;
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
  stats: Pick<
    SinkStats,
    "objectsWritten" | "bytesWritten" | "recordsWritten" | "recordsUploaded" | "commits" | "uploadRetries"
  >;
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
  /** Sets of one partition uploaded per round (`weblog.upload.max.in.flight.per.partition`; default 1). */
  perPartition?: number;
  /** Bytes of sets taken by `take` go back to the buffer cap here, once their upload settled (either way). */
  release?: (st: PartitionState, bytes: number) => void;
  /** The running stamp carrying planned cuts (absolute end offsets past `offset`); key-fingerprint.ts. */
  plannedMetadata?: (offset: bigint, ends: readonly bigint[]) => string;
  /** The cuts committed with `st`'s committed offset, as last confirmed by Kafka (partitions.ts `plans`). */
  committedCuts?: (st: PartitionState) => { at: bigint; ends: readonly bigint[] } | undefined;
  /** Remembers the cuts of a confirmed commit. */
  onCutsCommitted?: (st: PartitionState, offset: bigint, ends: readonly bigint[]) => void;
  /** Metrics: one commit (retries included) took `ms`. */
  onCommitted?: (ms: number) => void;
}

export interface Committer {
  /** Commit a pending timer upload, then upload what `st` buffers (and every sealed set), committing after them. */
  flush(st: PartitionState, reason: FlushReason, via: FlushVia): Promise<void>;
  /**
   * A cut inside eachBatch: `st`'s buffer becomes a sealed set; a round starts when none runs. Returns a promise only
   * when the caller must wait (a round's worth is sealed and waiting: the per-partition window is full).
   */
  seal(st: PartitionState, reason: FlushReason, via: FlushVia): Promise<void> | undefined;
  /** Until every sealed set of `st` is uploaded and committed (rejects with the first failure). */
  settle(st: PartitionState, via: FlushVia): Promise<void>;
  /** Waits for `st`'s running round to end, ignoring its outcome (before its state is dropped). */
  quiesce(st: PartitionState): Promise<void>;
  /** The metadata for a commit of `offset` that must keep the cuts still ahead of `st` (undefined: none). */
  metadataAt(st: PartitionState, offset: bigint, extra?: readonly bigint[]): string | undefined;
  /**
   * A commit alone, retried a few times; a rebalance error or a SinkError is rethrown at once. It carries the cuts
   * still ahead of `st` (then `metadata` is not used); `hook: false` skips the crash hook (the generation's stamp).
   */
  commit(
    st: PartitionState,
    offset: bigint,
    commit: CommitFn,
    metadata?: string,
    o?: { extra?: readonly bigint[]; hook?: boolean },
  ): Promise<void>;
}

const noop = () => {};

export function createCommitter(opts: CommitterOptions): Committer {
  const { store, logger, stats } = opts;
  const crash: CrashHook = opts.crash ?? (() => {});
  const now = opts.now ?? Date.now;
  const minDelay = opts.commitMinDelayMs ?? 200;
  const perPartition = Math.max(1, opts.perPartition ?? 1);
  const release = opts.release ?? noop;
  // Every PUT in flight (up to weblog.upload.max.in.flight, each with its SDK and retry listeners) listens to the
  // stop signal: no MaxListenersExceededWarning for a window larger than 10.
  setMaxListeners(0, opts.stopSignal);

  const upload = async (st: PartitionState, set: FlushSet, via: FlushVia) => {
    crash("before-upload");
    const started = now();
    // First failure, then at least once a minute (debug for every attempt): what the partition waits for, named
    // by the error (`what`: a table destination's catalog or snapshot; S3 otherwise).
    const retryLog = createRetryLogs({
      logger,
      now,
      fields: { topic: st.topic, partition: st.partition },
      fallback: "S3 upload",
      message: (what) => `${what} failed; partition paused, retrying with backoff`,
    });
    const signal = via.signal ? AbortSignal.any([via.signal, opts.stopSignal]) : opts.stopSignal;
    if (signal !== opts.stopSignal) setMaxListeners(0, signal);
    const result = await store
      .upload(set, {
        check: via.check,
        signal,
        onRetry: (err, attempt) => {
          stats.uploadRetries += 1;
          opts.pause(st);
          retryLog(err, attempt);
        },
      })
      .finally(() => opts.resume(st));
    stats.objectsWritten += result.keys.length;
    stats.bytesWritten += result.bytes;
    stats.recordsUploaded += set.records;
    if (!store.ownsOffsets) stats.recordsWritten += set.records;
    const done = {
      keys: result.keys,
      records: set.records,
      reason: set.reason,
      ms: now() - started,
      commitOffset: String(set.commitOffset),
    };
    logger.debug(done, "uploaded");
  };

  /** Cut points still ahead of `st` at `offset`: the sealed sets' ends, the replay's, and `extra`. */
  const cutsAhead = (st: PartitionState, offset: bigint, extra: readonly bigint[] = []) => {
    const all = new Set<bigint>([...extra, ...st.sealed.map((s) => s.commitOffset), ...st.replay]);
    return [...all].filter((e) => e > offset).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  };

  const metadataAt: Committer["metadataAt"] = (st, offset, extra) => {
    const cuts = cutsAhead(st, offset, extra);
    return cuts.length > 0 && opts.plannedMetadata ? opts.plannedMetadata(offset, cuts) : undefined;
  };

  /**
   * Every commit keeps the cuts still ahead of the partition (sealed sets, the replay, `extra`) in its metadata, so
   * no commit ever forgets a cut an object in S3 may have been made with; `metadata` (the clean stamp at stop) is
   * used only when no cut is ahead.
   */
  const commit = async (
    st: PartitionState,
    offset: bigint,
    fn: CommitFn,
    metadata?: string,
    o: { extra?: readonly bigint[]; hook?: boolean } = {},
  ) => {
    const started = now();
    const cuts = cutsAhead(st, offset, o.extra);
    const stamp = cuts.length > 0 && opts.plannedMetadata ? opts.plannedMetadata(offset, cuts) : metadata;
    await pRetry(
      async () => {
        try {
          await fn(st.topic, st.partition, offset, stamp);
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
    opts.onCutsCommitted?.(st, offset, cuts);
    if (o.hook !== false) crash("after-commit");
  };

  /** Are the cuts inside `round` (all ends but the last) committed with the committed offset? */
  const planned = (st: PartitionState, round: FlushSet[]) => {
    if (round.length < 2) return true;
    const plan = opts.committedCuts?.(st);
    if (!plan || plan.at !== st.committed) return false;
    return round.slice(0, -1).every((s) => plan.ends.includes(s.commitOffset));
  };

  /** One round: the plan (if needed), every set's PUT at once, one commit after the last. */
  const runRound = async (st: PartitionState, round: FlushSet[], via: FlushVia) => {
    if (st.pendingCommit !== null) await commit(st, st.pendingCommit, via.commit);
    if (via.beforeUpload) await via.beforeUpload();
    const ends = round.map((s) => s.commitOffset);
    if (!store.ownsOffsets && !planned(st, round)) {
      const at = st.committed; // a round of 2+ sets starts at the committed offset (set at the first record read)
      if (at === null) throw new Error("a planned round needs the committed offset");
      await commit(st, at, via.commit, undefined, { extra: ends });
    }
    if (round.length > 1) crash("after-plan-before-upload"); // planned here or by the previous round's commit
    let uploaded = 0;
    const results = await Promise.allSettled(
      round.map(async (set) => {
        await upload(st, set, via);
        if (++uploaded === 1 && round.length > 1) crash("mid-batch-upload");
      }),
    );
    release(
      st,
      round.reduce((n, s) => n + s.bytes, 0),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    crash("after-upload-before-commit");
    if (store.ownsOffsets) return; // the destination commits (a table snapshot) and Kafka follows it
    const last = ends[ends.length - 1] as bigint;
    const metadata = via.metadata;
    if (via.deferred) {
      if (!via.deferred.mayCommit()) return;
      st.pendingCommit = last;
      try {
        await commit(st, last, via.commit, metadata);
      } catch (err) {
        // Left pending: the next batch of this generation (or the stop) commits it; a rejoin re-reads it.
        logger.debug(
          { err: { message: (err as Error).message }, partition: st.key },
          "timer commit deferred",
        );
      }
      return;
    }
    const committing = commit(st, last, via.commit, metadata);
    if (round.length > 1) {
      committing.catch(noop);
      await new Promise<void>((r) => setImmediate(r)); // the OffsetCommit is on its way
      crash("during-batch-commit");
    }
    await committing;
  };

  /** Uploads `st`'s sealed sets, round after round, until none is left. One pump per partition at a time. */
  const pump = (st: PartitionState, via: FlushVia): Promise<void> => {
    if (st.pump) return st.pump;
    const run = async () => {
      try {
        while (st.sealed.length > 0) {
          const round = st.sealed.splice(0, perPartition);
          const r = runRound(st, round, via);
          st.round = r;
          await r;
        }
      } finally {
        st.pump = null;
        st.round = null;
      }
    };
    const p = run();
    p.catch(noop); // observed by settle() / seal(); an unobserved failure is the batch's to recover
    st.pump = p;
    return p;
  };

  const sealInto = (st: PartitionState, reason: FlushReason) => {
    const set = opts.take(st, reason);
    if (set) st.sealed.push(set);
  };

  const settle: Committer["settle"] = async (st, via) => {
    while (st.sealed.length > 0 || st.pump) await pump(st, via);
  };

  return {
    commit,
    metadataAt,
    settle,
    async quiesce(st) {
      while (st.pump) await st.pump.catch(noop);
    },
    seal(st, reason, via) {
      sealInto(st, reason);
      if (st.sealed.length === 0) return undefined;
      const running = st.pump;
      pump(st, via);
      if (!running || st.sealed.length < perPartition) return undefined;
      // The window is full (a round uploading, a round's worth waiting): wait for the running round (a failed one
      // rejects here, into the batch).
      return (async () => {
        while (st.pump && st.sealed.length >= perPartition)
          await Promise.race([st.pump, st.round ?? st.pump]);
      })();
    },
    async flush(st, reason, via) {
      if (st.pendingCommit !== null && st.sealed.length === 0 && !st.pump)
        await commit(st, st.pendingCommit, via.commit);
      sealInto(st, reason);
      if (st.sealed.length === 0 && !st.pump) {
        if (via.restampWhenEmpty && st.committed !== null)
          await commit(st, st.committed, via.commit, via.metadata);
        return;
      }
      await settle(st, via);
    },
  };
}
