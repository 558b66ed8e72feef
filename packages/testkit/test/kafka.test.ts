import { connect } from "node:net";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KafkaHandle, produceWithKcat, readTopicWithKcat, startKafka, uniqueName } from "../src/index";

function refused(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.split(":");
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    socket.setTimeout(2000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code === "ECONNREFUSED"));
  });
}

describe("startKafka", () => {
  let kafka: KafkaHandle;
  let client: Kafka;

  beforeAll(async () => {
    kafka = await startKafka();
    console.info(`startKafka backend=${kafka.backend} bootstrap=${kafka.bootstrap}`);
    client = new Kafka({ clientId: "testkit-test", brokers: kafka.brokers, logLevel: logLevel.NOTHING });
  });

  afterAll(async () => {
    await kafka?.stop();
  });

  it("gives a bootstrap address kafkajs can produce to, consume from with a group, and commit offsets on", async () => {
    expect(kafka.brokers.length).toBeGreaterThan(0);
    const topic = uniqueName("t");
    const groupId = uniqueName("g");
    // created first: producing into a topic the broker is auto-creating races its leader elections, and kafkajs
    // (idempotence off) can then write a retried batch twice
    const admin0 = client.admin();
    await admin0.connect();
    await admin0.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
    await admin0.disconnect();
    const producer = client.producer();
    await producer.connect();
    const sent = Array.from({ length: 100 }, (_, i) => ({ key: `k${i % 10}`, value: `v${i}` }));
    await producer.send({ topic, acks: -1, messages: sent });
    await producer.disconnect();

    const consumer = client.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: { key: string; value: string; partition: number; offset: string }[] = [];
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          received.push({
            key: message.key?.toString() ?? "",
            value: message.value?.toString() ?? "",
            partition,
            offset: message.offset,
          });
          await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
          if (received.length === sent.length) resolve();
        },
      });
    });
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`consumed ${received.length}/100 within 20 s`)), 20_000),
    );
    await Promise.race([done, timeout]);
    await consumer.disconnect();

    expect(received.map((m) => m.value).sort()).toEqual(sent.map((m) => m.value).sort());
    // same key, same partition
    const partitionOfKey = new Map<string, number>();
    for (const m of received) {
      const p = partitionOfKey.get(m.key) ?? m.partition;
      expect(m.partition).toBe(p);
      partitionOfKey.set(m.key, p);
    }

    const admin = client.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    const perPartition = new Map<number, number>();
    for (const m of received) perPartition.set(m.partition, (perPartition.get(m.partition) ?? 0) + 1);
    const committedTotal = committed?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(committedTotal).toBe(100);
    for (const p of committed?.partitions ?? []) {
      expect(Math.max(0, Number(p.offset))).toBe(perPartition.get(p.partition) ?? 0);
    }

    // an independent client (kcat -C) sees the same records
    const viaKcat = await readTopicWithKcat({
      bootstrap: kafka.bootstrap,
      topic,
      count: 100,
      timeoutMs: 10_000,
    });
    expect(viaKcat).toHaveLength(100);
    const sortKey = (m: { partition: number; offset: number | string }) => `${m.partition}:${m.offset}`;
    expect(viaKcat.map((m) => `${sortKey(m)}=${m.key}/${m.value}`).sort()).toEqual(
      received.map((m) => `${sortKey(m)}=${m.key}/${m.value}`).sort(),
    );
  });

  it("produceWithKcat writes lines (with keys) that readTopicWithKcat reads back; -e ends at the end", async () => {
    const topic = uniqueName("t");
    await produceWithKcat({
      bootstrap: kafka.bootstrap,
      topic,
      lines: ["a\tone", "b\ttwo", "a\tthree"],
      keyDelimiter: "\t",
    });
    const read = await readTopicWithKcat({ bootstrap: kafka.bootstrap, topic, timeoutMs: 10_000 });
    expect(read.map((m) => `${m.key}=${m.value}`).sort()).toEqual(["a=one", "a=three", "b=two"]);
    const partitionsOfA = new Set(read.filter((m) => m.key === "a").map((m) => m.partition));
    expect(partitionsOfA.size).toBe(1);
  });

  it("readTopicWithKcat is bounded by timeoutMs when fewer messages exist than asked", async () => {
    const topic = uniqueName("t");
    await produceWithKcat({ bootstrap: kafka.bootstrap, topic, lines: ["only"] });
    const started = Date.now();
    const read = await readTopicWithKcat({ bootstrap: kafka.bootstrap, topic, count: 5, timeoutMs: 1500 });
    expect(read.map((m) => m.value)).toEqual(["only"]);
    expect(read[0]?.key).toBeNull();
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it("is a real broker: CreateTopics honours the partition count and refuses a second create", async () => {
    const admin = client.admin();
    await admin.connect();
    try {
      const explicit = uniqueName("t");
      expect(
        await admin.createTopics({ topics: [{ topic: explicit, numPartitions: 3 }], waitForLeaders: true }),
      ).toBe(true);
      const meta = await admin.fetchTopicMetadata({ topics: [explicit] });
      expect(meta.topics[0]?.partitions).toHaveLength(3);
      // a second create of the same topic is refused by the broker, not silently accepted
      expect(await admin.createTopics({ topics: [{ topic: explicit, numPartitions: 3 }] })).toBe(false);
    } finally {
      await admin.disconnect();
    }
  });
});

describe("startKafka stop()", () => {
  it("frees the brokers: connections are refused afterwards", async () => {
    const kafka = await startKafka({ dedicated: true });
    expect(await refused(kafka.brokers[0] as string)).toBe(false);
    await kafka.stop();
    for (const b of kafka.brokers) expect(await refused(b)).toBe(true);
    await kafka.stop(); // idempotent
  });
});
