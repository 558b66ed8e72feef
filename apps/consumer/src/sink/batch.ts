import type { Logger } from "@weblog/cli";
import type { SinkSettings } from "@weblog/sink-contract";
import type { EachBatchPayload, KafkaMessage } from "kafkajs";
import type { SinkHooks } from "../metrics";
import type { CommitFn, Committer, FlushVia } from "./committer";
import type { Dlq } from "./dlq";
import { SinkError } from "./errors";
import { type GroupFence, isRebalanceError } from "./group";
import type { LeftoverCleaner } from "./leftovers";
import { sleep } from "./lock";
import type { FlushReason } from "./partition-buffer";
import type { PartitionState, Partitions } from "./partitions";
import type { Classified, RecordPolicy } from "./records";
import { createRetryLog } from "./retry-log";
import type { Rotation } from "./rotation";
import type { Lifecycle } from "./shutdown";
import type { Stamps } from "./stamps";
import type { SinkStats } from "./types";

/**
 * eachBatch: the data path inside kafkajs's fence. consume -> classify (records.ts) -> buffer (partitions.ts) ->
 * rotation (rotation.ts) -> committer.ts. kafkajs re-joins only after every eachBatch returned, so what is written
 * here is fenced by kafkajs itself; `ctx.fenced()` notices a generation that ended under a long S3 outage.
 */
export interface BatchDeps {
  settings: SinkSettings;
  logger: Logger;
  now: () => number;
  stats: SinkStats;
  life: Lifecycle;
  fence: GroupFence;
  parts: Partitions;
  committer: Committer;
  records: RecordPolicy;
  rotation: Rotation;
  dlq: Dlq | null;
  stamps: Stamps;
  /** Aborts a partition's incomplete multipart uploads (leftovers.ts), once held and before its first upload. */
  cleanLeftovers: LeftoverCleaner;
  /** Seeks the consumer (counted: a seek is what makes kafkajs's isStale() turn true). */
  seeker: { readonly count: number; seek(st: PartitionState, offset: bigint): void };
  /** eachBatch's commitOffsetsIfNecessary, kept for writes outside eachBatch (outside.ts). */
  setDirectCommit(commit: EachBatchPayload["commitOffsetsIfNecessary"]): void;
  /** A table destination's own offset for a partition (destination.ts): reading resumes there when it is ahead. */
  resumeAt?: (topic: string, partition: number) => Promise<bigint | null>;
  /** Metrics (only with --metrics-port): each buffered record's Kafka timestamp, for end-to-end latency. */
  hooks?: Pick<SinkHooks, "appended">;
}

interface BatchContext {
  commit: CommitFn;
  heartbeat: () => Promise<void>;
  /** True when the upload must be abandoned (consumer no longer owns the batch's partition). */
  fenced: () => boolean;
  /** The committer's FlushVia for a partition written in this batch (the same object for every cut of it). */
  via: (st: PartitionState) => FlushVia;
}

