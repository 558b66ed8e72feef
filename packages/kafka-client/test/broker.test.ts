import { type KafkaHandle, readTopicWithKcat, startKafka, uniqueName } from "@weblog/testkit";
import type { Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countMessages, ensureTopic, fetchWatermarks } from "../src/admin/topics";
import { createKafka } from "../src/client";
import { createBatchingProducer } from "../src/producer/batching-producer";
import { type KafkaSettings, loadKafkaSettings } from "../src/settings";

let kafkaHandle: KafkaHandle;
let settings: KafkaSettings;
let kafka: Kafka;

beforeAll(async () => {
  kafkaHandle = await startKafka();
  settings = loadKafkaSettings({ env: {}, flags: { brokers: kafkaHandle.bootstrap } });
  kafka = createKafka(settings);
});

afterAll(async () => {
  await kafkaHandle?.stop();
});

function messages(n: number, from = 0) {
  return Array.from({ length: n }, (_, i) => ({
    value: JSON.stringify({ seq: from + i, ip: `10.0.0.${(from + i) % 7}` }),
  }));
}

describe("ensureTopic", () => {
  it("creates the topic with CreateTopics and then finds it", async () => {
    const topic = uniqueName("t-ensure");
    const first = await ensureTopic(kafka, { topic, partitions: 4, settings });
    expect(first).toEqual({ outcome: "created", partitions: 4 });
    const second = await ensureTopic(kafka, { topic, partitions: 4, settings });
    expect(second).toEqual({ outcome: "exists", partitions: 4 });
  });

  it("says so when the topic has another partition count than wanted", async () => {
    const topic = uniqueName("t-ensure8");
    expect(await ensureTopic(kafka, { topic, partitions: 8, settings })).toEqual({
      outcome: "created",
      partitions: 8,
    });
    const again = await ensureTopic(kafka, { topic, partitions: 2, settings });
    expect(again).toEqual({ outcome: "exists", partitions: 8, note: "wanted 2 partitions, the topic has 8" });
  });

  it("rejects an invalid topic name as BAD_SETTINGS", async () => {
    await expect(ensureTopic(kafka, { topic: "bad topic" })).rejects.toMatchObject({ code: "BAD_SETTINGS" });
  });
});

describe("batching producer", () => {
  const topic = uniqueName("t-batch");
  const total = 20_000;

  it("sends 20k messages with a small in-flight bound; all acked and the broker holds exactly that many", async () => {
    await ensureTopic(kafka, { topic, partitions: 4, settings });
    const maxInFlight = 2;
    const batchSize = 250;
    const producer = createBatchingProducer(kafka, {
      topic,
      maxInFlight,
      batchSize,
      lingerMs: 5,
      settings,
      keyOf: (m) => (JSON.parse(String(m.value)) as { ip: string }).ip,
    });
    await producer.connect();
    let maxSeen = 0;
    let maxUnacked = 0;
    try {
      for (let from = 0; from < total; from += 1000) {
        await producer.send(messages(1000, from));
        const st = producer.stats();
        maxSeen = Math.max(maxSeen, st.inFlight);
        // Backpressure: once send() resolves, at most maxInFlight batches are unacknowledged and < 1 batch queued.
        maxUnacked = Math.max(maxUnacked, st.sent - st.acked - st.errors);
        expect(st.queued).toBeLessThan(batchSize);
      }
      await producer.flush();
      const st = producer.stats();
      expect(st).toMatchObject({ sent: total, acked: total, errors: 0, inFlight: 0, queued: 0 });
      expect(st.bytes).toBeGreaterThan(total * 10);
      expect(st.peakInFlight).toBeLessThanOrEqual(maxInFlight);
      expect(st.peakInFlight).toBeGreaterThanOrEqual(1);
      expect(maxSeen).toBeLessThanOrEqual(maxInFlight);
      expect(maxUnacked).toBeLessThanOrEqual(maxInFlight * batchSize);
    } finally {
      await producer.disconnect();
    }
    const marks = await fetchWatermarks(kafka, topic);
    expect(marks.size).toBe(4);
    expect(countMessages(marks)).toBe(BigInt(total));
  });

  it("keys were set by keyOf (read back by an independent client, kcat)", async () => {
    const got = await readTopicWithKcat({
      bootstrap: kafkaHandle.bootstrap,
      topic,
      count: 50,
      timeoutMs: 20_000,
    });
    expect(got).toHaveLength(50);
    for (const m of got) {
      expect(m.key).toBe((JSON.parse(m.value ?? "null") as { ip: string }).ip);
    }
  });
});
