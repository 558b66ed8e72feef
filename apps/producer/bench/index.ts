/**
 * Producer throughput, all against ONE broker from startKafka() in this run (acks=all, no compression, null keys):
 *   app pipeline - the app's own code path, in this process after a warm-up like the raw loop's: the generator
 *                  worker (fake-log + encode) -> createGeneratedRun -> kafka-client's batching producer. One row per
 *                  setting (batch size x requests in flight): the old defaults (500 x 8), today's, and neighbours.
 *                  Timed from the first record to the last ack.
 *   app CLI      - the built CLI (`dist/main.js --count N --json`, today's defaults) in a fresh process (cold JIT).
 *   raw loop     - hand-tuned kafkajs: the same records pre-built as strings, 500 per send, 4 sends in flight.
 *   raw platformatic - the same loop with @platformatic/kafka (the client under the batching producer since issue 23).
 *   generate     - no Kafka: fake-log's messages alone on one thread (what the generator worker does), and the
 *                  app's worker source taken as fast as it hands chunks over (generation + hand-over).
 *   per-message  - kafkajs, one awaited send per message (fewer messages; only the rate matters).
 *   kcat -P      - librdkafka's producer fed the same records from a file (native code), acks=all, linger.ms=5, once
 *                  with the app's default batch (batch.num.messages) and once with librdkafka's own (10,000).
 * Every round runs every case once, interleaved, so a burst of load from elsewhere hits all alike; the ratios are of
 * medians. The broker is a dedicated local Apache Kafka 4.1.1 (or KAFKA_BROKERS' cluster) on the same 2 cores.
 * Usage: pnpm --filter producer bench   (BENCH_RECORDS=300000 BENCH_ROUNDS=5 to change the sizes,
 * RAW_IN_FLIGHT=8 to give the raw loop more requests in flight)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Producer as PlatformaticProducer, stringSerializers } from "@platformatic/kafka";
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

interface Setting {
  label: string;
  batchSize: number;
  maxInFlight: number;
}
/** The app's settings compared (rows of the table): the defaults before issue 23, today's, and neighbours. */
const SETTINGS: Setting[] = [
  { label: "before: batch 500, 8 in flight", batchSize: 500, maxInFlight: 8 },
  { label: "batch 1000, 8 in flight", batchSize: 1000, maxInFlight: 8 },
  { label: "batch 2000, 8 in flight", batchSize: 2000, maxInFlight: 8 },
  { label: "batch 1000, 16 in flight", batchSize: 1000, maxInFlight: 16 },
];

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

