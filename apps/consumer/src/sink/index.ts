import { writeParamsOf } from "@weblog/s3";
import { createPartitioner, keyLayoutOf } from "@weblog/sink-contract";
import type { EachBatchPayload, Producer } from "kafkajs";
import { createBatchHandler } from "./batch";
import { createCommitter } from "./committer";
import { consumerConfigOf, tickMsOf } from "./config";
import type { CrashHook } from "./crash-hook";
import type { Destination } from "./destination";
import { createDlq, type Dlq } from "./dlq";
import { probeDlqTopic } from "./dlq-failure";
import { SinkError } from "./errors";
import { createGroupFence, createRestartPolicy } from "./group";
import { createLagPoller } from "./lag";
import { createLeftoverCleaner } from "./leftovers";
import { sleep } from "./lock";
import { createObjectWriter } from "./object-writer";
import { createOutsideWriter } from "./outside";
import { type PartitionState, Partitions } from "./partitions";
import { createRecordPolicy } from "./records";
import { createRejectionLog } from "./rejection-log";
import { createRotation } from "./rotation";
import { createLifecycle, within } from "./shutdown";
import { createStamps } from "./stamps";
import { createTableStore } from "./table/table-store";
import { type SinkEngine, type SinkEngineOptions, type SinkStats, zeroStats } from "./types";

export type { SinkEngine, SinkEngineOptions, SinkStats } from "./types";

/**
 * The S3 sink: a kafkajs consumer group member that turns each assigned partition's records into objects laid out
 * exactly as Confluent's S3 sink lays them out, and commits a partition's offset only after the objects holding
 * the records before it are in S3. README.md ("Exactly once", "Data path") gives the argument and the files; this
 * file only wires the parts together.
 */

