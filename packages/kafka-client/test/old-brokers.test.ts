import { type KafkaHandle, startKafka, uniqueName } from "@weblog/testkit";
import type { Admin, Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  explicitTopicSpec,
  readBrokerDefaults,
  refusedBrokerDefaults,
  triggerAutoCreate,
} from "../src/admin/old-brokers";
import { ensureTopic } from "../src/admin/topics";
import { createKafka } from "../src/client";
import { loadKafkaSettings } from "../src/settings";

/** The shape kafkajs gives a CreateTopics refusal: an aggregate whose errors carry the broker's error type. */
function createTopicsRefusal(type: string): Error {
  return Object.assign(new Error("Topic creation errors"), {
    name: "KafkaJSAggregateError",
    errors: [Object.assign(new Error(`refused: ${type}`), { type })],
  });
}

/**
 * A real admin whose CreateTopics answers like a given broker would: `refuse(topics)` returns the error to throw,
 * or undefined to let the real broker create the topic.
 */
function adminAnswering(
  admin: Admin,
  refuse: (spec: { numPartitions?: number; replicationFactor?: number }) => Error | undefined,
) {
  const calls: Array<{ numPartitions?: number; replicationFactor?: number }> = [];
  const wrapped: Admin = {
    ...admin,
    createTopics: async (args) => {
      const spec: { numPartitions?: number; replicationFactor?: number } = args.topics[0] ?? {};
      calls.push({ numPartitions: spec.numPartitions, replicationFactor: spec.replicationFactor });
      const err = refuse(spec);
      if (err) throw err;
      return admin.createTopics(args);
    },
  };
  return { admin: wrapped, calls };
}

describe("old-broker fallbacks (pure)", () => {
  it("recognises a pre-2.4 broker's refusal of CreateTopics with -1", () => {
    expect(refusedBrokerDefaults(createTopicsRefusal("INVALID_REPLICATION_FACTOR"))).toBe(true);
    expect(refusedBrokerDefaults(createTopicsRefusal("INVALID_PARTITIONS"))).toBe(true);
    expect(refusedBrokerDefaults({ type: "INVALID_REQUEST" })).toBe(true);
    expect(refusedBrokerDefaults(createTopicsRefusal("TOPIC_AUTHORIZATION_FAILED"))).toBe(false);
    expect(refusedBrokerDefaults(new Error("Connection timeout"))).toBe(false);
    expect(refusedBrokerDefaults(undefined)).toBe(false);
  });

  it("asks for the wanted values, else the broker's defaults with replication capped at the cluster size", () => {
    expect(explicitTopicSpec({}, { partitions: 6, replicationFactor: 3 }, 1)).toEqual({
      numPartitions: 6,
      replicationFactor: 1,
    });
    expect(explicitTopicSpec({ partitions: 2 }, { partitions: 6, replicationFactor: 3 }, 5)).toEqual({
      numPartitions: 2,
      replicationFactor: 3,
    });
    expect(explicitTopicSpec({ replicationFactor: 2 }, { partitions: 1, replicationFactor: 1 }, 3)).toEqual({
      numPartitions: 1,
      replicationFactor: 2,
    });
  });
});

describe("old-broker fallbacks against a real broker", () => {
  let handle: KafkaHandle;
  let kafka: Kafka;
  let admin: Admin;
  const settingsOf = () => loadKafkaSettings({ env: {}, flags: { brokers: handle.bootstrap } });

  beforeAll(async () => {
    handle = await startKafka();
    kafka = createKafka(settingsOf());
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
    await handle?.stop();
  });

  it("reads the broker's num.partitions and default.replication.factor", async () => {
    const { defaults, brokers } = await readBrokerDefaults(admin);
    expect(brokers).toBeGreaterThanOrEqual(1);
    expect(defaults.partitions).toBeGreaterThanOrEqual(1);
    expect(defaults.replicationFactor).toBeGreaterThanOrEqual(1);
  });

  it("triggers auto-creation, which the admin client's own metadata requests never do", async () => {
    const topic = uniqueName("t-auto");
    await expect(admin.fetchTopicMetadata({ topics: [topic] })).rejects.toThrow();
    expect(await admin.listTopics()).not.toContain(topic);
    await triggerAutoCreate(kafka, topic);
    const { defaults } = await readBrokerDefaults(admin);
    let partitions = 0;
    for (let i = 0; i < 50 && partitions === 0; i++) {
      // creation is asynchronous: bounded wait for the partitions to get leaders
      const meta = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
      const parts = meta?.topics[0]?.partitions ?? [];
      if (parts.length > 0 && parts.every((p) => p.leader >= 0)) partitions = parts.length;
      else await new Promise((r) => setTimeout(r, 200));
    }
    expect(partitions).toBe(defaults.partitions);
  });

  it("creates a topic on a broker that refuses -1 (before 2.4) by asking again with explicit values", async () => {
    const topic = uniqueName("t-old");
    const old = adminAnswering(admin, (spec) =>
      spec.replicationFactor === -1 || spec.numPartitions === -1
        ? createTopicsRefusal("INVALID_REPLICATION_FACTOR")
        : undefined,
    );
    const { defaults } = await readBrokerDefaults(admin);
    const r = await ensureTopic(kafka, { topic, admin: old.admin, settings: settingsOf() });
    expect(r.outcome).toBe("created");
    expect(r.partitions).toBe(defaults.partitions);
    expect(r.note).toMatch(
      /^the broker needs explicit values \(before Kafka 2\.4\): asked for \d+ partitions, replication 1$/,
    );
    expect(old.calls).toEqual([
      { numPartitions: -1, replicationFactor: -1 },
      { numPartitions: defaults.partitions, replicationFactor: 1 },
    ]);
  });

  it("falls back to auto-creation when CreateTopics is refused outright", async () => {
    const topic = uniqueName("t-refused");
    const refusing = adminAnswering(admin, () => createTopicsRefusal("CLUSTER_AUTHORIZATION_FAILED"));
    const r = await ensureTopic(kafka, {
      topic,
      partitions: 3,
      admin: refusing.admin,
      settings: settingsOf(),
    });
    const { defaults } = await readBrokerDefaults(admin);
    expect(r.outcome).toBe("auto-created");
    expect(r.partitions).toBe(defaults.partitions);
    expect(r.note).toContain("CreateTopics refused (Topic creation errors)");
    expect(refusing.calls).toHaveLength(1);
  });
});
