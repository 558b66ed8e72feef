import { startKafka, uniqueName } from "@weblog/testkit";
import { describe, expect, it } from "vitest";
import { createKafka } from "../src/client";
import { KafkaClientError } from "../src/errors";
import { noopLogger } from "../src/logger";
import { createBatchingProducer, type ProducerStats } from "../src/producer/batching-producer";
import { loadKafkaSettings } from "../src/settings";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const chunk = (n: number, from: number) => Array.from({ length: n }, (_, i) => ({ value: `m-${from + i}` }));

/**
 * The producer app's failure mode: small paced sends, so batches are cut by the linger timer (never full), and the
 * broker dies mid-run. Default kafkajs send retry (8 retries, about 15 s).
 */
describe("batching producer, broker killed under a lingering small-batch workload", () => {
  it("stays within batchSize * (maxInFlight + 1), fails what was not sent at once, flush() rejects within 30 s", async () => {
    const own = await startKafka({ dedicated: true });
    const batchSize = 20;
    const maxInFlight = 2;
    const settings = loadKafkaSettings({ env: {}, flags: { brokers: own.bootstrap } });
    const producer = createBatchingProducer(createKafka(settings), {
      topic: uniqueName("t-dead"),
      batchSize,
      maxInFlight,
      lingerMs: 5,
      settings,
      // The producer logs the failure the moment it happens: note how much had been handed to kafkajs then.
      logger: {
        ...noopLogger,
        error: () => {
          sentAtFailure ??= producer.stats().sent;
        },
      },
    });
    let sentAtFailure: number | undefined;
    const samples: ProducerStats[] = [];
    const sampler = setInterval(() => samples.push(producer.stats()), 1);
    let passed = 0; // messages given to send() calls that were not refused up front
    let stoppedAt = 0;
    let sendError: unknown;
    try {
      await producer.connect();
      const deadline = Date.now() + 60_000;
      let before = 0;
      while (Date.now() < deadline) {
        if (!stoppedAt && producer.stats().acked >= 200) {
          before = producer.stats().acked;
          await own.stop();
          stoppedAt = Date.now();
        }
        const n = 3; // 3 per call, 20 per batch: calls straddle batch boundaries
        try {
          const p = producer.send(chunk(n, passed));
          passed += n;
          await p;
        } catch (err) {
          sendError = err;
          break;
        }
        await sleep(2);
      }
      expect(stoppedAt).toBeGreaterThan(0);
      expect(before).toBeGreaterThanOrEqual(200);
      expect(sendError).toBeInstanceOf(KafkaClientError);

      const flushError = await producer.flush().then(
        () => undefined,
        (e: unknown) => e,
      );
      const flushedAfterMs = Date.now() - stoppedAt;
      expect(flushError).toBe(sendError);
      expect((flushError as KafkaClientError).message).toContain(own.brokers[0] ?? "");
      // One kafkajs retry cycle (~15 s) for the calls already in flight, not one per queued batch.
      expect(flushedAfterMs).toBeLessThan(30_000);

      const st = producer.stats();
      // Nothing dropped silently: every message of an accepted call is acked or counted as an error.
      expect(st.acked + st.errors).toBe(passed);
      expect(st.errors).toBeGreaterThan(0);
      expect(st.queued).toBe(0);
      expect(st.inFlight).toBe(0);
      // Fail fast: no produce call was started after the first one failed for good.
      expect(st.sent).toBe(sentAtFailure);
      // Before the failure, sends were held back (backpressure): at most a full buffer plus maxInFlight batches.
      expect(st.sent - before).toBeLessThanOrEqual(batchSize * (maxInFlight + 1));
      console.log(
        `dead broker: flush rejected ${flushedAfterMs} ms after the stop; acked ${st.acked}, errors ${st.errors}, ` +
          `sent ${st.sent}, accepted ${passed}; peak queued ${Math.max(...samples.map((x) => x.queued))}`,
      );
    } finally {
      clearInterval(sampler);
      await producer.disconnect().catch(() => {});
      await own.stop();
    }
    expect(samples.length).toBeGreaterThan(100);
    for (const x of samples) {
      expect(x.inFlight).toBeLessThanOrEqual(maxInFlight);
      expect(x.queued).toBeLessThanOrEqual(batchSize);
    }
    // The bound was actually reached while the broker was down (the test exercised backpressure).
    expect(samples.some((x) => x.queued === batchSize && x.inFlight === maxInFlight)).toBe(true);
  }, 120_000);

  it("un-awaited sends with maxInFlight 1: the producer's own buffer stays bounded and every call settles, accounted", async () => {
    const own = await startKafka({ dedicated: true });
    const batchSize = 10;
    const settings = loadKafkaSettings({ env: {}, flags: { brokers: own.bootstrap } });
    const producer = createBatchingProducer(createKafka(settings), {
      topic: uniqueName("t-dead1"),
      batchSize,
      maxInFlight: 1,
      lingerMs: 2,
      settings,
    });
    const samples: ProducerStats[] = [];
    const sampler = setInterval(() => samples.push(producer.stats()), 1);
    try {
      await producer.connect();
      await producer.send(chunk(50, 0));
      await producer.flush();
      await own.stop();
      // 400 calls of 1..4 messages fired without waiting, as a careless caller would.
      const calls = Array.from({ length: 400 }, (_, i) => chunk(1 + (i % 4), i * 4));
      const outcomes = await Promise.allSettled(calls.map((c) => producer.send(c)));
      const started = Date.now();
      await expect(producer.flush()).rejects.toBeInstanceOf(KafkaClientError);
      expect(Date.now() - started).toBeLessThan(30_000);
      const st = producer.stats();
      const firstRejected = outcomes.findIndex((o) => o.status === "rejected");
      expect(firstRejected).toBeGreaterThan(0);
      // Calls resolve in order until the failure; every later one rejects with that same sticky error.
      const reasons = new Set(
        outcomes.slice(firstRejected).map((o) => (o.status === "rejected" ? o.reason : "ok")),
      );
      expect([...reasons]).toHaveLength(1);
      expect([...reasons][0]).toBeInstanceOf(KafkaClientError);
      expect(outcomes.slice(0, firstRejected).every((o) => o.status === "fulfilled")).toBe(true);
      // Every message of a resolved call is acked or counted; so is the call under way at the failure (if one
      // was); calls refused up front took nothing.
      const resolved = calls.slice(0, firstRejected).reduce((n, c) => n + c.length, 0);
      const underWay = calls[firstRejected]?.length ?? 0;
      expect(st.acked).toBe(50);
      expect([50 + resolved, 50 + resolved + underWay]).toContain(st.acked + st.errors);
      expect(st.sent).toBeLessThanOrEqual(st.acked + st.errors);
      expect(st).toMatchObject({ inFlight: 0, queued: 0 });
      console.log(
        `un-awaited, maxInFlight 1: ${firstRejected} of 400 calls accepted before the failure; sent ${st.sent}, errors ${st.errors}`,
      );
    } finally {
      clearInterval(sampler);
      await producer.disconnect().catch(() => {});
      await own.stop();
    }
    for (const x of samples) {
      expect(x.inFlight).toBeLessThanOrEqual(1);
      expect(x.queued).toBeLessThanOrEqual(batchSize);
    }
  }, 120_000);
});
