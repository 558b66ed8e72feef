/**
 * Producer throughput, all against ONE broker from startKafka() in this run (acks=all, no compression, null keys):
 *   app pipeline - the app's own code path, in this process after a warm-up like the raw loop's: the generator
 *                  worker (fake-log + encode) -> createGeneratedRun -> kafka-client's batching producer, with the
 *                  app's default batch size and in-flight limit. Timed from the first record to the last ack.
 *   app CLI      - the built CLI (`dist/main.js --count N --json`) in a fresh process (cold JIT), per its summary.
 *   raw loop     - hand-tuned kafkajs: the same records pre-built as strings, 500 per send, 4 sends in flight.
 *   per-message  - kafkajs, one awaited send per message (fewer messages; only the rate matters).
 *   kcat -P      - librdkafka's producer fed the same records from a file (native code, for reference).
 * The broker is a dedicated local Apache Kafka 4.1.1 (or KAFKA_BROKERS' cluster) on the same 2 cores.
 * Usage: pnpm --filter producer bench   (BENCH_RECORDS=300000 BENCH_ROUNDS=3 to change the sizes,
 * RAW_IN_FLIGHT=8 to give the raw loop more requests in flight)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { silentLogger } from "@weblog/cli";
import { createFakeLog } from "@weblog/fake-log";
import { createBatchingProducer, createKafka, loadKafkaSettings } from "@weblog/kafka-client";
import { encode } from "@weblog/log-schema";
import { runCli, startKafka, uniqueName } from "@weblog/testkit";
import kafkajs from "kafkajs";
import { DEFAULTS } from "../src/options";
import { createGeneratedRun } from "../src/run";
import { createWorkerSource } from "../src/source";

const { Kafka, logLevel } = kafkajs;
const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const WORKER = new URL("../dist/generator-worker.js", import.meta.url);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);
const PER_MESSAGE_RECORDS = Number(process.env.BENCH_PER_MESSAGE_RECORDS ?? 3_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const RAW_BATCH = 500;
const RAW_IN_FLIGHT = Number(process.env.RAW_IN_FLIGHT ?? 4);

interface Measured {
  /** records/s over wall-clock time */
  wall: number;
  /** records per CPU-second of the producing process (steady even when other processes share the cores) */
  cpu: number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function main() {
  const kafka = await startKafka({ dedicated: true });
  const tmp = mkdtempSync(join(tmpdir(), "producer-bench-"));
  try {
    console.log(
      `broker: ${kafka.backend} at ${kafka.bootstrap}; ${RECORDS} records per run, median of ${ROUNDS}`,
    );
    const values = createFakeLog({ seed: 1, startTime: "2026-01-01T00:00:00Z", rate: 1000 })
      .batch(RECORDS)
      .map((r) => encode(r));
    const client = new Kafka({ clientId: "bench", brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING });
    const producer = client.producer({ allowAutoTopicCreation: true });
    await producer.connect();

    const settings = loadKafkaSettings({ env: { KAFKA_BROKERS: kafka.bootstrap } });
    const appKafka = createKafka(settings);
    const appPipeline = async (count: number): Promise<Measured> => {
      const topic = uniqueName("bench-app");
      const sink = createBatchingProducer(appKafka, {
        topic,
        acks: -1,
        compression: "none",
        batchSize: DEFAULTS.batchSize,
        maxInFlight: DEFAULTS.maxInFlight,
        lingerMs: 0,
        settings,
      });
      await sink.connect();
      await sink.send([{ key: null, value: "warm-up" }]);
      await sink.flush();
      const source = createWorkerSource(
        { seed: 1, startTime: Date.now(), logRate: 1000, format: "json", key: "none", partition: undefined },
        { script: WORKER, chunkSize: 1000 },
      );
      await source.take(1); // the worker is up (as in the CLI, where it starts while connecting)
      const c0 = cpuMs();
      const run = createGeneratedRun(
        { topic, rate: 0, count, durationMs: undefined, partition: undefined, batchSize: DEFAULTS.batchSize },
        { output: sink, source, logger: silentLogger() },
      );
      const result = await run.done;
      const cpu = cpuMs() - c0;
      await sink.disconnect();
      const acked = result.acked - 1; // the producer's counters include the warm-up message
      if (acked !== count || result.error) throw new Error(`app pipeline acked ${acked} of ${count}`);
      return { wall: (acked * 1000) / result.durationMs, cpu: (acked * 1000) / cpu };
    };

    const appCli = async (): Promise<Measured> => {
      const topic = uniqueName("bench-app");
      const res = await runCli(
        MAIN,
        ["--topic", topic, "--count", String(RECORDS), "--seed", "1", "--json"],
        {
          env: { KAFKA_BROKERS: kafka.bootstrap, WEBLOG_LOG_LEVEL: "warn" },
          timeoutMs: 120_000,
        },
      );
      if (res.code !== 0) throw new Error(`app failed (${res.code}): ${res.stderr.trim().split("\n").pop()}`);
      const summary = JSON.parse(res.stdout.trim().split("\n").pop() as string) as {
        acked: number;
        durationMs: number;
        cpuMs: number;
      };
      if (summary.acked !== RECORDS) throw new Error(`app acked ${summary.acked} of ${RECORDS}`);
      return {
        wall: (summary.acked * 1000) / summary.durationMs,
        cpu: (summary.acked * 1000) / summary.cpuMs,
      };
    };

    const raw = async (count = RECORDS): Promise<Measured> => {
      const topic = uniqueName("bench-raw");
      await producer.send({ topic, acks: -1, messages: [{ value: "warm-up" }] });
      const batches: { value: string }[][] = [];
      for (let i = 0; i < count; i += RAW_BATCH) {
        batches.push(values.slice(i, Math.min(count, i + RAW_BATCH)).map((value) => ({ value })));
      }
      const t0 = performance.now();
      const c0 = cpuMs();
      const inFlight = new Set<Promise<unknown>>();
      for (const messages of batches) {
        const p: Promise<unknown> = producer
          .send({ topic, acks: -1, messages })
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= RAW_IN_FLIGHT) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      return {
        wall: (count * 1000) / (performance.now() - t0),
        cpu: (count * 1000) / (cpuMs() - c0),
      };
    };

    const perMessage = async (): Promise<number> => {
      const topic = uniqueName("bench-one");
      await producer.send({ topic, acks: -1, messages: [{ value: "warm-up" }] });
      const t0 = performance.now();
      for (let i = 0; i < PER_MESSAGE_RECORDS; i++) {
        await producer.send({ topic, acks: -1, messages: [{ value: values[i] as string }] });
      }
      return (PER_MESSAGE_RECORDS * 1000) / (performance.now() - t0);
    };

    const file = join(tmp, "records.jsonl");
    writeFileSync(file, `${values.join("\n")}\n`);
    const kcat = async (): Promise<number> => {
      const topic = uniqueName("bench-kcat");
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        const child = spawn(
          "kcat",
          ["-P", "-b", kafka.bootstrap, "-t", topic, "-X", "acks=all", "-X", "linger.ms=5", "-q", "-l", file],
          { stdio: ["ignore", "ignore", "pipe"] },
        );
        let err = "";
        child.stderr.on("data", (c) => {
          err += String(c);
        });
        child.on("error", reject);
        child.on("exit", (code) =>
          code === 0 ? resolve() : reject(new Error(`kcat -P exited ${code}: ${err}`)),
        );
      });
      // kcat's time includes its start-up and metadata round trip (a few ms): it only makes kcat look slower.
      return (values.length * 1000) / (performance.now() - t0);
    };

    // Warm both paths up (JIT, connections, metadata) so the rounds compare steady states.
    await raw(20_000);
    await appPipeline(20_000);

    const apps: Measured[] = [];
    const raws: Measured[] = [];
    const clis: Measured[] = [];
    let perMessageRate = 0;
    let kcatRate = 0;
    // Interleaved, so a burst of load from elsewhere hits both sides alike.
    for (let round = 0; round < ROUNDS; round++) {
      apps.push(await appPipeline(RECORDS));
      raws.push(await raw());
      if (round % 2 === 0) clis.push(await appCli());
      if (round === 0) {
        perMessageRate = await perMessage();
        kcatRate = await kcat();
      }
    }
    await producer.disconnect();

    const appWall = median(apps.map((m) => m.wall));
    const rawWall = median(raws.map((m) => m.wall));
    const appCpu = median(apps.map((m) => m.cpu));
    const cliWall = median(clis.map((m) => m.wall));
    const cliCpu = median(clis.map((m) => m.cpu));
    const rawCpu = median(raws.map((m) => m.cpu));
    const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
    const rows: [string, number, string][] = [
      ["app pipeline (generate + produce, acks=all)", appWall, fmt(appCpu)],
      ["app CLI, fresh process (cold JIT)", cliWall, fmt(cliCpu)],
      [`raw kafkajs loop (${RAW_BATCH}/send, ${RAW_IN_FLIGHT} in flight)`, rawWall, fmt(rawCpu)],
      ["kafkajs one message per send", perMessageRate, "-"],
      ["kcat -P (librdkafka, same records)", kcatRate, "-"],
    ];
    console.log("");
    console.log(
      `${"case".padEnd(44)} ${"records/s".padStart(10)} ${"vs raw".padStart(7)} ${"vs per-msg".padStart(10)} ${"rec/CPU-s".padStart(10)}`,
    );
    for (const [name, r, cpu] of rows) {
      console.log(
        `${name.padEnd(44)} ${fmt(r).padStart(10)} ${`${(r / rawWall).toFixed(2)}x`.padStart(7)} ${`${(r / perMessageRate).toFixed(1)}x`.padStart(10)} ${cpu.padStart(10)}`,
      );
    }
    console.log("");
    console.log(
      `records/s per round: app ${apps.map((m) => fmt(m.wall)).join(", ")}; raw ${raws.map((m) => fmt(m.wall)).join(", ")}; CLI ${clis.map((m) => fmt(m.wall)).join(", ")}`,
    );
    console.log(
      `records per CPU-second (median): app ${fmt(appCpu)}, raw ${fmt(rawCpu)} = ${(appCpu / rawCpu).toFixed(2)}x (the load-independent comparison)`,
    );
    const okRaw = appWall >= rawWall;
    const okPer = appWall >= 25 * perMessageRate;
    console.log(
      `targets: app >= 1.0x raw loop: ${okRaw ? "met" : "NOT met"} (${(appWall / rawWall).toFixed(2)}x wall, ${(appCpu / rawCpu).toFixed(2)}x per CPU-s); app >= 25x per-message: ${okPer ? "met" : "NOT met"} (${(appWall / perMessageRate).toFixed(1)}x)`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    await kafka.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
