/**
 * The produce client under the batching producer (@platformatic/kafka, engine.ts): it picks the partitions kafkajs
 * (and Java) pick, backs off as kafkajs's retry option says, and what it writes reads back as sent: key, value,
 * headers, a tombstone, bytes that are not UTF-8.
 */
import { compatibilityPartitioner } from "@platformatic/kafka";
import { type KafkaHandle, startKafka, uniqueName, waitFor } from "@weblog/testkit";
import type { KafkaMessage } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureTopic } from "../src/admin/topics";
import { createKafka } from "../src/client";
import { Partitioners } from "../src/kafkajs";
import { createBatchingProducer } from "../src/producer/batching-producer";
import { createPartitioner, retryDelay } from "../src/producer/engine";
import { loadKafkaSettings } from "../src/settings";

describe("engine, pure", () => {
  it("a keyed message goes to the partition kafkajs's DefaultPartitioner picks; unkeyed ones go round robin", () => {
    const ours = createPartitioner(compatibilityPartitioner);
    const theirs = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: 24 }, (_, i) => ({
      partitionId: i,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    }));
    for (let i = 0; i < 2000; i++) {
      const key = `10.${i % 7}.${(i * 31) % 256}.${(i * 17) % 256}`;
      const expected = theirs({ topic: "t", partitionMetadata, message: { key, value: "v" } });
      expect(ours({ topic: "t", value: undefined }, Buffer.from(key)) % 24).toBe(expected);
    }
    const spread = Array.from({ length: 48 }, () => ours({ topic: "t", value: undefined }, undefined) % 24);
    expect(new Set(spread).size).toBe(24);
  });

  it("retry delays double from initialRetryTime up to maxRetryTime, within the jitter factor", () => {
    const delay = retryDelay({ initialRetryTime: 100, maxRetryTime: 3000, factor: 0.2 });
    const bases = [100, 200, 400, 800, 1600, 3000, 3000, 3000];
    for (const [i, base] of bases.entries()) {
      for (let n = 0; n < 20; n++) {
        const d = delay(i + 1);
        expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
        expect(d).toBeLessThanOrEqual(Math.ceil(base * 1.2));
      }
    }
  });
});

describe("engine, against a broker", () => {
  let handle: KafkaHandle;
  beforeAll(async () => {
    handle = await startKafka();
  });
  afterAll(async () => {
    await handle?.stop();
  });

  it("key, value, headers, a tombstone and non-UTF-8 bytes read back as sent, keys on kafkajs's partitions", async () => {
    const settings = loadKafkaSettings({ env: {}, flags: { brokers: handle.bootstrap } });
    const kafka = createKafka(settings);
    const topic = uniqueName("t-engine");
    await ensureTopic(kafka, { topic, partitions: 4, settings });
    const producer = createBatchingProducer(kafka, { topic, settings, lingerMs: 0 });
    await producer.connect();
    const notUtf8 = Buffer.from([0xff, 0xfe, 0x41]);
    try {
      await producer.send([
        { key: "a", value: "one", headers: { source: "test", bin: Buffer.from([1, 2]) } },
        { key: "b", value: null },
        { key: null, value: notUtf8, partition: 3 },
        ...Array.from({ length: 40 }, (_, i) => ({ key: `k-${i}`, value: `v-${i}` })),
      ]);
      await producer.flush();
    } finally {
      await producer.disconnect();
    }
    expect(producer.stats()).toMatchObject({ acked: 43, errors: 0 });

    const got: { partition: number; message: KafkaMessage }[] = [];
    const consumer = kafka.consumer({ groupId: uniqueName("g-engine") });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          got.push({ partition, message });
        },
      });
      await waitFor("43 messages read back", async () => (got.length >= 43 ? true : undefined), 60_000);
    } finally {
      await consumer.disconnect();
    }
    expect(got).toHaveLength(43);
    const byKey = new Map(got.map((g) => [g.message.key?.toString() ?? null, g]));
    const one = byKey.get("a");
    expect(one?.message.value?.toString()).toBe("one");
    expect(one?.message.headers?.source?.toString()).toBe("test");
    expect(one?.message.headers?.bin).toEqual(Buffer.from([1, 2]));
    expect(byKey.get("b")?.message.value).toBeNull();
    const unkeyed = got.find((g) => g.message.key === null);
    expect(unkeyed?.partition).toBe(3);
    expect(unkeyed?.message.value).toEqual(notUtf8);
    const partitionMetadata = Array.from({ length: 4 }, (_, i) => ({
      partitionId: i,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    }));
    const kafkajsPartition = Partitioners.DefaultPartitioner();
    for (const g of got) {
      const key = g.message.key?.toString();
      if (key === undefined) continue;
      expect(g.partition).toBe(kafkajsPartition({ topic, partitionMetadata, message: { key, value: "" } }));
    }
  }, 90_000);
});
