/**
 * Kafka's side of the comparison: per topic the partitions' low/high watermarks and, with a group, the offsets it
 * committed. Topics are looked up first, so a topic missing from the cluster is reported rather than auto-created.
 */
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
import type { KafkaState, KafkaTopicState } from "./model";

export interface KafkaStateRequest {
  brokers: string;
  group: string | undefined;
  topics: string[];
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
    return { brokers: settings.brokers, group: req.group ?? null, topics };
  } catch (err) {
    throw explained(err, settings);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
