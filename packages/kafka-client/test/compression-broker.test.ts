import {
  type KafkaHandle,
  produceWithKcat,
  readTopicWithKcat,
  startKafka,
  uniqueName,
} from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countMessages, fetchWatermarks } from "../src/admin/topics";
import { createKafka } from "../src/client";
import { createBatchingProducer } from "../src/producer/batching-producer";
import { loadKafkaSettings } from "../src/settings";

let handle: KafkaHandle;
beforeAll(async () => {
  handle = await startKafka();
});
afterAll(async () => {
  await handle?.stop();
});

const lines = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `{"n":${i},"tag":"${tag}","pad":"${"x".repeat(50)}"}`);

describe("compression on the broker", () => {
  for (const compression of ["gzip", "snappy"] as const) {
    it(`${compression}: batches sent by the producer are read back by kcat (an independent decoder)`, async () => {
      const settings = loadKafkaSettings({ env: {}, flags: { brokers: handle.bootstrap } });
      const kafka = createKafka(settings);
      const topic = uniqueName(`t-${compression}`);
      const sent = lines(200, compression);
      // maxInFlight 1: with several sends in flight, kafkajs compresses asynchronously and a later batch can reach
      // the partition first (order is then not kept), so the exact-order check needs one send at a time.
      const producer = createBatchingProducer(kafka, {
        topic,
        compression,
        batchSize: 50,
        maxInFlight: 1,
        settings,
      });
      await producer.connect();
      try {
        await producer.send(sent.map((value) => ({ value, partition: 0 })));
        await producer.flush();
      } finally {
        await producer.disconnect();
      }
      expect(countMessages(await fetchWatermarks(kafka, topic))).toBe(200n);
      const got = await readTopicWithKcat({
        bootstrap: handle.bootstrap,
        topic,
        count: 200,
        timeoutMs: 20_000,
      });
      expect(got.map((m) => m.value)).toEqual(sent);
    });
  }

  it("snappy batches written by kcat are decoded by a kafkajs consumer (kafkajs-snappy registered)", async () => {
    const settings = loadKafkaSettings({ env: {}, flags: { brokers: handle.bootstrap } });
    const kafka = createKafka(settings);
    const topic = uniqueName("t-kcat-snappy");
    const sent = lines(100, "kcat");
    await produceWithKcat({
      bootstrap: handle.bootstrap,
      topic,
      lines: sent,
      partition: 0,
      compression: "snappy",
      timeoutMs: 20_000,
    });
    const consumer = kafka.consumer({ groupId: uniqueName("g-snappy"), maxWaitTimeInMs: 500 });
    const got: string[] = [];
    let crash: Error | undefined;
    // A fresh broker may answer the group's first join with GROUP_LOAD_IN_PROGRESS (its offsets topic still
    // loading): kafkajs reports that as a crash it restarts from. A batch it cannot decode is not restarted.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) crash = payload.error;
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          got.push(String(message.value));
        },
      });
      const deadline = Date.now() + 30_000;
      while (got.length < sent.length && !crash && Date.now() < deadline)
        await new Promise((res) => setTimeout(res, 100));
    } finally {
      await consumer.disconnect();
    }
    expect(crash).toBeUndefined();
    expect(got).toEqual(sent);
  });
});
