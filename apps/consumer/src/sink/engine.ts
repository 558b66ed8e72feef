import type { S3Client } from "@aws-sdk/client-s3";
import type { Logger } from "@weblog/cli";
import { decode, encode } from "@weblog/log-schema";
import { createPartitioner, keyLayoutOf, type S3SideError, type SinkSettings } from "@weblog/s3";
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from "kafkajs";
import type { CrashHook } from "./crash-hook";
import { createDlq, type Dlq } from "./dlq";
import { SinkError } from "./errors";
import { checkAssignment, commitMetadata, keySettingsOf } from "./key-fingerprint";
import { Lock, sleep } from "./lock";
import { createObjectWriter, type ObjectWriter } from "./object-writer";
import { type FlushReason, type FlushSet, PartitionBuffer } from "./partition-buffer";
import { createRejectionLog } from "./rejection-log";

/**
 * The S3 sink: a kafkajs consumer group member that turns each assigned partition's records into objects laid out
 * exactly as Confluent's S3 sink lays them out, and commits a partition's offset only after the objects holding
 * the records before it are in S3. README.md ("Exactly once") gives the argument; the comments here point at it.
 */

export interface SinkStats {
  recordsIn: number;
  recordsWritten: number;
  objectsWritten: number;
  bytesWritten: number;
  dlq: number;
  skipped: number;
  commits: number;
  uploadRetries: number;
  /** Sum over assigned partitions of high watermark - next offset to read. */
  lag: number;
  bufferedBytes: number;
  bufferedRecords: number;
  assigned: number;
  paused: number;
  startedAtMs: number;
}

export interface SinkEngineOptions {
  kafka: Kafka;
  s3: S3Client;
  settings: SinkSettings;
  logger: Logger;
  /** For error messages (never contains credentials). */
  endpoint?: string | undefined;
  /** Connector name for the DLQ headers. */
  connectorName?: string;
  crashHook?: CrashHook;
  /** Connects a kafkajs client (default: `client.connect()`); main passes kafka-client's connectChecked. */
  connect?: (client: { connect(): Promise<void>; disconnect(): Promise<void> }) => Promise<void>;
  /** Period of the wall-clock rotation check (default: an eighth of rotate.schedule.interval.ms, 50..250 ms). */
  tickMs?: number;
  /** Consumer group session timeout (default 30 s; tests shorten it so a killed member leaves sooner). */
  sessionTimeoutMs?: number;
  /** Graceful stop budget (default 8000 ms, so the process exits within 10 s). */
  stopTimeoutMs?: number;
  now?: () => number;
}

export interface SinkEngine {
  /** Connects, joins the group and consumes until `stop()` or a fatal error. Resolves on a clean stop. */
  run(): Promise<void>;
  /** Stop fetching, upload and commit what is buffered, leave the group. Idempotent. */
  stop(): Promise<void>;
  stats(): SinkStats;
}

interface PartitionState {
  key: string;
  topic: string;
  partition: number;
  /** The Default partitioner's encoded partition (`partition=<p>`), computed once. */
  defaultEncoded: string;
  buffer: PartitionBuffer;
  lock: Lock;
  /** Offset uploaded by the wall-clock timer but not yet committed (committed inside the next eachBatch). */
  pendingCommit: bigint | null;
  /** Last offset we committed (or the position we started from): where a re-read starts. */
  committed: bigint | null;
  highWatermark: bigint | null;
  pausedForS3: boolean;
  /** The generation this state's buffer belongs to. */
  generation: number;
}

/** `metadata`: the key-settings stamp (key-fingerprint.ts); the running one unless given. */
type CommitFn = (topic: string, partition: number, offset: bigint, metadata?: string) => Promise<void>;

interface BatchContext {
  commit: CommitFn;
  heartbeat: () => Promise<void>;
  /** True when the upload must be abandoned (consumer no longer owns the batch's partition). */
  fenced: () => boolean;
}

const isRebalanceError = (err: unknown): boolean => {
  const type = (err as { type?: string } | null)?.type;
  const name = (err as { name?: string } | null)?.name;
  return (
    type === "REBALANCE_IN_PROGRESS" ||
    type === "ILLEGAL_GENERATION" ||
    type === "UNKNOWN_MEMBER_ID" ||
    type === "NOT_COORDINATOR_FOR_GROUP" ||
    // Not GROUP_COORDINATOR_NOT_AVAILABLE: kafkajs does not re-join on it, it fetches on from the resolved offset,
    // so treating it as a rebalance would drop the buffer without a re-read. It takes the "anything else" path
    // (drop the buffer, seek to the committed offset), and a commit retries it.
    name === "KafkaJSFetcherRebalanceError"
  );
};