/** CPU ms of the children from bash's `times` output (its last line: children's user and system time, `0m1.234s`). */
function timesCpuMs(stderr: string): number {
  const last = stderr.trim().split("\n").pop() ?? "";
  const parts = [...last.matchAll(/(\d+)m([\d.]+)s/g)];
  if (parts.length !== 2) throw new Error(`no CPU times from bash: ${last}`);
  return parts.reduce((sum, m) => sum + (Number(m[1]) * 60 + Number(m[2])) * 1000, 0);
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
    const appPipeline = async (count: number, setting: Setting): Promise<Measured> => {
      const topic = uniqueName("bench-app");
      const sink = createBatchingProducer(appKafka, {
        topic,
        acks: -1,
        compression: "none",
        batchSize: setting.batchSize,
        maxInFlight: setting.maxInFlight,
        lingerMs: 0,
        settings,
      });
      await sink.connect();
      await sink.send([{ key: null, value: "warm-up" }]);
      await sink.flush();
      const source = createWorkerSource(
        { seed: 1, startTime: Date.now(), logRate: 1000, format: "json", key: "none", partition: undefined },
        { script: WORKER, chunkSize: Math.max(setting.batchSize, 1000) }, // as main.ts
      );
      await source.take(1); // the worker is up (as in the CLI, where it starts while connecting)
      const c0 = cpuMs();
      const run = createGeneratedRun(
        { topic, rate: 0, count, durationMs: undefined, partition: undefined, batchSize: setting.batchSize },
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

    const plat = new PlatformaticProducer({
      clientId: "bench",
      bootstrapBrokers: [kafka.bootstrap],
      serializers: stringSerializers,
      maxInflights: Math.max(5, RAW_IN_FLIGHT),
    });
    /** The raw loop with @platformatic/kafka: same records, same batch and requests in flight. */
    const rawPlatformatic = async (count = RECORDS): Promise<Measured> => {
      const topic = uniqueName("bench-plat");
      await producer.send({ topic, acks: -1, messages: [{ value: "warm-up" }] });
      const batches: { topic: string; value: string }[][] = [];
      for (let i = 0; i < count; i += RAW_BATCH) {
        batches.push(values.slice(i, Math.min(count, i + RAW_BATCH)).map((value) => ({ topic, value })));
      }
      const t0 = performance.now();
      const c0 = cpuMs();
      const inFlight = new Set<Promise<unknown>>();
      for (const messages of batches) {
        const p: Promise<unknown> = plat.send({ acks: -1, messages }).finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= RAW_IN_FLIGHT) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      return {
        wall: (count * 1000) / (performance.now() - t0),
        cpu: (count * 1000) / (cpuMs() - c0),
      };
    };

    /** fake-log's messages alone, on this thread, in the worker's chunks (what generator-worker.ts runs). */
    const generateOnly = (): Measured => {
      const fake = createFakeLog({ seed: 1, startTime: Date.now(), rate: 1000 });
      let n = 0;
      const t0 = performance.now();
      const c0 = cpuMs();
      while (n < RECORDS) n += fake.messages(Math.min(DEFAULTS.batchSize, RECORDS - n)).length;
      return { wall: (n * 1000) / (performance.now() - t0), cpu: (n * 1000) / (cpuMs() - c0) };
    };

    /** The app's worker source drained without Kafka: generation in the worker + hand-over + live timestamps. */
    const sourceOnly = async (): Promise<Measured> => {
      const source = createWorkerSource(
        {
          seed: 1,
          startTime: Date.now(),
          logRate: 1000,
          format: "json",
          key: "none",
          partition: undefined,
          live: true,
        },
        { script: WORKER, chunkSize: DEFAULTS.batchSize },
      );
      await source.take(1);
      let n = 0;
      const t0 = performance.now();
      const c0 = cpuMs();
      while (n < RECORDS) n += (await source.take(Math.min(DEFAULTS.batchSize, RECORDS - n))).length;
      const m = { wall: (n * 1000) / (performance.now() - t0), cpu: (n * 1000) / (cpuMs() - c0) };
      await source.close();
      return m;
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
    /** kcat -P of the same lines; `batch`: batch.num.messages (undefined: librdkafka's default, 10,000). */
    const kcat = async (batch: number | undefined): Promise<Measured> => {
      const topic = uniqueName("bench-kcat");
      // The topic exists before the clock starts (as the app's and the raw loop's do): auto-creating it is not kcat's.
      await producer.send({ topic, acks: -1, messages: [{ value: "warm-up" }] });
      const args = ["-P", "-b", kafka.bootstrap, "-t", topic, "-X", "acks=all", "-X", "linger.ms=5"];
      if (batch !== undefined) args.push("-X", `batch.num.messages=${batch}`);
      const t0 = performance.now();
      const cpu = await new Promise<number>((resolve, reject) => {
        // Through bash, whose `times` reports kcat's CPU time once it has exited.
        const child = spawn(
          "bash",
          ["-c", 'kcat "$@"; rc=$?; times >&2; exit $rc', "kcat", ...args, "-q", "-l", file],
          { stdio: ["ignore", "ignore", "pipe"] },
        );
        let err = "";
        child.stderr.on("data", (c) => {
          err += String(c);
        });
        child.on("error", reject);
        child.on("exit", (code) =>
          code === 0 ? resolve(timesCpuMs(err)) : reject(new Error(`kcat -P exited ${code}: ${err}`)),
        );
      });
      // kcat's time includes its start-up and metadata round trip (a few ms): it only makes kcat look slower.
      return { wall: (values.length * 1000) / (performance.now() - t0), cpu: (values.length * 1000) / cpu };
    };

    // Warm both paths up (JIT, connections, metadata) so the rounds compare steady states.
    await raw(20_000);
    await rawPlatformatic(20_000);
    for (const setting of SETTINGS) await appPipeline(20_000, setting);

    const apps: Measured[][] = SETTINGS.map(() => []);
    const raws: Measured[] = [];
    const plats: Measured[] = [];
    const gens: Measured[] = [];
    const sources: Measured[] = [];
    const clis: Measured[] = [];
    const kcatSame: Measured[] = [];
    const kcatOwn: Measured[] = [];
    let perMessageRate = 0;
    // Interleaved, so a burst of load from elsewhere hits every case alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, setting] of SETTINGS.entries()) apps[i]?.push(await appPipeline(RECORDS, setting));
      raws.push(await raw());
      plats.push(await rawPlatformatic());
      gens.push(generateOnly());
      sources.push(await sourceOnly());
      kcatSame.push(await kcat(DEFAULTS.batchSize));
      kcatOwn.push(await kcat(undefined));
      if (round % 2 === 0) clis.push(await appCli());
      if (round === 0) perMessageRate = await perMessage();
    }
    await producer.disconnect();
    await plat.close();

    const med = (ms: Measured[]): Measured => ({
      wall: median(ms.map((m) => m.wall)),
      cpu: median(ms.map((m) => m.cpu)),
    });
    const kcatRef = med(kcatSame);
    const rawRef = med(raws);
    const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
    const isDefault = (st: Setting) =>
      st.batchSize === DEFAULTS.batchSize && st.maxInFlight === DEFAULTS.maxInFlight;
    const rows: [string, Measured][] = [
      ...SETTINGS.map((st, i): [string, Measured] => [
        `app pipeline, ${st.label}${isDefault(st) ? " (default)" : ""}`,
        med(apps[i] ?? []),
      ]),
      [`app CLI, fresh process (batch ${DEFAULTS.batchSize}, ${DEFAULTS.maxInFlight} in flight)`, med(clis)],
      [`raw kafkajs loop (${RAW_BATCH}/send, ${RAW_IN_FLIGHT} in flight)`, rawRef],
      [`raw @platformatic/kafka loop (${RAW_BATCH}/send, ${RAW_IN_FLIGHT} in flight)`, med(plats)],
      ["generate only: fake-log messages, one thread (no Kafka)", med(gens)],
      ["generate only: the app's worker source drained (no Kafka)", med(sources)],
      ["kafkajs one message per send", { wall: perMessageRate, cpu: Number.NaN }],
      [`kcat -P, batch.num.messages=${DEFAULTS.batchSize} (same batching)`, kcatRef],
      ["kcat -P, librdkafka's batching (10,000)", med(kcatOwn)],
    ];
    console.log("");
    console.log(
      `${"case (acks=all, same broker, same lines)".padEnd(58)} ${"records/s".padStart(10)} ${"vs kcat".padStart(8)} ${"vs raw".padStart(7)} ${"rec/CPU-s".padStart(10)} ${"CPU vs kcat".padStart(11)}`,
    );
    for (const [name, m] of rows) {
      const cpu = Number.isNaN(m.cpu) ? "-" : fmt(m.cpu);
      const cpuRatio = Number.isNaN(m.cpu) ? "-" : `${(m.cpu / kcatRef.cpu).toFixed(2)}x`;
      console.log(
        `${name.padEnd(58)} ${fmt(m.wall).padStart(10)} ${`${(m.wall / kcatRef.wall).toFixed(2)}x`.padStart(8)} ${`${(m.wall / rawRef.wall).toFixed(2)}x`.padStart(7)} ${cpu.padStart(10)} ${cpuRatio.padStart(11)}`,
      );
    }
    console.log("");
    console.log(
      `records/s per round: ${SETTINGS.map((st, i) => `app ${st.batchSize}x${st.maxInFlight} ${(apps[i] ?? []).map((m) => fmt(m.wall)).join(", ")}`).join("; ")}; raw kafkajs ${raws.map((m) => fmt(m.wall)).join(", ")}; raw platformatic ${plats.map((m) => fmt(m.wall)).join(", ")}; kcat ${kcatSame.map((m) => fmt(m.wall)).join(", ")}; CLI ${clis.map((m) => fmt(m.wall)).join(", ")}`,
    );
    const cpus = (ms: Measured[]) => ms.map((m) => fmt(m.cpu)).join(", ");
    console.log(
      `rec/CPU-s per round: app default ${cpus(apps[SETTINGS.findIndex(isDefault)] ?? [])}; raw kafkajs ${cpus(raws)}; raw platformatic ${cpus(plats)}; generate ${cpus(gens)}; kcat ${cpus(kcatSame)}`,
    );
    const dflt = SETTINGS.findIndex(isDefault);
    const app = med(apps[dflt] ?? apps[0] ?? []);
    const ratio = app.wall / kcatRef.wall;
    console.log(
      `target: app pipeline (defaults) >= 0.5x kcat -P (same acks, batching, broker, run): ${ratio >= 0.5 ? "met" : "NOT met"} (${ratio.toFixed(2)}x; ${(app.cpu / kcatRef.cpu).toFixed(2)}x per CPU-second)`,
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
