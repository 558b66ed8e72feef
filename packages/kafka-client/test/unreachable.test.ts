import { createServer } from "node:net";
import { exitCodeOf } from "@weblog/cli";
import { describe, expect, it } from "vitest";
import { ensureTopic } from "../src/admin/topics";
import { createKafka } from "../src/client";
import { KafkaClientError } from "../src/errors";
import { connectChecked } from "../src/explain";
import { createBatchingProducer } from "../src/producer/batching-producer";
import { loadKafkaSettings } from "../src/settings";

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("unreachable broker", () => {
  it("connectChecked rejects with BROKER_UNREACHABLE naming the address within 10 s", async () => {
    const port = await closedPort();
    const settings = loadKafkaSettings({ env: {}, flags: { brokers: `127.0.0.1:${port}` } });
    const kafka = createKafka(settings);
    const producer = kafka.producer();
    const started = Date.now();
    const err = await connectChecked(producer, settings).then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(KafkaClientError);
    const e = err as KafkaClientError;
    expect(e.code).toBe("BROKER_UNREACHABLE");
    expect(exitCodeOf(e)).toBe(2);
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(e.message).toContain("docker compose up -d");
    expect(e.message).not.toContain("\n");
    expect(elapsed).toBeLessThan(10_000);
  });

  it("a host name that does not resolve is a DNS error naming it, within 10 s", async () => {
    const settings = loadKafkaSettings({ env: {}, flags: { brokers: "no-such-broker.invalid:9092" } });
    const started = Date.now();
    const err = await connectChecked(createKafka(settings).producer(), settings).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KafkaClientError);
    expect((err as KafkaClientError).code).toBe("DNS");
    expect((err as KafkaClientError).message).toMatch(
      /^Kafka broker host not found: no-such-broker\.invalid:9092 \(DNS lookup failed\): fix the host name in KAFKA_BROKERS/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("a broker address that accepts TCP but never answers hits the outer timeout, explained", async () => {
    const sockets = new Set<import("node:net").Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket); // accept and say nothing
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    try {
      const settings = loadKafkaSettings({ env: {}, flags: { brokers: `127.0.0.1:${address.port}` } });
      const admin = createKafka(settings).admin();
      const started = Date.now();
      const err = await connectChecked(admin, settings, { timeoutMs: 2000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(KafkaClientError);
      expect((err as KafkaClientError).code).toBe("BROKER_UNREACHABLE");
      expect((err as KafkaClientError).message).toBe(
        `Kafka broker unreachable at 127.0.0.1:${address.port} (no answer within 2 s): start it with \`docker compose up -d\` or set KAFKA_BROKERS (--brokers) to a running broker`,
      );
      expect(Date.now() - started).toBeLessThan(6000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("kafkajs's own retry/connection errors are routed to debug: no warn/error spam", async () => {
    const port = await closedPort();
    const settings = loadKafkaSettings({ env: {}, flags: { brokers: `127.0.0.1:${port}` } });
    const calls: Record<string, string[]> = { debug: [], info: [], warn: [], error: [] };
    const logger = {
      debug: (_o: object, m?: string) => void calls.debug?.push(String(m)),
      info: (_o: object, m?: string) => void calls.info?.push(String(m)),
      warn: (_o: object, m?: string) => void calls.warn?.push(String(m)),
      error: (_o: object, m?: string) => void calls.error?.push(String(m)),
    };
    const kafka = createKafka(settings, { logger });
    await expect(connectChecked(kafka.admin(), settings)).rejects.toMatchObject({
      code: "BROKER_UNREACHABLE",
    });
    expect(calls.debug?.some((m) => /kafkajs: .*connect/i.test(m))).toBe(true);
    expect(calls.warn).toEqual([]);
    expect(calls.error).toEqual([]);
  });

  it("the batching producer's connect explains it too when given settings", async () => {
    const port = await closedPort();
    const settings = loadKafkaSettings({ env: { KAFKA_BROKERS: `127.0.0.1:${port}` } });
    const p = createBatchingProducer(createKafka(settings), { topic: "t", settings });
    // The refusal itself, explained (not the outer 10 s timeout: the client's connect retry is the short one).
    await expect(p.connect()).rejects.toMatchObject({
      code: "BROKER_UNREACHABLE",
      message: expect.stringContaining(`unreachable at 127.0.0.1:${port} (connection refused)`),
    });
    await expect(p.send([{ value: "x" }])).rejects.toThrow(/not connected/);
  });

  it("ensureTopic with settings explains it as well", async () => {
    const port = await closedPort();
    const settings = loadKafkaSettings({ env: { KAFKA_BROKERS: `127.0.0.1:${port}` } });
    await expect(ensureTopic(createKafka(settings), { topic: "t", settings })).rejects.toMatchObject({
      code: "BROKER_UNREACHABLE",
      message: expect.stringContaining(`127.0.0.1:${port}`),
    });
  });
});