export function createSinkEngine(opts: SinkEngineOptions): SinkEngine {
  const { kafka, settings, logger } = opts;
  const now = opts.now ?? Date.now;
  const crash: CrashHook = opts.crashHook ?? (() => {});
  const partitioner = createPartitioner(settings.partitioner, {
    directoryDelim: settings.directoryDelim,
    timezone: settings.timezone,
  });
  const encodeDefault =
    settings.partitioner.kind === "default"
      ? (p: number) =>
          partitioner.encodePartition({ kafkaPartition: p, record: null, kafkaTimestampMs: 0, nowMs: 0 })
      : null;

  const consumer = kafka.consumer(consumerConfigOf(settings, opts.sessionTimeoutMs));
  const useDlq = settings.errorsTolerance === "all" && Boolean(settings.dlqTopic);
  const producer: Producer | null = useDlq
    ? kafka.producer({ allowAutoTopicCreation: true, idempotent: false })
    : null;
  const hooks = opts.metrics;
  const rejections = createRejectionLog({ logger });
  const dlqTopic = settings.dlqTopic;
  const dlq: Dlq | null =
    producer && dlqTopic
      ? createDlq({
          producer,
          topic: dlqTopic,
          connectorName: opts.connectorName ?? "weblogs-s3-sink",
          // "record rejected ... sent to the dead-letter topic" only once the broker acknowledged the letter.
          onSent: (sent) => {
            hooks?.dlqSent(sent);
            for (const l of sent) {
              const { topic, partition, offset, reason, issues } = l;
              rejections.rejected({ topic, partition, offset, reason, issues, destination: "dlq" });
            }
          },
          probe: () => probeDlqTopic(kafka.admin(), dlqTopic),
        })
      : null;
  const fence = createGroupFence();
  const parts = new Partitions(fence, encodeDefault);
  const stamps = createStamps({ admin: kafka.admin(), settings, logger, plans: parts.plans });
  const stats: SinkStats = zeroStats(now());

  const rotation = createRotation(settings);
  const lagIntervalMs = opts.lagIntervalMs ?? 2000;
  /** The broker counts as gone once three polls in a row (at least 6 s) went unanswered. */
  const brokerStaleMs = Math.max(6000, 3 * lagIntervalMs);
  const lag = createLagPoller({
    admin: kafka.admin(),
    now,
    groupId: settings.groupId,
    topics: settings.topics,
    logger,
    intervalMs: lagIntervalMs,
    joined: () => parts.assigned.size > 0,
    positionOf(topic, partition) {
      const key = Partitions.keyOf(topic, partition);
      if (!parts.assigned.has(key)) return null;
      const st = parts.states.get(key);
      return { position: st?.buffer.nextOffset ?? st?.committed ?? null };
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const life = createLifecycle({
    logger,
    now,
    stopTimeoutMs: opts.stopTimeoutMs,
    steps: {
      halt() {
        clearInterval(timer);
        try {
          consumer.pause(settings.topics.map((topic) => ({ topic })));
        } catch {
          // not running yet
        }
      },
      drain: () => outside.drain(),
      async close() {
        await within(consumer.disconnect(), 1500);
        if (producer) await within(producer.disconnect(), 500);
        await within(stamps.disconnect(), 500);
        await within(lag.stop(), 500);
        rejections.close();
      },
    },
  });

  const writer = createObjectWriter({
    client: opts.s3,
    bucket: settings.bucket,
    endpoint: opts.endpoint,
    compression: settings.compression,
    parquet: settings.format === "parquet" ? settings.parquetCodec : undefined,
    layout: keyLayoutOf(settings),
    maxInFlight: settings.uploadMaxInFlight,
    partsInFlight: settings.uploadPartsMaxInFlight,
    partSize: settings.partSize,
    writeParams: writeParamsOf(settings),
    onPartUploaded: () => crash("mid-multipart-upload"),
    companions: [
      ...(settings.storeKafkaKeys ? (["keys"] as const) : []),
      ...(settings.storeKafkaHeaders ? (["headers"] as const) : []),
    ],
    onCompanionsUploaded: () => crash("after-companions"),
    onNoSuchUpload(what) {
      stats.noSuchUpload += 1;
      logger.warn(
        { request: what },
        "S3 answered NoSuchUpload: a multipart upload of ours was aborted under us",
      );
    },
  });
  // Where the output goes (destination.ts): objects through Kafka offsets, or an Iceberg table's snapshots.
  const table =
    settings.format === "iceberg"
      ? createTableStore({
          settings,
          client: opts.s3,
          endpoint: opts.endpoint,
          logger,
          crash,
          isStopping: () => life.stopping,
        })
      : null;
  const destination: Destination = table
    ? { store: table, abortLeftovers: async () => 0, resumeAt: table.resumeAt }
    : {
        store: writer,
        abortLeftovers: (topic, partition, control) => writer.abortLeftovers(topic, partition, control),
      };
  // Per partition, once this member holds it and before its first upload there (batch.ts): leftovers.ts.
  const cleanLeftovers = createLeftoverCleaner({
    abort: destination.abortLeftovers,
    logger,
    onAborted: (n) => {
      stats.leftoversAborted += n;
    },
  });
  const committer = createCommitter({
    store: hooks ? hooks.wrapStore(destination.store) : destination.store,
    ...(hooks ? { onCommitted: (ms: number) => hooks.committed(ms) } : {}),
    perPartition: settings.uploadMaxInFlightPerPartition,
    release: (_st, bytes) => parts.release(bytes),
    plannedMetadata: (offset, ends) => stamps.planned(offset, ends),
    committedCuts: (st) => parts.plans.get(st.key),
    onCutsCommitted(st, offset, ends) {
      if (ends.length > 0) parts.plans.set(st.key, { at: offset, ends: [...ends] });
      else parts.plans.delete(st.key);
    },
    logger,
    stats,
    crash,
    now,
    take(st, reason) {
      const set = parts.take(st, reason);
      hooks?.taken(st.key, set);
      return set;
    },
    stopSignal: life.stopSignal,
    isStopping: () => life.stopping,
    pause(st: PartitionState) {
      if (st.pausedForS3) return;
      st.pausedForS3 = true;
      consumer.pause([{ topic: st.topic, partitions: [st.partition] }]);
    },
    resume(st: PartitionState) {
      if (!st.pausedForS3) return;
      st.pausedForS3 = false;
      if (!life.stopping) consumer.resume([{ topic: st.topic, partitions: [st.partition] }]);
    },
  });

  let seeks = 0;
  const seeker = {
    get count() {
      return seeks;
    },
    seek(st: PartitionState, offset: bigint) {
      seeks += 1;
      consumer.seek({ topic: st.topic, partition: st.partition, offset: offset.toString() });
    },
  };
  let directCommit: EachBatchPayload["commitOffsetsIfNecessary"] | null = null;
  const shared = { settings, logger, now, life, fence, parts, committer, rotation, dlq, stamps, seeker };
  const outside = createOutsideWriter({ ...shared, directCommit: () => directCommit });
  const eachBatch = createBatchHandler({
    ...shared,
    stats,
    records: createRecordPolicy(settings, partitioner),
    cleanLeftovers,
    ...(destination.resumeAt ? { resumeAt: destination.resumeAt } : {}),
    ...(hooks ? { hooks } : {}),
    setDirectCommit: (c) => {
      directCommit = c;
    },
  });

  // --- group membership (group.ts): the fence follows kafkajs's events ------------------------------------------
  consumer.on(consumer.events.REBALANCING, () => fence.beginRebalance());
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    const generation = fence.joined();
    const assignment = e.payload.memberAssignment as Record<string, number[]>;
    parts.reassign(assignment);
    logger.info({ generation, assignment }, "joined the group");
    // A join while stopping (another member's leave, after our drain) may find the admin already closed: nothing is
    // written after the drain, so its check failing is no reason to end a graceful stop with an error.
    stamps.joined(parts.assigned, (err) =>
      life.stopping
        ? logger.debug({ err: { message: err.message } }, "key-settings check skipped: stopping")
        : life.fail(err),
    );
  });
  const restarts = createRestartPolicy();
  consumer.on(consumer.events.CRASH, (e) => {
    const err = e.payload.error;
    fence.beginRebalance(); // no timer uploads until the next GROUP_JOIN
    if (e.payload.restart) {
      logger.warn({ err: { message: err.message } }, "consumer crashed, kafkajs restarts it");
      return;
    }
    if (life.stopping) return;
    const next = restarts.next(now());
    if (next.giveUp) {
      const message = `Kafka consumer failed ${next.max} times in a minute: ${err.message}`;
      life.fail(new SinkError("KAFKA_FATAL", message, { cause: err }));
      return;
    }
    logger.warn({ err: { message: err.message }, attempt: next.attempt }, "consumer failed; restarting it");
    void sleep(next.delayMs)
      .then(async () => {
        if (!life.stopping) await startConsumer();
      })
      .catch((restartErr: unknown) => {
        const message = `Kafka consumer could not restart: ${(restartErr as Error).message}`;
        life.fail(new SinkError("KAFKA_FATAL", message, { cause: restartErr }));
      });
  });

  let subscribed = false;
  /** `connect`: how to connect (run passes opts.connect; a restart after a crash connects plainly, as before). */
  async function startConsumer(
    connect: NonNullable<SinkEngineOptions["connect"]> = (c) => c.connect(),
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
      // A stop (SIGTERM) that came while starting has already closed what was open: start nothing after it, or a
      // consumer and the tick timer would outlive the stop and the process would never exit.
      if (!life.stopping) await startConsumer(connect);
      if (life.stopping) {
        await within(consumer.disconnect(), 1500);
        await life.done;
        if (life.fatal) throw life.fatal;
        return;
      }
      lag.start();
      timer = setInterval(() => outside.tick(), opts.tickMs ?? tickMsOf(settings.rotateScheduleIntervalMs));
      const { groupId: group, topics, bucket, flushSize, rotateScheduleIntervalMs } = settings;
      logger.info({ group, topics, bucket, flushSize, rotateScheduleIntervalMs }, "sink running");
      await life.done;
      if (life.fatal) throw life.fatal;
    },
    stop: () => life.stop(),
    stats: () => {
      Object.assign(stats, parts.gauges());
      stats.lag = lag.total() ?? stats.lag; // fresh high watermarks; the fetch responses' until the first poll
      stats.dlq = Math.max(stats.dlq, 0);
      return { ...stats };
    },
    lag: () => lag.partitions,
    joined: () => parts.assigned.size > 0 && !fence.rebalancing && fence.generation > 0,
    brokerAnswering: () => lag.answeredAt !== null && now() - lag.answeredAt <= brokerStaleMs,
  };
}
