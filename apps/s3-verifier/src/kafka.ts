/**
 * Kafka's side of the comparison: per topic the partitions' low/high watermarks and, with a group, the offsets it
 * committed. Topics are looked up first, so a topic missing from the cluster is reported rather than auto-created.
 */

import { randomUUID } from "node:crypto";
import { type Logger, UsageError } from "@weblog/cli";
import { isWeblogError, type WeblogError } from "@weblog/errors";
import {
  connectChecked,
  createKafka,
  explainKafkaError,
  fetchCommittedOffsets,
  fetchWatermarks,
  type KafkaSettings,
  loadKafkaSettings,
} from "@weblog/kafka-client";
import { deadLetterOrigin, headersLine, keyLine } from "@weblog/sink-contract";
import type { KafkaMessage } from "kafkajs";
import type {
  DeadLetters,
  KafkaState,
  KafkaTopicState,
  KafkaValue,
  OffsetRange,
  SkippedOffsets,
} from "./model";
import { recordHash } from "./scan";

export interface KafkaSessionRequest {
  brokers: string;
  group: string | undefined;
  /** Dead-letter topic to read (records carrying `__connect.errors.topic/partition/offset` headers). */
  dlqTopic?: string | undefined;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

/**
 * A connected admin client, opened before the bucket is read (an unreachable or silent broker fails the run in
 * ~10 s, before any object is read), and read from after the listing (commits read after the listing cannot
 * race it). Every read goes through it; `close()` disconnects.
 */
export interface KafkaSession {
  readonly brokers: string[];
  /** Watermarks, the group's committed offsets and (with a DLQ topic) the dead-lettered offsets of `topics`. */
  readState(topics: string[]): Promise<KafkaState>;
  /** Every record value (null for a tombstone) of `topic`'s partitions, from the start up to `ends` (exclusive). */
  readAllValues(
    topic: string,
    ends: ReadonlyMap<number, bigint>,
  ): Promise<Map<number, { offset: bigint; value: string | null }[]>>;
  /** Offsets holding a tombstone (null value) in `[from, to]` of each listed partition of `topic`. */
  readTombstones(topic: string, ranges: ReadonlyMap<number, OffsetRange>): Promise<SkippedOffsets[]>;
  /**
   * The hash of the value Kafka holds at each of `offsets` (per partition of `topic`), reading each partition from
   * its lowest wanted offset to its highest. Bounded (`VALUES_BUDGET_MS`): what was not reached by then is left out
   * (its twins stay unconfirmed), never an error.
   */
  readValues(topic: string, offsets: ReadonlyMap<number, readonly bigint[]>): Promise<KafkaValue[]>;
  /**
   * store.kafka.keys / headers: per partition of `topic`, the companion lines (sink-contract's keyLine /
   * headersLine) of every record in `[from, to]`, by the hash of its value (what an object's record is known by).
   */
  readCompanionLines(topic: string, ranges: ReadonlyMap<number, OffsetRange>): Promise<CompanionLines>;
  close(): Promise<void>;
}

/** Per partition: value hash -> the key / headers lines of the records with that value (twins: several). */
export type CompanionLines = Map<number, Map<string, { key: string | null; headers: string | null }[]>>;

/** Our own errors pass; anything kafkajs threw becomes a one-line KafkaClientError (a run ends with it: exit 2). */
function explained(err: unknown, settings: KafkaSettings): WeblogError {
  return isWeblogError(err) ? err : explainKafkaError(err, settings);
}

/** Validates the broker list (exit 2 naming --brokers) without connecting. */
export function kafkaSettingsOf(brokers: string, env: NodeJS.ProcessEnv = process.env): KafkaSettings {
  try {
    return loadKafkaSettings({ env, flags: { brokers } });
  } catch (err) {
    const e = err as Error;
    throw new UsageError(e.message.startsWith("--brokers") ? e.message : `--brokers: ${e.message}`, {
      cause: err,
    });
  }
}

export async function openKafka(req: KafkaSessionRequest): Promise<KafkaSession> {
  const settings = kafkaSettingsOf(req.brokers, req.env ?? process.env);
  const kafka = createKafka(settings, { logger: req.logger });
  const admin = kafka.admin();
  try {
    await connectChecked(admin, settings, { timeoutMs: 10_000 });
  } catch (err) {
    throw explained(err, settings);
  }
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw explained(err, settings);
    }
  };
  return {
    brokers: settings.brokers,
    readState: (topics) =>
      guarded(async () => {
        const existing = new Set(await admin.listTopics());
        const states: KafkaTopicState[] = [];
        for (const topic of topics) {
          if (!existing.has(topic)) {
            states.push({ topic, exists: false, partitions: [] });
            continue;
          }
          const watermarks = await fetchWatermarks(kafka, topic, { admin });
          const committed = req.group
            ? await fetchCommittedOffsets(kafka, req.group, topic, { admin })
            : null;
          const partitions = [...watermarks]
            .sort(([a], [b]) => a - b)
            .map(([partition, { low, high }]) => ({
              partition,
              low,
              high,
              committed: committed?.get(partition) ?? null,
            }));
          states.push({ topic, exists: true, partitions });
        }
        const state: KafkaState = { brokers: settings.brokers, group: req.group ?? null, topics: states };
        if (req.dlqTopic) {
          state.dlq = existing.has(req.dlqTopic)
            ? await readDeadLetters(kafka, admin, req.dlqTopic, new Set(topics))
            : { topic: req.dlqTopic, exists: false, records: 0, partitions: [] };
        }
        return state;
      }),
    readAllValues: (topic, ends) =>
      guarded(async () => {
        const values = new Map<number, { offset: bigint; value: string | null }[]>();
        await readPartitions(kafka, topic, ends, (partition, message) => {
          const list = values.get(partition) ?? [];
          const value = message.value === null ? null : message.value.toString("utf8");
          list.push({ offset: BigInt(message.offset), value });
          values.set(partition, list);
        });
        return values;
      }),
    readTombstones: (topic, ranges) =>
      guarded(async () => {
        const ends = new Map<number, bigint>();
        for (const [p, r] of ranges) if (r.to >= r.from) ends.set(p, r.to + 1n);
        const found = new Map<number, bigint[]>();
        await readPartitions(kafka, topic, ends, (partition, message) => {
          const offset = BigInt(message.offset);
          const range = ranges.get(partition);
          if (message.value === null && range && offset >= range.from && offset <= range.to) {
            const list = found.get(partition) ?? [];
            list.push(offset);
            found.set(partition, list);
          }
        });
        return [...found].map(([partition, offsets]) => ({ topic, partition, offsets }));
      }),
    readValues: (topic, offsets) =>
      guarded(async () => {
        const wanted = new Map<number, Set<bigint>>();
        const starts = new Map<number, bigint>();
        const ends = new Map<number, bigint>();
        for (const [p, list] of offsets) {
          if (list.length === 0) continue;
          wanted.set(p, new Set(list));
          const sorted = [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          starts.set(p, sorted[0] as bigint);
          ends.set(p, (sorted.at(-1) as bigint) + 1n);
        }
        const out: KafkaValue[] = [];
        await readPartitions(
          kafka,
          topic,
          ends,
          (partition, message) => {
            const offset = BigInt(message.offset);
            if (!wanted.get(partition)?.has(offset)) return;
            const hash = message.value === null ? "null" : recordHash(message.value.toString("utf8"));
            out.push({ topic, partition, offset, hash });
          },
          { starts, timeoutMs: VALUES_BUDGET_MS, partial: true },
        );
        return out;
      }),
    readCompanionLines: (topic, ranges) =>
      guarded(async () => {
        const starts = new Map<number, bigint>();
        const ends = new Map<number, bigint>();
        for (const [p, r] of ranges) {
          if (r.to < r.from) continue;
          starts.set(p, r.from);
          ends.set(p, r.to + 1n);
        }
        const out: CompanionLines = new Map();
        await readPartitions(
          kafka,
          topic,
          ends,
          (partition, message) => {
            const offset = BigInt(message.offset);
            const range = ranges.get(partition);
            if (!range || offset < range.from || offset > range.to) return;
            const hash =
              message.value === null ? recordHash("null") : recordHash(message.value.toString("utf8"));
            const byHash = out.get(partition) ?? new Map();
            const list = byHash.get(hash) ?? [];
            list.push({ key: keyLine(message.key), headers: headersLine(message.headers) });
            byHash.set(hash, list);
            out.set(partition, byHash);
          },
          { starts },
        );
        return out;
      }),
    close: () => admin.disconnect().catch(() => {}),
  };
}