export function createSinkEngine(opts: SinkEngineOptions): SinkEngine {
  const { kafka, settings, logger } = opts;
  const now = opts.now ?? Date.now;
  const crash: CrashHook = opts.crashHook ?? (() => {});
  const partitioner = createPartitioner(settings.partitioner, { directoryDelim: settings.directoryDelim });
  // Per-record work only where the settings need it (hot path, README "Bench"): the Default partitioner's encoded
  // partition is a constant per Kafka partition; a record's time is only needed for rotate.interval.ms.
  const defaultPartitioner = settings.partitioner.kind === "default";
  const needsRecordTime = settings.rotateIntervalMs > 0;
  const writer: ObjectWriter = createObjectWriter({
    client: opts.s3,
    bucket: settings.bucket,
    endpoint: opts.endpoint,
    compression: settings.compression,
    layout: keyLayoutOf(settings),
  });
  const tickMs =
    opts.tickMs ??
    (settings.rotateScheduleIntervalMs > 0
      ? Math.max(50, Math.min(250, Math.floor(settings.rotateScheduleIntervalMs / 8)))
      : 1000);

  const consumer: Consumer = kafka.consumer({
    groupId: settings.groupId,
    sessionTimeout: opts.sessionTimeoutMs ?? 30_000,
    rebalanceTimeout: 60_000,
    heartbeatInterval: Math.max(500, Math.floor((opts.sessionTimeoutMs ?? 30_000) / 10)),
    maxWaitTimeInMs: 500,
    // Fetched-but-unprocessed bytes are outside our buffer cap; keep them modest.
    maxBytesPerPartition: Math.min(
      1024 * 1024,
      Math.max(64 * 1024, Math.floor(settings.bufferMaxBytes / 16)),
    ),
    maxBytes: Math.min(10 * 1024 * 1024, Math.max(256 * 1024, Math.floor(settings.bufferMaxBytes / 4))),
    allowAutoTopicCreation: true,
  });
  const useDlq = settings.errorsTolerance === "all" && Boolean(settings.dlqTopic);
  const producer: Producer | null = useDlq
    ? kafka.producer({ allowAutoTopicCreation: true, idempotent: false })
    : null;
  const dlq: Dlq | null =
    producer && settings.dlqTopic
      ? createDlq({
          producer,
          topic: settings.dlqTopic,
          connectorName: opts.connectorName ?? "weblogs-s3-sink",
        })
      : null;

  const rejections = createRejectionLog({ logger });
  // Every commit carries the key settings that wrote the objects before it (README "Exactly once", key settings);
  // `cleanStamp` only on the commits of a graceful stop, after which nothing more is uploaded.
  const keySettings = keySettingsOf(settings);
  const runningStamp = commitMetadata(keySettings, false);
  const cleanStamp = commitMetadata(keySettings, true);
  const admin = kafka.admin();
  let adminConnected = false;
  /** A commit's partition entry with its stamp (kafkajs passes `metadata` on to OffsetCommit; its types omit it). */
  const stamped = (partition: number, offset: bigint, metadata?: string) => {
    const entry = { partition, offset: offset.toString(), metadata: metadata ?? runningStamp };
    return entry;
  };
  /** Partitions whose start offset this generation already stamped (before its first upload there). */
  const stampedPartitions = new Set<string>();
  /** The current generation's check of its assigned partitions' committed stamps; eachBatch awaits it. */
  let assignmentChecked: Promise<void> = Promise.resolve();
  const states = new Map<string, PartitionState>();
  const assigned = new Set<string>();
  let generation = 0;
  let rebalancing = false;
  let stopping = false;
  /** Aborted when the stop budget runs out: every upload still retrying gives up (its records are re-read). */
  const stopAbort = new AbortController();
  let fatal: Error | null = null;
  let totalBytes = 0;
  let activeBatches = 0;
  const outsideUploads = new Set<AbortController>();
  /** eachBatch's commitOffsetsIfNecessary (one OffsetCommit, current generation, no retry), kept for the timer. */
  let directCommit: EachBatchPayload["commitOffsetsIfNecessary"] | null = null;
  const stats: SinkStats = {
    recordsIn: 0,
    recordsWritten: 0,
    objectsWritten: 0,
    bytesWritten: 0,
    dlq: 0,
    skipped: 0,
    commits: 0,
    uploadRetries: 0,
    lag: 0,
    bufferedBytes: 0,
    bufferedRecords: 0,
    assigned: 0,
    paused: 0,
    startedAtMs: now(),
  };
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  let seeks = 0;
  const seekTo = (to: { topic: string; partition: number; offset: string }) => {
    seeks += 1;
    consumer.seek(to);
  };

  const keyOf = (topic: string, partition: number) => `${topic}|${partition}`;
  const stateOf = (topic: string, partition: number): PartitionState => {
    const key = keyOf(topic, partition);
    let st = states.get(key);
    if (!st) {
      st = {
        key,
        topic,
        partition,
        defaultEncoded: defaultPartitioner
          ? partitioner.encodePartition({
              kafkaPartition: partition,
              record: null,
              kafkaTimestampMs: 0,
              nowMs: 0,
            })
          : "",
        buffer: new PartitionBuffer(topic, partition),
        lock: new Lock(),
        pendingCommit: null,
        committed: null,
        highWatermark: null,
        pausedForS3: false,
        generation,
      };
      states.set(key, st);
    }
    return st;
  };

  /** Drops a partition's buffer (its records will be re-read from the committed offset). */
  const dropBuffer = (st: PartitionState) => {
    totalBytes -= st.buffer.bytes;
    st.buffer.reset();
    st.pendingCommit = null;
    st.committed = null;
    st.generation = generation;
  };

  const fail = (err: Error) => {
    if (fatal) return;
    fatal = err;
    logger.error(
      { err: { message: err.message, code: (err as { code?: string }).code } },
      "sink stopping on a fatal error",
    );
    void shutdown();
  };

  // --- group membership --------------------------------------------------------------------------------------
  // kafkajs re-joins inside its run loop only after every in-progress eachBatch returned, so uploads started
  // inside eachBatch are fenced by kafkajs itself. Uploads started by the wall-clock timer (idle partitions) are
  // aborted here; their commits are refused from here on (guardedCommit).
  consumer.on(consumer.events.REBALANCING, () => {
    rebalancing = true;
    for (const c of outsideUploads) c.abort();
  });
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    generation += 1;
    rebalancing = false;
    for (const c of outsideUploads) c.abort();
    // After a (re)join kafkajs fetches every assigned partition from its committed offset: whatever we buffered
    // (read but not committed) will be read again, so drop it all, including timer-uploaded, uncommitted objects
    // (their keys are re-derived from the committed offset and overwritten).
    for (const st of states.values()) dropBuffer(st);
    assigned.clear();
    const assignment = e.payload.memberAssignment as Record<string, number[]>;
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const p of partitions) assigned.add(keyOf(topic, p));
    }
    for (const key of [...states.keys()]) if (!assigned.has(key)) states.delete(key);
    logger.info({ generation, assignment }, "joined the group");
    stampedPartitions.clear();
    const check = verifyAssignment(new Set(assigned));
    check.catch((err: unknown) => fail(err instanceof Error ? err : new Error(String(err))));
    assignmentChecked = check;
  });
  // kafkajs restarts itself after retriable crashes. Some group errors it deems final (the librdkafka mock answers
  // a SyncGroup racing a member's death with one) are not final for a sink: restart a few times before giving up.
  let restarts: number[] = [];
  consumer.on(consumer.events.CRASH, (e) => {
    const err = e.payload.error;
    rebalancing = true; // no timer uploads until the next GROUP_JOIN
    for (const c of outsideUploads) c.abort();
    if (e.payload.restart) {
      logger.warn({ err: { message: err.message } }, "consumer crashed, kafkajs restarts it");
      return;
    }
    if (stopping) return;
    const t = now();
    restarts = restarts.filter((at) => t - at < 60_000);
    if (restarts.length >= 5) {
      fail(
        new SinkError("KAFKA_FATAL", `Kafka consumer failed 5 times in a minute: ${err.message}`, {
          cause: err,
        }),
      );
      return;
    }
    restarts.push(t);
    logger.warn(
      { err: { message: err.message }, attempt: restarts.length },
      "consumer failed; restarting it",
    );
    void sleep(1000 * restarts.length)
      .then(async () => {
        if (stopping) return;
        await startConsumer();
      })
      .catch((restartErr: unknown) =>
        fail(
          new SinkError("KAFKA_FATAL", `Kafka consumer could not restart: ${(restartErr as Error).message}`, {
            cause: restartErr,
          }),
        ),
      );
  });

  /** Refuses (KEY_SETTINGS_CHANGED, exit 2) partitions last committed uncleanly with other key settings. */
  const verifyAssignment = async (mine: ReadonlySet<string>) => {
    if (mine.size === 0) return;
    if (!adminConnected) {
      await admin.connect();
      adminConnected = true;
    }
    const fetched = await admin.fetchOffsets({ groupId: settings.groupId, topics: settings.topics });
    const committed = fetched.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, metadata: p.metadata })),
    );
    const result = checkAssignment(keySettings, settings.groupId, mine, committed);
    if (result.refusal) throw new SinkError("KEY_SETTINGS_CHANGED", result.refusal, { exitCode: 2 });
    for (const c of result.changedAfterCleanStop)
      logger.info(
        c,
        "key settings changed after a graceful stop: accepted (nothing was uploaded past the commit)",
      );
  };

  // --- upload + commit ----------------------------------------------------------------------------------------
  const pauseForS3 = (st: PartitionState) => {
    if (st.pausedForS3) return;
    st.pausedForS3 = true;
    consumer.pause([{ topic: st.topic, partitions: [st.partition] }]);
  };
  const resumeAfterS3 = (st: PartitionState) => {
    if (!st.pausedForS3) return;
    st.pausedForS3 = false;
    if (!stopping) consumer.resume([{ topic: st.topic, partitions: [st.partition] }]);
  };

  const uploadSet = async (
    st: PartitionState,
    set: FlushSet,
    control: { check: () => Promise<void> | void; signal?: AbortSignal },
  ) => {
    crash("before-upload");
    const started = now();
    let warned = false;
    const signal = control.signal ? AbortSignal.any([control.signal, stopAbort.signal]) : stopAbort.signal;
    const result = await writer
      .upload(set, {
        check: control.check,
        signal,
        onRetry: async (err, attempt) => {
          stats.uploadRetries += 1;
          pauseForS3(st);
          if (!warned || attempt % 10 === 0) {
            warned = true;
            logger.warn(
              {
                topic: st.topic,
                partition: st.partition,
                attempt,
                code: err.code,
                err: { message: err.message },
              },
              "S3 upload failed; partition paused, retrying with backoff",
            );
          }
        },
      })
      .finally(() => resumeAfterS3(st));
    stats.objectsWritten += result.keys.length;
    stats.bytesWritten += result.bytes;
    stats.recordsWritten += set.records;
    logger.debug(
      {
        keys: result.keys,
        records: set.records,
        reason: set.reason,
        ms: now() - started,
        commitOffset: String(set.commitOffset),
      },
      "uploaded",
    );
    crash("after-upload-before-commit");
  };

  /** Commit with a few retries for coordinator hiccups; a rebalance error is rethrown (the batch is abandoned). */
  /**
   * A commit from outside eachBatch (wall-clock timer, stop). It goes through eachBatch's commit function, which
   * sends one OffsetCommit with the group generation of the moment, with no kafkajs retry (a retry could land in a
   * later generation). Refused while a rebalance is under way or once the generation `gen` is over; a member whose
   * generation ended gets ILLEGAL_GENERATION / REBALANCE_IN_PROGRESS from the broker.
   */
  const guardedCommit =
    (gen: number): CommitFn =>
    async (topic, partition, offset, metadata) => {
      const direct = directCommit;
      if (rebalancing || generation !== gen || !direct) {
        throw new SinkError("FENCED", "generation over: commit left to the new owner");
      }
      await direct({ topics: [{ topic, partitions: [stamped(partition, offset, metadata)] }] });
    };

  const commitWith = async (commit: CommitFn, st: PartitionState, offset: bigint, metadata?: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await commit(st.topic, st.partition, offset, metadata);
        break;
      } catch (err) {
        if (isRebalanceError(err) || err instanceof SinkError || attempt >= 5 || stopping) throw err;
        logger.warn({ err: { message: (err as Error).message }, attempt }, "offset commit failed, retrying");
        await sleep(200 * attempt);
      }
    }
    st.committed = offset;
    st.pendingCommit = null;
    stats.commits += 1;
    crash("after-commit");
  };

  /**
   * Inside eachBatch (kafkajs-fenced): commit a pending timer upload first, then upload what is buffered and commit
   * the offset after it. Strictly sequential per partition (README rule 3): the previous object's commit has
   * completed before this upload starts, and this object's commit completes before the next one's upload, so at
   * most one uploaded-but-uncommitted object exists per partition and its key is f(committed offset).
   */
  const flushInBatch = async (st: PartitionState, reason: FlushReason, ctx: BatchContext) => {
    if (st.pendingCommit !== null) await commitWith(ctx.commit, st, st.pendingCommit);
    const set = st.buffer.takeAll(reason);
    if (!set) return;
    totalBytes -= set.bytes;
    if (dlq) await dlq.flush();
    await uploadSet(st, set, {
      check: async () => {
        if (ctx.fenced()) throw new SinkError("FENCED", "partition no longer owned");
        if (st.pausedForS3) await ctx.heartbeat(); // a rebalance during a long outage surfaces here
      },
    });
    await commitWith(ctx.commit, st, set.commitOffset);
  };

  // --- records ------------------------------------------------------------------------------------------------
  const recordTimeOf = (message: KafkaMessage, record: unknown): number => {
    const p = settings.partitioner;
    if (p.kind === "time" && p.timestampExtractor === "RecordField") {
      const raw = (record as Record<string, unknown> | null)?.[p.timestampField];
      const ms = typeof raw === "number" ? raw : typeof raw === "string" ? Date.parse(raw) : Number.NaN;
      if (Number.isFinite(ms)) return ms;
    }
    return Number(message.timestamp);
  };

  const reject = async (
    st: PartitionState,
    message: KafkaMessage,
    reason: string,
    text: string,
    ctx: BatchContext,
    issues?: { field: string; reason: string }[],
  ) => {
    const offset = BigInt(message.offset);
    if (settings.errorsTolerance === "all" && dlq) {
      dlq.add({
        topic: st.topic,
        partition: st.partition,
        offset: message.offset,
        key: message.key,
        value: message.value,
        headers: message.headers,
        reason,
        message: text,
        issues,
      });
      stats.dlq += 1;
      rejections.rejected({
        topic: st.topic,
        partition: st.partition,
        offset: message.offset,
        reason,
        issues,
        destination: "dlq",
      });
      st.buffer.skip(offset);
      return;
    }
    // errors.tolerance=none: upload + commit everything before the bad record, then stop; nothing past it is
    // committed, so the record is read again on the next start.
    await flushInBatch(st, "shutdown", ctx);
    throw new SinkError(
      "BAD_RECORD",
      `bad record at ${st.topic}/${st.partition}@${message.offset} (${reason}: ${text}); the sink stopped with errors.tolerance=none and committed nothing past it. Fix or skip the record, or run with --errors-tolerance all to send such records to the DLQ topic`,
    );
  };

  /**
   * One record. Synchronous on the common path (decode, place, buffer); returns a promise only when it has to
   * upload (a cut) or hand a record to the DLQ / stop, so a batch of thousands costs no await per record.
   */
  const handleMessage = (
    st: PartitionState,
    message: KafkaMessage,
    offset: bigint,
    ctx: BatchContext,
  ): Promise<void> | undefined => {
    stats.recordsIn += 1;
    let line: string;
    let record: unknown;
    /** Bytes of `line` + "\n" when already known (else -1: the buffer measures it). */
    let size = -1;
    if (message.value === null) {
      if (settings.behaviorOnNullValues === "ignore") {
        stats.skipped += 1;
        st.buffer.skip(offset);
        return undefined;
      }
      if (settings.behaviorOnNullValues === "fail") {
        return reject(
          st,
          message,
          "NULL_VALUE",
          "tombstone (null value) with behavior.on.null.values=fail",
          ctx,
        );
      }
      line = "null";
      record = null;
    } else {
      const value = message.value;
      const text = value.toString("utf8");
      const decoded = decode(text);
      if (!decoded.ok) {
        return reject(st, message, decoded.error.code, decoded.error.message, ctx, decoded.error.issues);
      }
      record = decoded.record;
      // The value as produced (byte-faithful) unless it spans lines; then our canonical one-line encoding.
      // (memchr on the bytes; the byte length comes with the Buffer instead of a per-record Buffer.byteLength.)
      if (value.indexOf(10) === -1 && value.indexOf(13) === -1) {
        line = text;
        size = value.length + 1;
      } else line = encode(decoded.record);
    }
    const nowMs = now();
    let encodedPartition: string;
    if (defaultPartitioner) encodedPartition = st.defaultEncoded;
    else {
      try {
        encodedPartition = partitioner.encodePartition({
          kafkaPartition: st.partition,
          record,
          kafkaTimestampMs: Number(message.timestamp),
          nowMs,
        });
      } catch (err) {
        return reject(st, message, "PARTITIONER", (err as Error).message, ctx);
      }
    }
    if (needsRecordTime) {
      const recordTimeMs = recordTimeOf(message, record);
      if (st.buffer.recordTimeExceeded(recordTimeMs, settings.rotateIntervalMs)) {
        const sized = size;
        return flushInBatch(st, "rotate.interval.ms", ctx).then(() =>
          appendRecord(st, offset, encodedPartition, line, sized, recordTimeMs, nowMs, ctx),
        );
      }
      return appendRecord(st, offset, encodedPartition, line, size, recordTimeMs, nowMs, ctx);
    }
    return appendRecord(st, offset, encodedPartition, line, size, 0, nowMs, ctx);
  };

  const appendRecord = (
    st: PartitionState,
    offset: bigint,
    encodedPartition: string,
    line: string,
    size: number,
    recordTimeMs: number,
    nowMs: number,
    ctx: BatchContext,
  ): Promise<void> | undefined => {
    const before = st.buffer.bytes;
    const file = st.buffer.append(offset, encodedPartition, line, size, recordTimeMs, nowMs);
    totalBytes += st.buffer.bytes - before;
    if (file.lines.length >= settings.flushSize) return flushInBatch(st, "flush.size", ctx);
    if (totalBytes > settings.bufferMaxBytes) return relieveMemory(st, ctx);
    return undefined;
  };

  /** Buffer cap reached: upload the largest partition we can lock right now (this one if nothing else). */
  const relieveMemory = async (current: PartitionState, ctx: BatchContext) => {
    const candidates = [...states.values()]
      .filter((s) => !s.buffer.isEmpty && (s === current || !s.lock.isHeld))
      .sort((a, b) => b.buffer.bytes - a.buffer.bytes);
    const target = candidates[0];
    if (!target) return;
    logger.debug({ totalBytes, partition: target.key }, "buffer cap reached, flushing the largest partition");
    if (target === current) {
      await flushInBatch(current, "memory", ctx);
      return;
    }
    // Another partition: same generation, still inside an eachBatch, so just as fenced.
    await target.lock.run(async () => {
      if (target.generation !== generation) return;
      await flushInBatch(target, "memory", ctx);
    });
  };

  /**
   * Timer uploads of idle partitions leave their offset uncommitted; any eachBatch of the same generation is as
   * fenced as theirs would be, so it commits them (partitions busy right now are left for later).
   */
  const commitIdleUploads = async (myGeneration: number, ctx: BatchContext) => {
    for (const other of states.values()) {
      if (other.pendingCommit === null || other.lock.isHeld || other.generation !== myGeneration) continue;
      if (generation !== myGeneration || ctx.fenced()) return;
      await other.lock.run(async () => {
        if (other.pendingCommit !== null && other.generation === generation) {
          await commitWith(ctx.commit, other, other.pendingCommit);
        }
      });
    }
  };

  const eachBatch = async (payload: EachBatchPayload) => {
    const { batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary } = payload;
    if (stopping || fatal) return;
    try {
      await assignmentChecked; // nothing is read into a buffer before this generation's stamps were checked
    } catch {
      return; // refused: fail() is stopping the sink
    }
    if (stopping || fatal) return;
    directCommit = commitOffsetsIfNecessary;
    activeBatches += 1;
    const st = stateOf(batch.topic, batch.partition);
    const myGeneration = generation;
    const ctx: BatchContext = {
      heartbeat,
      fenced: () => !isRunning() || isStale() || generation !== myGeneration,
      commit: (topic, partition, offset, metadata) =>
        commitOffsetsIfNecessary({ topics: [{ topic, partitions: [stamped(partition, offset, metadata)] }] }),
    };
    try {
      await st.lock.run(
        async () => {
          if (st.generation !== generation) dropBuffer(st);
          st.highWatermark = BigInt(batch.highWatermark);
          const first = batch.messages[0];
          if (first && !stampedPartitions.has(st.key)) {
            // Before this generation's first upload here, the start offset gets our stamp (unclean): a graceful
            // stop's clean stamp must not outlive a new writer's upload (README "Exactly once", key settings).
            const from = st.committed ?? BigInt(first.offset);
            await ctx.commit(st.topic, st.partition, from);
            st.committed = from;
            stampedPartitions.add(st.key);
          }
          let n = 0;
          let processed: string | null = null;
          try {
            // kafkajs's isStale() costs a Long parse and a map lookup per call, and only turns true after a seek;
            // this consumer is ours alone, so a seek is one of ours (counted in `seeks`): check it then, and
            // every 500 records anyway.
            const seeksAtStart = seeks;
            for (const message of batch.messages) {
              if (stopping || fatal || generation !== myGeneration) break;
              if ((seeks !== seeksAtStart || n % 500 === 0) && (!isRunning() || isStale())) break;
              const offset = BigInt(message.offset);
              if (st.committed === null) st.committed = offset; // where we started reading = the committed offset
              if (st.buffer.nextOffset === null || offset >= st.buffer.nextOffset) {
                const pending = handleMessage(st, message, offset, ctx);
                if (pending) await pending;
              } // else: already processed (redelivery within a generation)
              processed = message.offset;
              if (++n % 1000 === 0) await heartbeat();
            }
          } finally {
            // The fetch position: after the last record we processed (resolved once per batch, it is cheaper).
            if (processed !== null && generation === myGeneration) resolveOffset(processed);
          }
          if (dlq) await dlq.flush();
          if (stopping && !fatal) await flushInBatch(st, "shutdown", ctx);
        },
        { whileWaiting: heartbeat },
      );
      await commitIdleUploads(myGeneration, ctx);
    } catch (err) {
      if (err instanceof SinkError && err.code !== "FENCED") {
        fail(err);
        return;
      }
      if (isRebalanceError(err)) {
        // kafkajs re-joins; GROUP_JOIN drops the buffers and the new owner reads from the committed offset.
        dropBuffer(st);
        throw err;
      }
      if (err instanceof SinkError && err.code === "FENCED") {
        // Stopping, or this generation is over: what was buffered is read again from the committed offset.
        if (generation === myGeneration && !stopping && st.committed !== null) {
          const from = st.committed;
          dropBuffer(st);
          seekTo({ topic: st.topic, partition: st.partition, offset: from.toString() });
        } else if (generation === myGeneration) dropBuffer(st);
        return;
      }
      // Anything else (commit kept failing, DLQ produce failed): forget what is buffered and re-read from the
      // last committed offset, so nothing is lost and nothing is written twice.
      logger.warn(
        { err: { message: (err as Error).message }, partition: st.key },
        "batch failed; re-reading from the committed offset",
      );
      const from = st.committed;
      dropBuffer(st);
      if (from !== null) seekTo({ topic: st.topic, partition: st.partition, offset: from.toString() });
      await sleep(500);
    } finally {
      activeBatches -= 1;
    }
  };

  // --- wall-clock rotation (idle partitions too) ---------------------------------------------------------------
  const gauges = () => {
    let lag = 0;
    let bytes = 0;
    let records = 0;
    let paused = 0;
    for (const st of states.values()) {
      if (st.highWatermark !== null && st.buffer.nextOffset !== null)
        lag += Number(st.highWatermark - st.buffer.nextOffset);
      bytes += st.buffer.bytes;
      records += st.buffer.records;
      if (st.pausedForS3) paused += 1;
    }
    stats.lag = lag;
    stats.bufferedBytes = bytes;
    stats.bufferedRecords = records;
    stats.paused = paused;
    stats.assigned = assigned.size;
    stats.dlq = Math.max(stats.dlq, 0);
  };

  const tick = () => {
    if (stopping || rebalancing || fatal) return;
    const t = now();
    for (const st of states.values()) {
      if (st.lock.isHeld || st.pendingCommit !== null) continue;
      if (hasSkippedTail(st)) void commitSkippedTail(st);
      if (!st.buffer.wallClockExceeded(t, settings.rotateScheduleIntervalMs)) continue;
      void flushIdle(st);
    }
  };

  /**
   * Nothing buffered, but records past the committed offset were processed without an object (sent to the DLQ,
   * ignored tombstones): a partition whose last records are bad. No upload will ever carry their offset, so commit
   * it here, or the group lag never reaches 0 and every restart sends them to the DLQ again.
   */
  const hasSkippedTail = (st: PartitionState) =>
    st.buffer.isEmpty &&
    st.buffer.nextOffset !== null &&
    st.committed !== null &&
    st.buffer.nextOffset > st.committed;

  const commitSkippedTail = (st: PartitionState) =>
    st.lock
      .run(async () => {
        const gen = generation;
        if (rebalancing || stopping || st.generation !== gen || st.pendingCommit !== null) return;
        if (!hasSkippedTail(st) || st.buffer.nextOffset === null) return;
        const offset = st.buffer.nextOffset;
        if (dlq) await dlq.flush(); // the skipped records' letters are acknowledged before their offset is committed
        await commitWith(guardedCommit(gen), st, offset);
      })
      .catch((err: unknown) => {
        // Refused (rebalance) or failed: tried again on a later tick, or re-read after a rejoin.
        logger.debug(
          { err: { message: (err as Error).message }, partition: st.key },
          "skipped-tail commit deferred",
        );
      });

  /**
   * An upload outside eachBatch (wall-clock timer, stop): kafkajs does not fence it, so it is abortable (a
   * rebalance aborts every one in `outsideUploads`) and checks before each attempt that its generation still holds.
   */
  const uploadOutside = async (st: PartitionState, set: FlushSet, gen: number, fencedReason: string) => {
    const abort = new AbortController();
    outsideUploads.add(abort);
    try {
      await uploadSet(st, set, {
        signal: abort.signal,
        check: () => {
          if (rebalancing || generation !== gen || abort.signal.aborted)
            throw new SinkError("FENCED", fencedReason);
        },
      });
    } finally {
      outsideUploads.delete(abort);
    }
  };

  /** Timer path: upload, then a guarded commit (if refused, the next eachBatch of this generation or stop() commits). */
  const flushIdle = (st: PartitionState) =>
    st.lock
      .run(async () => {
        const gen = generation;
        if (rebalancing || stopping || st.generation !== gen || st.pendingCommit !== null) return;
        if (!st.buffer.wallClockExceeded(now(), settings.rotateScheduleIntervalMs)) return;
        const set = st.buffer.takeAll("rotate.schedule.interval.ms");
        if (!set) return;
        totalBytes -= set.bytes;
        await uploadOutside(st, set, gen, "rebalance: timer upload abandoned");
        if (generation !== gen || rebalancing) return;
        st.pendingCommit = set.commitOffset;
        try {
          await commitWith(guardedCommit(gen), st, set.commitOffset);
        } catch (err) {
          // Left pending: the next batch of this generation (or the stop) commits it; a rejoin re-reads it.
          logger.debug(
            { err: { message: (err as Error).message }, partition: st.key },
            "timer commit deferred",
          );
        }
      })
      .catch((err: unknown) => {
        if (err instanceof SinkError && err.code === "S3_FATAL") return fail(err);
        // Fenced or failed: the records are re-read from the committed offset after the rejoin / seek.
        logger.debug(
          { err: { message: (err as Error).message }, partition: st.key },
          "timer upload abandoned",
        );
        if (generation === st.generation && st.committed !== null && !rebalancing) {
          const from = st.committed;
          dropBuffer(st);
          seekTo({ topic: st.topic, partition: st.partition, offset: from.toString() });
        }
      });

  // --- stop ---------------------------------------------------------------------------------------------------
  let shutdownPromise: Promise<void> | null = null;
  const shutdown = (): Promise<void> => {
    shutdownPromise ??= (async () => {
      stopping = true;
      clearInterval(timer);
      const deadline = now() + (opts.stopTimeoutMs ?? 8000);
      try {
        consumer.pause(settings.topics.map((topic) => ({ topic })));
      } catch {
        // not running yet
      }
      while (activeBatches > 0 && now() < deadline) await sleep(20);
      if (activeBatches > 0) stopAbort.abort();
      if (!fatal) {
        const drain = drainOutside().catch((err: unknown) => {
          logger.warn(
            { err: { message: (err as Error).message } },
            "could not upload everything buffered at stop; it will be read again on the next start",
          );
        });
        const timeout = sleep(Math.max(0, deadline - now())).then(() => {
          stopAbort.abort();
          logger.warn("stop timed out; what was not uploaded will be read again on the next start");
        });
        await Promise.race([drain, timeout]);
      }
      await Promise.race([consumer.disconnect().catch(() => {}), sleep(1500)]);
      if (producer) await Promise.race([producer.disconnect().catch(() => {}), sleep(500)]);
      if (adminConnected) await Promise.race([admin.disconnect().catch(() => {}), sleep(500)]);
      rejections.close();
      resolveDone();
    })();
    return shutdownPromise;
  };

  /** At stop: upload partitions still holding records (idle ones), then commit, while still a group member. */
  const drainOutside = async () => {
    if (dlq) await dlq.flush();
    const gen = generation;
    const commit = guardedCommit(gen);
    await Promise.all(
      [...states.values()].map((st) =>
        st.lock.run(async () => {
          if (rebalancing || generation !== gen || st.generation !== gen) return;
          // Keep "one uploaded-but-uncommitted object per partition": commit an older timer upload first.
          if (st.pendingCommit !== null) await commitWith(commit, st, st.pendingCommit);
          const set = st.buffer.takeAll("shutdown");
          // The last commit of a graceful stop says so (cleanStamp): nothing is uploaded past it, so the key
          // settings may change before the next start. Sent even when nothing was left to upload.
          if (!set) {
            if (st.committed !== null) await commitWith(commit, st, st.committed, cleanStamp);
            return;
          }
          totalBytes -= set.bytes;
          await uploadOutside(st, set, gen, "rebalance during stop");
          await commitWith(commit, st, set.commitOffset, cleanStamp);
        }),
      ),
    );
  };

  let timer: NodeJS.Timeout | undefined;
  let subscribed = false;

  async function startConsumer(
    connect: (c: { connect(): Promise<void>; disconnect(): Promise<void> }) => Promise<void> = (c) =>
      c.connect(),
  ): Promise<void> {
    await connect(consumer);
    if (!subscribed) {
      for (const topic of settings.topics) await consumer.subscribe({ topic, fromBeginning: true });
      subscribed = true;
    }
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 4,
      eachBatch,
    });
  }

  return {
    async run() {
      const connect = opts.connect ?? ((c) => c.connect());
      if (producer) await connect(producer);
      await startConsumer(connect);
      timer = setInterval(tick, tickMs);
      logger.info(
        {
          group: settings.groupId,
          topics: settings.topics,
          bucket: settings.bucket,
          flushSize: settings.flushSize,
          rotateScheduleIntervalMs: settings.rotateScheduleIntervalMs,
        },
        "sink running",
      );
      await done;
      if (fatal) throw fatal;
    },
    stop: shutdown,
    stats: () => {
      gauges();
      return { ...stats };
    },
  };
}

export type { S3SideError };
