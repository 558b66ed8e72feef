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
    const own = await startKafka({ mockBrokers: 1 });
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
});