export function createBatchHandler(d: BatchDeps): (payload: EachBatchPayload) => Promise<void> {
  const { settings, stats, life, fence, parts, committer } = d;

  /** Inside eachBatch (kafkajs-fenced): how the committer uploads and commits for `st` (one per batch). */
  const viaOf = (st: PartitionState, ctx: BatchContext): FlushVia => ({
    commit: ctx.commit,
    beforeUpload: d.dlq ? () => (d.dlq as Dlq).flush() : undefined,
    check: async () => {
      if (ctx.fenced()) throw new SinkError("FENCED", "partition no longer owned");
      if (st.pausedForS3) await ctx.heartbeat(); // a rebalance during a long outage surfaces here
    },
  });

  /** Everything `st` holds uploaded and committed before going on (buffer cap, stop, a bad record). */
  const flushInBatch = (st: PartitionState, reason: FlushReason, ctx: BatchContext) =>
    committer.flush(st, reason, ctx.via(st));

  /** A cut: the buffer is sealed and uploaded in the background, a few at a time (committer.ts). */
  const cutInBatch = (st: PartitionState, reason: FlushReason, ctx: BatchContext) =>
    committer.seal(st, reason, ctx.via(st));

  const reject = async (st: PartitionState, message: KafkaMessage, r: Rejected, ctx: BatchContext) => {
    const { reason, text, issues } = r;
    if (settings.errorsTolerance === "all" && d.dlq) {
      const at = { topic: st.topic, partition: st.partition, offset: message.offset };
      d.dlq.add({
        ...at,
        key: message.key,
        value: message.value,
        headers: message.headers,
        reason,
        message: text,
        issues,
      });
      stats.dlq += 1; // logged ("record rejected ... sent to the dead-letter topic") once the broker acknowledged it
      st.buffer.skip(BigInt(message.offset));
      return;
    }
    // errors.tolerance=none: upload + commit everything before the bad record, then stop; nothing past it is
    // committed, so the record is read again on the next start. While replaying planned cuts nothing may be cut
    // off-plan: the stop leaves the committed offset and its cuts as they are.
    if (st.replay.length === 0) await flushInBatch(st, "shutdown", ctx);
    else await committer.settle(st, ctx.via(st));
    throw new SinkError(
      "BAD_RECORD",
      `bad record at ${st.topic}/${st.partition}@${message.offset} (${reason}: ${text}); the sink stopped with errors.tolerance=none and committed nothing past it. Fix or skip the record, or run with --errors-tolerance all to send such records to the DLQ topic`,
    );
  };

  /**
   * One record. Synchronous on the common path (classify, buffer); returns a promise only when it has to upload (a
   * cut) or hand a record to the DLQ / stop, so a batch of thousands costs no await per record.
   */
  const handleMessage = (st: PartitionState, message: KafkaMessage, offset: bigint, ctx: BatchContext) => {
    stats.recordsIn += 1;
    const nowMs = d.now();
    const c = d.records.classify(message, st.partition, st.defaultEncoded, nowMs);
    if (st.replay.length > 0) return replayed(st, message, offset, c, nowMs, ctx);
    if (c.kind === "skip") {
      stats.skipped += 1;
      st.buffer.skip(offset);
      return undefined;
    }
    if (c.kind === "reject") return reject(st, message, c, ctx);
    const before =
      d.rotation.beforeAppend(st.buffer, c.recordTimeMs) ??
      d.rotation.beforeBytes(st.buffer.files.get(c.encodedPartition)?.bytes ?? 0, c.size, c.line);
    d.hooks?.appended(st.key, offset, Number(message.timestamp));
    if (before) {
      const waiting = cutInBatch(st, before, ctx);
      if (waiting) return waiting.then(() => append(st, offset, c, nowMs, ctx));
    }
    return append(st, offset, c, nowMs, ctx);
  };

  /**
   * A record re-read under planned cuts (README "Exactly once", rule 5): processed as always, but the buffer is cut
   * only where the plan says, so every object a crash may have left in S3 is rebuilt with its key and records.
   */
  const replayed = async (
    st: PartitionState,
    message: KafkaMessage,
    offset: bigint,
    c: Classified,
    nowMs: number,
    ctx: BatchContext,
  ) => {
    if (c.kind === "skip") {
      stats.skipped += 1;
      st.buffer.skip(offset);
    } else if (c.kind === "reject") await reject(st, message, c, ctx);
    else parts.append(st, offset, c.encodedPartition, c.line, c.size, c.recordTimeMs, nowMs, c.companion);
    const next = st.replay[0];
    if (next !== undefined && offset + 1n >= next) {
      st.replay.shift();
      await cutInBatch(st, "planned", ctx);
    }
  };

  /** Buffers an accepted record; a promise only when that cuts (flush.size, or the buffer cap over all partitions). */
  const append = (st: PartitionState, offset: bigint, c: Accepted, nowMs: number, ctx: BatchContext) => {
    const file = parts.append(
      st,
      offset,
      c.encodedPartition,
      c.line,
      c.size,
      c.recordTimeMs,
      nowMs,
      c.companion,
    );
    const cut = d.rotation.afterAppend(file.lines.length, parts.totalBytes);
    if (cut === "flush.size") return cutInBatch(st, cut, ctx);
    if (cut === "memory") return relieveMemory(st, ctx);
    return undefined;
  };

  /** Buffer cap reached: upload the largest partition we can lock right now (this one if nothing else). */
  const relieveMemory = async (current: PartitionState, ctx: BatchContext) => {
    const candidates = [...parts.states.values()]
      .filter((s) => !s.buffer.isEmpty && s.replay.length === 0 && (s === current || !s.lock.isHeld))
      .sort((a, b) => b.buffer.bytes - a.buffer.bytes);
    const target = candidates[0];
    if (!target) return;
    d.logger.debug(
      { totalBytes: parts.totalBytes, partition: target.key },
      "buffer cap reached, flushing the largest partition",
    );
    if (target === current) return flushInBatch(current, "memory", ctx);
    // Another partition: same generation, still inside an eachBatch, so just as fenced.
    await target.lock.run(async () => {
      if (!parts.isCurrent(target)) return;
      await flushInBatch(target, "memory", ctx);
    });
  };

  /**
   * Timer uploads of idle partitions leave their offset uncommitted; any eachBatch of the same generation is as
   * fenced as theirs would be, so it commits them (partitions busy right now are left for later).
   */
  const commitIdleUploads = async (myGeneration: number, ctx: BatchContext) => {
    for (const other of parts.states.values()) {
      if (other.pendingCommit === null || other.lock.isHeld || other.generation !== myGeneration) continue;
      if (!fence.isCurrent(myGeneration) || ctx.fenced()) return;
      await other.lock.run(async () => {
        if (other.pendingCommit !== null && parts.isCurrent(other)) {
          await committer.commit(other, other.pendingCommit, ctx.commit);
        }
      });
    }
  };

  const consume = async (
    st: PartitionState,
    payload: EachBatchPayload,
    myGeneration: number,
    ctx: BatchContext,
  ) => {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    if (!parts.isCurrent(st)) parts.drop(st);
    st.highWatermark = BigInt(batch.highWatermark);
    const first = batch.messages[0];
    if (first && st.committed === null && d.resumeAt) {
      // (Re)starting this partition: the table's offsets are the truth; Kafka's may lag them (a crash after the
      // table commit, before the Kafka commit). Records the table holds are not read again.
      const at = await d.resumeAt(st.topic, st.partition);
      if (at !== null && at > BigInt(first.offset)) return d.seeker.seek(st, at);
    }
    if (first && st.committed === null) parts.startAt(st, BigInt(first.offset));
    if (first && !d.stamps.isStamped(st.key)) {
      // Before this generation's first upload here, the start offset gets our stamp (unclean): a graceful stop's
      // clean stamp must not outlive a new writer's upload (README "Exactly once", key settings). It keeps the
      // planned cuts a re-read from there must replay.
      const from = st.committed ?? BigInt(first.offset);
      await committer.commit(st, from, ctx.commit, undefined, { hook: false });
      d.stamps.markStamped(st.key);
      // That commit is our claim on the partition (a previous owner's next one fails): its incomplete multipart
      // uploads are now leftovers, whoever made them, and none of ours (README "Exactly once", failure table).
      const retryLog = createRetryLog({
        logger: d.logger,
        now: d.now,
        fields: { topic: st.topic, partition: st.partition },
        message:
          "listing or aborting incomplete multipart uploads failed; the partition waits for S3, retrying with backoff",
      });
      await d.cleanLeftovers(st.topic, st.partition, {
        check: ctx.via(st).check,
        onRetry: (err, attempt) => {
          retryLog(err, attempt);
          return ctx.heartbeat();
        },
      });
    }
    let n = 0;
    let processed: string | null = null;
    try {
      // kafkajs's isStale() costs a Long parse and a map lookup per call, and only turns true after a seek; this
      // consumer is ours alone, so a seek is one of ours (counted by `seeker`): check it then, and every 500 records.
      const seeksAtStart = d.seeker.count;
      for (const message of batch.messages) {
        if (life.halted || !fence.isCurrent(myGeneration)) break;
        if ((d.seeker.count !== seeksAtStart || n % 500 === 0) && (!isRunning() || isStale())) break;
        const offset = BigInt(message.offset);
        if (st.committed === null) parts.startAt(st, offset); // where we started reading = the committed offset
        if (st.buffer.nextOffset === null || offset >= st.buffer.nextOffset) {
          const pending = handleMessage(st, message, offset, ctx);
          if (pending) await pending;
        } // else: already processed (redelivery within a generation)
        processed = message.offset;
        if (++n % 1000 === 0) await heartbeat();
      }
    } finally {
      // The fetch position: after the last record we processed (resolved once per batch, it is cheaper).
      if (processed !== null && fence.isCurrent(myGeneration)) resolveOffset(processed);
    }
    if (d.dlq) await d.dlq.flush();
    await committer.settle(st, ctx.via(st)); // kafkajs re-joins only after this returns: no PUT of ours outlives it
    if (life.stopping && !life.fatal && st.replay.length === 0) await flushInBatch(st, "shutdown", ctx);
  };

  /** After a failed batch: what `st` buffered is forgotten and re-read from the committed offset. */
  const recover = async (st: PartitionState, err: unknown, myGeneration: number) => {
    if (err instanceof SinkError && err.code !== "FENCED") return life.fail(err);
    if (isRebalanceError(err)) {
      // kafkajs re-joins; GROUP_JOIN drops the buffers and the new owner reads from the committed offset.
      parts.drop(st);
      throw err;
    }
    if (err instanceof SinkError) {
      // FENCED: stopping, or this generation is over: what was buffered is read again from the committed offset.
      if (fence.isCurrent(myGeneration) && !life.stopping && st.committed !== null) {
        const from = st.committed;
        parts.drop(st);
        d.seeker.seek(st, from);
      } else if (fence.isCurrent(myGeneration)) parts.drop(st);
      return;
    }
    // Anything else (commit kept failing, DLQ produce failed): forget what is buffered and re-read from the last
    // committed offset, so nothing is lost and nothing is written twice.
    d.logger.warn(
      { err: { message: (err as Error).message }, partition: st.key },
      "batch failed; re-reading from the committed offset",
    );
    const from = st.committed;
    parts.drop(st);
    if (from !== null) d.seeker.seek(st, from);
    await sleep(500);
  };

  return async (payload) => {
    const { batch, heartbeat, isRunning, isStale, commitOffsetsIfNecessary } = payload;
    if (life.halted) return;
    try {
      await d.stamps.checked; // nothing is read into a buffer before this generation's stamps were checked
    } catch {
      return; // refused: the sink is stopping on it
    }
    if (life.halted) return;
    d.setDirectCommit(commitOffsetsIfNecessary);
    life.batchStarted();
    const st = parts.stateOf(batch.topic, batch.partition);
    const myGeneration = fence.generation;
    const vias = new Map<PartitionState, FlushVia>();
    const ctx: BatchContext = {
      via: (s) => {
        let via = vias.get(s);
        if (!via) {
          via = viaOf(s, ctx);
          vias.set(s, via);
        }
        return via;
      },
      heartbeat,
      fenced: () => !isRunning() || isStale() || !fence.isCurrent(myGeneration),
      commit: (topic, partition, offset, metadata) =>
        commitOffsetsIfNecessary({
          topics: [{ topic, partitions: [d.stamps.entry(partition, offset, metadata)] }],
        }),
    };
    try {
      await st.lock.run(() => consume(st, payload, myGeneration, ctx), { whileWaiting: heartbeat });
      await commitIdleUploads(myGeneration, ctx);
    } catch (err) {
      await committer.quiesce(st); // every PUT of this partition settled before its state is dropped
      await recover(st, err, myGeneration);
    } finally {
      life.batchEnded();
    }
  };
}

type Rejected = Extract<Classified, { kind: "reject" }>;
type Accepted = Extract<Classified, { kind: "append" }>;
