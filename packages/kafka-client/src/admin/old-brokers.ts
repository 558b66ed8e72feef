import type { Admin, Kafka } from "kafkajs";
import { ConfigResourceTypes } from "../kafkajs";

/**
 * CreateTopics that leaves the partition count or the replication factor to the broker (-1, KIP-464) is refused by
 * brokers before 2.4 with one of these error types. Such a refusal is answered by asking again with explicit
 * values, read from the broker's own defaults.
 */
const DEFAULTS_REFUSED = new Set([
  "INVALID_REPLICATION_FACTOR",
  "INVALID_PARTITIONS",
  "INVALID_REQUEST",
  "UNSUPPORTED_VERSION",
]);

type MaybeKafkaError = { type?: string; errors?: Array<{ type?: string }> };

/** Did CreateTopics fail because the broker wants explicit partitions / replication (pre-2.4)? */
export function refusedBrokerDefaults(err: unknown): boolean {
  const e = (err ?? {}) as MaybeKafkaError;
  if (e.type && DEFAULTS_REFUSED.has(e.type)) return true;
  return (e.errors ?? []).some((x) => x.type !== undefined && DEFAULTS_REFUSED.has(x.type));
}

export type BrokerDefaults = { partitions: number; replicationFactor: number };

/**
 * The explicit CreateTopics values for a broker that refuses -1: the wanted ones where given, else the broker's
 * `num.partitions` and `default.replication.factor`, the latter capped at the number of brokers (a one-broker test
 * cluster with default.replication.factor=3 would refuse it otherwise).
 */
export function explicitTopicSpec(
  wanted: { partitions?: number; replicationFactor?: number },
  defaults: BrokerDefaults,
  brokerCount: number,
): { numPartitions: number; replicationFactor: number } {
  return {
    numPartitions: wanted.partitions ?? Math.max(1, defaults.partitions),
    replicationFactor:
      wanted.replicationFactor ?? Math.max(1, Math.min(defaults.replicationFactor, Math.max(1, brokerCount))),
  };
}

/** The cluster's size and one broker's `num.partitions` / `default.replication.factor` (DescribeConfigs). */
export async function readBrokerDefaults(
  admin: Admin,
): Promise<{ defaults: BrokerDefaults; brokers: number }> {
  const cluster = await admin.describeCluster();
  const broker = cluster.brokers[0];
  const defaults: BrokerDefaults = { partitions: 1, replicationFactor: 1 };
  if (broker) {
    const res = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        {
          type: ConfigResourceTypes.BROKER,
          name: String(broker.nodeId),
          configNames: ["num.partitions", "default.replication.factor"],
        },
      ],
    });
    for (const entry of res.resources[0]?.configEntries ?? []) {
      const n = Number(entry.configValue);
      if (!Number.isInteger(n) || n < 1) continue;
      if (entry.configName === "num.partitions") defaults.partitions = n;
      if (entry.configName === "default.replication.factor") defaults.replicationFactor = n;
    }
  }
  return { defaults, brokers: cluster.brokers.length };
}

/**
 * Asks for `topic`'s metadata the way producers and consumers do, with allow_auto_topic_creation=true, so a broker
 * with auto.create.topics.enable creates it. (kafkajs's admin client always sends false, so its metadata requests
 * never trigger creation.) A consumer that subscribes but never runs joins no group and reads nothing.
 */
export async function triggerAutoCreate(kafka: Kafka, topic: string): Promise<void> {
  const consumer = kafka.consumer({
    groupId: `weblog-autocreate-${process.pid}-${Date.now()}`,
    allowAutoTopicCreation: true,
    retry: { retries: 2 },
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic] });
  } catch (err) {
    // the broker answers the request that creates the topic with "not there (yet)": creation is under way
    const type = (err as { type?: string }).type;
    if (type !== "UNKNOWN_TOPIC_OR_PARTITION" && type !== "LEADER_NOT_AVAILABLE") throw err;
  } finally {
    await consumer.disconnect().catch(() => {});
  }
}
