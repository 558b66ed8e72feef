/**
 * The bench's sink leg as a process of its own (the default of sink.bench.ts): the engine with the CLI's S3 client
 * (createS3Client, one SDK attempt, as main.ts builds it) and its heap setting, so a CPU profile (`--cpu-prof`,
 * WEBLOG_BENCH_SINK_CPU_PROF=<dir>) is the sink's alone, not the bench process's bare legs. The bare PUT c=16 leg
 * runs in a process like it (PutLegSpec), so both legs start from the same footing.
 *
 * Spawned by sink.bench.ts with one JSON argument (SinkLegSpec or PutLegSpec); prints one JSON line ({ ms, cpuMs,
 * commits, objects }: cpuMs the process's CPU time, user + system, over the timed part).
 */
import { createFakeLog } from "@weblog/fake-log";
import { encode } from "@weblog/log-schema";
import { createS3Client } from "@weblog/s3";
import { defaultSinkSettings, type SinkSettings } from "@weblog/sink-contract";
import kafkajs from "kafkajs";
import { applySinkHeapFlags } from "../src/heap";
import { createSinkEngine } from "../src/sink";
import { clientVia, objectsOf, rawPut, silent, until } from "./legs";

/** A bare-PUT leg in a process of its own, like the sink's: the same objects (regenerated from the seed). */
export interface PutLegSpec {
  kind: "put";
  bucket: string;
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** createFakeLog's seed and record count: the bench's lines, produced round-robin over the partitions. */
  seed: number;
  n: number;
  flushSize: number;
  prefix: string;
  concurrency: number;
}

export interface SinkLegSpec {
  kind?: "sink";
  brokers: string[];
  topic: string;
  bucket: string;
  /** The latency proxy's URL. */
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  flushSize: number;
  n: number;
  groupId: string;
  perPartition?: number;
  total?: number;
}

/** Bare PutObjects (legs.ts rawPut, the plain SDK client of clientVia) of the sink's objects; CPU over the run. */
async function putLeg(spec: PutLegSpec) {
  const lines = createFakeLog({ seed: spec.seed })
    .batch(spec.n)
    .map((r) => encode(r));
  const client = clientVia({ region: spec.region, credentials: spec.credentials }, spec.endpoint);
  const objects = objectsOf(spec.prefix, lines, spec.flushSize);
  const cpu0 = process.cpuUsage();
  const ms = await rawPut(client, spec.bucket, objects, spec.concurrency);
  const cpu = process.cpuUsage(cpu0);
  client.destroy();
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, objects: objects.length };
}

async function main() {
  const arg = JSON.parse(process.argv[2] ?? "{}") as SinkLegSpec | PutLegSpec;
  if (arg.kind === "put") {
    process.stdout.write(`${JSON.stringify(await putLeg(arg))}\n`);
    return;
  }
  applySinkHeapFlags();
  const spec = arg;
  const settings: SinkSettings = {
    ...defaultSinkSettings(),
    topics: [spec.topic],
    bucket: spec.bucket,
    storeUrl: spec.endpoint,
    flushSize: spec.flushSize,
    rotateScheduleIntervalMs: -1,
    groupId: spec.groupId,
  };
  if (spec.perPartition) settings.uploadMaxInFlightPerPartition = spec.perPartition;
  if (spec.total) settings.uploadMaxInFlight = spec.total;
  const s3 = createS3Client({
    endpoint: spec.endpoint,
    region: spec.region,
    pathStyle: true,
    maxAttempts: 1,
    credentials: spec.credentials,
  });
  const kafka = new kafkajs.Kafka({
    clientId: "bench-sink",
    brokers: spec.brokers,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const engine = createSinkEngine({ kafka, s3, settings, logger: silent, endpoint: spec.endpoint });
  const running = engine.run();
  await until("first record", () => engine.stats().recordsIn > 0, 60_000);
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  // WEBLOG_BENCH_TRACE=1: records read and written over time on stderr (where the sink's time goes)
  let last = "";
  const trace = process.env.WEBLOG_BENCH_TRACE
    ? setInterval(() => {
        const s = engine.stats();
        const now = `in ${s.recordsIn} written ${s.recordsWritten} commits ${s.commits}`;
        if (now !== last) console.error(`${(performance.now() - started).toFixed(0)} ms: ${now}`);
        last = now;
      }, 5)
    : undefined;
  await until("sink", () => engine.stats().recordsWritten >= spec.n, 300_000);
  clearInterval(trace);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const { commits, objectsWritten } = engine.stats();
  await engine.stop();
  await running;
  s3.destroy();
  process.stdout.write(`${JSON.stringify({ ms, cpuMs, commits, objects: objectsWritten })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