const header = (headers: Record<string, unknown> | undefined, name: string): string | undefined => {
  const v = headers?.[name];
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined || one === null
    ? undefined
    : Buffer.isBuffer(one)
      ? one.toString("utf8")
      : String(one);
};

type KafkaClient = ReturnType<typeof createKafka>;
type Admin = ReturnType<KafkaClient["admin"]>;

/** How long confirming twins may read Kafka before the rest is left unconfirmed. */
export const VALUES_BUDGET_MS = 30_000;

export interface ReadPartitionsOptions {
  /** Where to start each partition (a seek once the consumer runs); default its beginning. */
  starts?: ReadonlyMap<number, bigint>;
  /** Default 60 s. */
  timeoutMs?: number;
  /** At the timeout, return what was read instead of failing. */
  partial?: boolean;
}

/**
 * Reads the listed partitions of `topic` from their start (or `opts.starts`) up to (excluding) `ends` with a
 * throwaway group, calling `each` for every message; the other partitions are not read. Bounded: 60 s.
 */
export async function readPartitions(
  kafka: KafkaClient,
  topic: string,
  ends: ReadonlyMap<number, bigint>,
  each: (partition: number, message: KafkaMessage) => void,
  opts: ReadPartitionsOptions = {},
): Promise<void> {
  const remaining = new Map(ends);
  if (remaining.size === 0) return;
  const consumer = kafka.consumer({ groupId: `s3-verifier-${randomUUID()}`, maxWaitTimeInMs: 500 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? 60_000;
      const timer = setTimeout(
        () =>
          opts.partial
            ? resolve()
            : reject(new Error(`reading topic ${topic} took over ${Math.round(timeoutMs / 1000)} s`)),
        timeoutMs,
      );
      const settle = () => {
        if (remaining.size > 0) return;
        clearTimeout(timer);
        resolve();
      };
      const running = consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const end = remaining.get(batch.partition);
          if (end === undefined) {
            if (!ends.has(batch.partition)) consumer.pause([{ topic, partitions: [batch.partition] }]);
            return;
          }
          for (const message of batch.messages) {
            if (BigInt(message.offset) >= end) break;
            each(batch.partition, message);
          }
          // Done at the end, or once everything up to the high watermark was read (offsets may skip: markers).
          const last = batch.messages.at(-1);
          const reached = last ? BigInt(last.offset) + 1n : BigInt(batch.lastOffset()) + 1n;
          if (reached >= end || reached >= BigInt(batch.highWatermark)) remaining.delete(batch.partition);
          if (!remaining.has(batch.partition)) consumer.pause([{ topic, partitions: [batch.partition] }]);
          settle();
        },
      });
      running.then(
        () => {
          // Batches read before the seek lands are filtered by `each`'s caller; the seek only skips ahead.
          for (const [partition, start] of opts.starts ?? [])
            if (remaining.has(partition)) consumer.seek({ topic, partition, offset: String(start) });
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  } finally {
    await consumer.disconnect().catch(() => {});
  }
}

/**
 * Reads the whole dead-letter topic (up to the high watermarks seen at the start) and returns which offsets of
 * `topics` it holds, per partition.
 */
export async function readDeadLetters(
  kafka: KafkaClient,
  admin: Admin,
  dlqTopic: string,
  topics: ReadonlySet<string>,
): Promise<NonNullable<KafkaState["dlq"]>> {
  const marks = await fetchWatermarks(kafka, dlqTopic, { admin });
  const ends = new Map<number, bigint>();
  for (const [p, { low, high }] of marks) if (high > low) ends.set(p, high);
  const found = new Map<string, DeadLetters>();
  let records = 0;
  await readPartitions(kafka, dlqTopic, ends, (_partition, message) => {
    records += 1;
    const headers = message.headers as Record<string, unknown> | undefined;
    const origin = deadLetterOrigin((name) => header(headers, name));
    if (origin && topics.has(origin.topic)) {
      const id = `${origin.topic}/${origin.partition}`;
      const entry = found.get(id) ?? { topic: origin.topic, partition: origin.partition, offsets: [] };
      entry.offsets.push(origin.offset);
      found.set(id, entry);
    }
  });
  return { topic: dlqTopic, exists: true, records, partitions: [...found.values()] };
}
