import { silentLogger } from "@weblog/cli";
import { createBatchingProducer, createKafka, ensureTopic, loadKafkaSettings } from "@weblog/kafka-client";
import { type KafkaHandle, spawnCli, startKafka, uniqueName } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProducerMetrics } from "../src/metrics";
import { createGeneratedRun } from "../src/run";
import { createInlineSource } from "../src/source";
import { brokerCount, MAIN, parseSummary, readWithKafkajs } from "./helpers";

let kafka: KafkaHandle;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  kafka = await startKafka();
  env = { KAFKA_BROKERS: kafka.bootstrap, WEBLOG_LOG_LEVEL: "info" };
  for (const k of Object.keys(process.env)) if (k.startsWith("WEBLOG_") && !(k in env)) env[k] = undefined;
});

afterAll(async () => {
  await kafka?.stop();
});

/** One counter's value from Prometheus text. */
function sampleOf(text: string, name: string): number {
  const m = text.match(new RegExp(`^${name} (\\S+)$`, "m"));
  if (!m) throw new Error(`${name} missing from:\n${text.slice(0, 400)}`);
  return Number(m[1]);
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("producer metrics", () => {
  it("counts exactly the records the broker holds (run + registry in process, real broker)", async () => {
    const topic = uniqueName("prod-metrics");
    const client = createKafka(loadKafkaSettings({ env: {}, flags: { brokers: kafka.bootstrap } }));
    await ensureTopic(client, { topic, partitions: 3 });
    const producer = createBatchingProducer(client, { topic, batchSize: 200, lingerMs: 0 });
    await producer.connect();
    const metrics = createProducerMetrics({ rate: 0, defaultMetrics: false });
    const n = 2345;
    const source = createInlineSource({
      seed: 5,
      startTime: Date.now(),
      logRate: 1000,
      format: "json",
      key: "none",
      partition: undefined,
      live: true,
    });
    const settings = {
      topic,
      rate: 0,
      count: n,
      durationMs: undefined,
      partition: undefined,
      batchSize: 200,
    };
    const run = createGeneratedRun(settings, { output: producer, source, logger: silentLogger() });
    metrics.bind(run);
    const result = await run.done;
    await producer.disconnect();
    const text = await metrics.registry.metrics();
    expect(result.acked).toBe(n);
    expect(sampleOf(text, "weblog_producer_records_generated_total")).toBe(n);
    expect(sampleOf(text, "weblog_producer_records_acked_total")).toBe(n);
    expect(sampleOf(text, "weblog_producer_errors_total")).toBe(0);
    expect(sampleOf(text, "weblog_producer_bytes_total")).toBe(result.bytes);
    expect(sampleOf(text, "weblog_producer_in_flight_requests")).toBe(0);
    expect(await brokerCount(kafka.bootstrap, topic)).toBe(n);
  });

  it("--metrics-port serves moving counters, /healthz and /readyz during a run; records carry live time", async () => {
    const topic = uniqueName("prod-metrics-cli");
    const n = 1500;
    const started = Date.now();
    const child = spawnCli(
      MAIN,
      ["--topic", topic, "--rate", "300", "--count", String(n), "--metrics-port", "0", "--json"],
      {
        env,
      },
    );
    try {
      const m = await child.waitForOutput(/metrics on (http:\/\/127\.0\.0\.1:\d+)\/metrics/, 30_000);
      const base = m[1] as string;
      const scrape = async () => {
        const res = await fetch(`${base}/metrics`);
        expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
        return res.text();
      };
      const first = await until("a first acked record", async () => {
        const v = sampleOf(await scrape(), "weblog_producer_records_acked_total");
        return v > 0 ? v : undefined;
      });
      const later = await until("the counter to move", async () => {
        const t = await scrape();
        const acked = sampleOf(t, "weblog_producer_records_acked_total");
        expect(acked).toBeLessThanOrEqual(sampleOf(t, "weblog_producer_records_sent_total"));
        expect(sampleOf(t, "weblog_producer_records_sent_total")).toBeLessThanOrEqual(n);
        return acked > first ? acked : undefined;
      });
      expect(later).toBeGreaterThan(first);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true });
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      child.kill("SIGTERM");
    }
    const exit = await child.waitForExit(30_000);
    const summary = parseSummary(exit.stdout);
    const finished = Date.now();
    // SIGTERM may have stopped it early: whatever it says it delivered is what the broker holds.
    expect(await brokerCount(kafka.bootstrap, topic)).toBe(summary.acked);
    const records = await readWithKafkajs(kafka.bootstrap, topic, summary.acked);
    for (const r of records) {
      const t = Date.parse((JSON.parse(r.value) as { timestamp: string }).timestamp);
      expect(t).toBeGreaterThanOrEqual(started - 5000);
      expect(t).toBeLessThanOrEqual(Math.min(finished, r.timestamp)); // stamped before kafkajs sent it
    }
  });

  it("a taken port or --metrics-host alone: one line naming the flag, exit 2", async () => {
    const { createServer } = await import("node:net");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      const taken = spawnCli(
        MAIN,
        ["--topic", uniqueName("p"), "--count", "1", "--metrics-port", String(port)],
        { env },
      );
      const r = await taken.waitForExit(30_000);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`--metrics-port ${port}: .* is in use`));
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      server.close();
    }
    const alone = spawnCli(MAIN, ["--count", "1", "--metrics-host", "0.0.0.0"], { env });
    const r2 = await alone.waitForExit(30_000);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/--metrics-host needs --metrics-port/);
  });
});
