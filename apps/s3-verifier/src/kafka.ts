/**
 * Kafka's side of the comparison: per topic the partitions' low/high watermarks and, with a group, the offsets it
 * committed. Topics are looked up first, so a topic missing from the cluster is reported rather than auto-created.
 */

import { randomUUID } from "node:crypto";
import { ExpectedError, type Logger } from "@weblog/cli";
import {
  connectChecked,
  createKafka,
  explainKafkaError,
  fetchCommittedOffsets,
  fetchWatermarks,
  type KafkaSettings,
  loadKafkaSettings,
} from "@weblog/kafka-client";
import type { DeadLetters, KafkaState, KafkaTopicState } from "./model";

export interface KafkaStateRequest {
  brokers: string;
  group: string | undefined;
  topics: string[];
  /** Dead-letter topic to read (records carrying `__connect.errors.topic/partition/offset` headers). */
  dlqTopic?: string | undefined;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

function explained(err: unknown, settings: KafkaSettings): ExpectedError {
  if (err instanceof ExpectedError) return err;
  const e = explainKafkaError(err, settings);
  return new ExpectedError(e.message, { cause: e, exitCode: 2 });
}

export async function readKafkaState(req: KafkaStateRequest): Promise<KafkaState> {
  let settings: KafkaSettings;
  try {
    settings = loadKafkaSettings({ env: req.env ?? process.env, flags: { brokers: req.brokers } });
  } catch (err) {
    const e = err as Error & { exitCode?: number };
    throw new ExpectedError(`--brokers: ${e.message}`, { cause: err, exitCode: 2 });
  }
  const kafka = createKafka(settings, { logger: req.logger });
  const admin = kafka.admin();
  try {
    await connectChecked(admin, settings, { timeoutMs: 10_000 });
    const existing = new Set(await admin.listTopics());
    const topics: KafkaTopicState[] = [];
    for (const topic of req.topics) {
      if (!existing.has(topic)) {
        topics.push({ topic, exists: false, partitions: [] });
        continue;
      }
      const watermarks = await fetchWatermarks(kafka, topic, { admin });
      const committed = req.group ? await fetchCommittedOffsets(kafka, req.group, topic, { admin }) : null;
      const partitions = [...watermarks]
        .sort(([a], [b]) => a - b)
        .map(([partition, { low, high }]) => ({
          partition,
          low,
          high,
          committed: committed?.get(partition) ?? null,
        }));
      topics.push({ topic, exists: true, partitions });
    }
    const state: KafkaState = { brokers: settings.brokers, group: req.group ?? null, topics };
    if (req.dlqTopic) {
      state.dlq = existing.has(req.dlqTopic)
        ? await readDeadLetters(kafka, admin, req.dlqTopic, new Set(req.topics))
        : { topic: req.dlqTopic, exists: false, records: 0, partitions: [] };
    }
    return state;
  } catch (err) {
    throw explained(err, settings);
  } finally {
    await admin.disconnect().catch(() => {});
  }
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

/**
 * Reads the whole dead-letter topic (up to the high watermarks seen at the start) with a throwaway group, and
 * returns which offsets of `topics` it holds, per partition. Bounded: 30 s.
 */
export async function readDeadLetters(
  kafka: KafkaClient,
  admin: Admin,
  dlqTopic: string,
  topics: ReadonlySet<string>,
): Promise<NonNullable<KafkaState["dlq"]>> {
  const marks = await fetchWatermarks(kafka, dlqTopic, { admin });
  const remaining = new Map<number, bigint>();
  for (const [p, { low, high }] of marks) if (high > low) remaining.set(p, high);
  const found = new Map<string, DeadLetters>();
  let records = 0;
  if (remaining.size > 0) {
    const consumer = kafka.consumer({ groupId: `s3-verifier-${randomUUID()}`, maxWaitTimeInMs: 500 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: dlqTopic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`reading the dead-letter topic ${dlqTopic} took over 30 s`)),
          30_000,
        );
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              records += 1;
              const headers = message.headers as Record<string, unknown> | undefined;
              const topic = header(headers, "__connect.errors.topic");
              const p = Number(header(headers, "__connect.errors.partition"));
              const offset = header(headers, "__connect.errors.offset");
              if (topic && topics.has(topic) && Number.isInteger(p) && offset && /^\d+$/.test(offset)) {
                const id = `${topic}/${p}`;
                const entry = found.get(id) ?? { topic, partition: p, offsets: [] };
                entry.offsets.push(BigInt(offset));
                found.set(id, entry);
              }
              const high = remaining.get(partition);
              if (high !== undefined && BigInt(message.offset) + 1n >= high) remaining.delete(partition);
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch((err: unknown) => {
            clearTimeout(timer);
            reject(err);
          });
      });
    } finally {
      await consumer.disconnect().catch(() => {});
    }
  }
  return { topic: dlqTopic, exists: true, records, partitions: [...found.values()] };
}
