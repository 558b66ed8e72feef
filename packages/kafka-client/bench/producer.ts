/**
 * createBatchingProducer throughput against hand-written kafkajs loops, all on ONE broker from startKafka() in this
 * run (acks=-1, no compression, null keys, the same pre-built ~200-byte JSON values):
 *   batching producer - this package, defaults (batchSize 1000, maxInFlight 5, lingerMs 5), 1000 messages per send()
 *                       (its client: @platformatic/kafka since issue 23, so "vs raw loop" compares the two clients too)
 *   raw loop          - kafkajs producer.send of 500 messages, 4 sends in flight (hand-tuned)
 *   per-message       - kafkajs, one awaited send per message (fewer messages; only the rate matters)
 * Usage: pnpm --filter @weblog/kafka-client bench   (BENCH_RECORDS=200000 BENCH_ROUNDS=3; tune with
 *   BENCH_BATCH_SIZE / BENCH_MAX_IN_FLIGHT)
 */
import { startKafka, uniqueName } from "@weblog/testkit";
import kafkajs from "kafkajs";
import { createBatchingProducer, createKafka, loadKafkaSettings } from "../src/index";

const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PER_MESSAGE = Number(process.env.BENCH_PER_MESSAGE_RECORDS ?? 2_000);
/** Tuning knobs for the batching producer (defaults: the package's). */
const TUNING = {
  ...(process.env.BENCH_BATCH_SIZE ? { batchSize: Number(process.env.BENCH_BATCH_SIZE) } : {}),
  ...(process.env.BENCH_MAX_IN_FLIGHT ? { maxInFlight: Number(process.env.BENCH_MAX_IN_FLIGHT) } : {}),
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function main() {
  const handle = await startKafka({ dedicated: true });
  try {
    const settings = loadKafkaSettings({ env: {}, flags: { brokers: handle.bootstrap } });
    const kafka = createKafka(settings);
    const values = Array.from({ length: RECORDS }, (_, i) =>
      JSON.stringify({
        ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        timestamp: new Date(1_767_225_600_000 + i * 10).toISOString(),
        method: "GET",
        url: `/products/${i % 997}?page=${i % 13}`,
        status_code: 200,
        user_agent:
          "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
      }),
    );
    const raw = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
    await raw.connect();
    await raw.send({
      topic: uniqueName("bench-warm"),
      acks: -1,
      messages: values.slice(0, 5000).map((value) => ({ value })),
    });

    const batching = async (): Promise<number> => {
      const topic = uniqueName("bench-batching");
      const p = createBatchingProducer(kafka, { topic, settings, ...TUNING });
      await p.connect();
      await p.send([{ value: "warm-up" }]);
      await p.flush();
      const t0 = performance.now();
      for (let i = 0; i < values.length; i += 1000) {
        await p.send(values.slice(i, i + 1000).map((value) => ({ value })));
      }
      await p.flush();
      const ms = performance.now() - t0;
      const st = p.stats();
      await p.disconnect();
      if (st.acked !== RECORDS + 1 || st.errors !== 0)
        throw new Error(`batching: acked ${st.acked}, errors ${st.errors}`);
      return (RECORDS * 1000) / ms;
    };

    const rawLoop = async (): Promise<number> => {
      const topic = uniqueName("bench-raw");
      await raw.send({ topic, acks: -1, messages: [{ value: "warm-up" }] });
      const t0 = performance.now();
      const inFlight = new Set<Promise<unknown>>();
      for (let i = 0; i < values.length; i += 500) {
        const pr = raw.send({
          topic,
          acks: -1,
          messages: values.slice(i, i + 500).map((value) => ({ value })),
        });
        inFlight.add(pr);
        pr.finally(() => inFlight.delete(pr));
        if (inFlight.size >= 4) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      return (RECORDS * 1000) / (performance.now() - t0);
    };

    const perMessage = async (): Promise<number> => {
      const topic = uniqueName("bench-one");
      await raw.send({ topic, acks: -1, messages: [{ value: "warm-up" }] });
      const t0 = performance.now();
      for (let i = 0; i < PER_MESSAGE; i++) {
        await raw.send({ topic, acks: -1, messages: [{ value: values[i] as string }] });
      }
      return (PER_MESSAGE * 1000) / (performance.now() - t0);
    };

    const results: Record<string, number[]> = {
      "batching producer": [],
      "raw loop (baseline)": [],
      "per-message": [],
    };
    for (let r = 0; r < ROUNDS; r++) {
      results["raw loop (baseline)"]?.push(await rawLoop());
      results["batching producer"]?.push(await batching());
      results["per-message"]?.push(await perMessage());
    }
    await raw.disconnect();
    const base = median(results["raw loop (baseline)"] ?? []);
    console.log(
      `broker: ${handle.backend} at ${handle.bootstrap}; ${RECORDS} records per run, median of ${ROUNDS}; batching options ${JSON.stringify(TUNING)}`,
    );
    console.table(
      Object.entries(results).map(([name, rates]) => ({
        path: name,
        "msgs/s (median)": Math.round(median(rates)),
        "vs raw loop": `${(median(rates) / base).toFixed(2)}x`,
      })),
    );
  } finally {
    await handle.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
