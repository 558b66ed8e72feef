/**
 * The side-by-side bench: both engines on the same broker, the same S3 (25 ms away for every request: S3Proxy's
 * latency middleware, so the JVM's client and ours pay it alike) and, per throughput leg, the same topic.
 * `runBench` runs the legs asked for and returns one table of ratios (Connect / ours); `pnpm --filter
 * @weblog/infra bench` runs them all, `infra/test/engines-smoke.test.ts` the smallest one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startKafka, startLocalS3Server } from "@weblog/testkit";
import { engines, INTERVAL_MS } from "./engines";
import {
  type Crash,
  killLeg,
  produce,
  say,
  type Throughput,
  throughputLeg,
  topicWith,
  trickleLeg,
} from "./legs";

export type LegName = "flush10" | "flush10k" | "kill" | "trickle";
export const ALL_LEGS: LegName[] = ["flush10", "flush10k", "kill", "trickle"];

export type BenchOptions = {
  legs: LegName[];
  /** Records of the flush.size 10 leg (default 8,000). */
  flush10Records: number;
  /** Records of the flush.size 10,000 leg (default 400,000). */
  flush10kRecords: number;
  killRecords: number;
  killRate: number;
  trickleSamples: number;
  latencyMs: number;
};

export type EngineResults = {
  name: string;
  flush10?: Throughput;
  flush10k?: Throughput;
  kill?: Crash;
  trickle?: { worstMs: number; samplesMs: number[] };
};

export async function runBench(
  o: BenchOptions,
): Promise<{ results: [EngineResults, EngineResults]; table: string; failures: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "weblog-bench-"));
  const latency = {
    "s3proxy.latency-blobstore": "true",
    "s3proxy.latency-blobstore.*.latency": String(o.latencyMs),
  };
  const [kafka, s3] = await Promise.all([startKafka(), startLocalS3Server({ properties: latency })]);
  try {
    const pair = engines(kafka, s3, dir);
    const results = pair.map((e) => ({ name: e.name })) as [EngineResults, EngineResults];
    const failures: string[] = [];
    // a leg that fails is reported and the others still run: the table keeps what was measured
    const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await fn();
      } catch (err) {
        failures.push(`${what}: ${(err as Error).message}`);
        say(`${what} FAILED: ${(err as Error).message}`);
        return undefined;
      }
    };
    for (const [leg, records, flushSize] of [
      ["flush10", o.flush10Records, 10],
      ["flush10k", o.flush10kRecords, 10_000],
    ] as const) {
      if (!o.legs.includes(leg)) continue;
      const topic = await topicWith(kafka, `bench-${leg}`);
      say(`${leg}: producing ${records} records to ${topic} (4 partitions)`);
      await produce(kafka, topic, records);
      for (const [i, engine] of pair.entries()) {
        const t = await attempt(`${leg} ${engine.name}`, () =>
          throughputLeg(kafka, s3, engine, topic, records, flushSize),
        );
        if (!t) continue;
        (results[i] as EngineResults)[leg] = t;
        say(
          `${leg} ${engine.name}: ${t.recordsPerSec} rec/s, CPU ${t.cpuSeconds.toFixed(1)} s, RSS ${t.peakRssMiB.toFixed(0)} MiB, ${t.objects} objects, verifier ${t.verdict.text}`,
        );
      }
    }
    if (o.legs.includes("kill")) {
      for (const [i, engine] of pair.entries()) {
        (results[i] as EngineResults).kill = await attempt(`kill ${engine.name}`, () =>
          killLeg(kafka, s3, engine, o.killRecords, o.killRate),
        );
        say(`kill ${engine.name}: ${JSON.stringify((results[i] as EngineResults).kill?.verdict)}`);
      }
    }
    if (o.legs.includes("trickle")) {
      for (const [i, engine] of pair.entries()) {
        (results[i] as EngineResults).trickle = await attempt(`trickle ${engine.name}`, () =>
          trickleLeg(kafka, s3, engine, o.trickleSamples),
        );
        say(`trickle ${engine.name}: ${(results[i] as EngineResults).trickle?.samplesMs.join(", ")} ms`);
      }
    }
    return { results, table: renderTable(results, o), failures };
  } finally {
    await s3.stop();
    await kafka.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number) => n.toLocaleString("en-US");
const ratio = (c: number | undefined, b: number | undefined) =>
  c === undefined || b === undefined || b === 0 ? "-" : `${(c / b).toFixed(2)}x`;

/** One table: a row per figure, ours | Connect | Connect / ours. */
export function renderTable(results: [EngineResults, EngineResults], o: BenchOptions): string {
  const [ours, conn] = results;
  const rows: string[][] = [];
  const add = (what: string, a: number | undefined, b: number | undefined, show: (n: number) => string) =>
    rows.push([what, a === undefined ? "-" : show(a), b === undefined ? "-" : show(b), ratio(b, a)]);
  for (const [leg, label] of [
    ["flush10", `flush.size 10, ${fmt(o.flush10Records)} records`],
    ["flush10k", `flush.size 10,000, ${fmt(o.flush10kRecords)} records`],
  ] as const) {
    const a = ours[leg];
    const b = conn[leg];
    if (!a && !b) continue;
    add(`${label}: records/s (ready to last commit)`, a?.recordsPerSec, b?.recordsPerSec, fmt);
    add(`${label}: CPU s (after start-up)`, a?.cpuSeconds, b?.cpuSeconds, (n) => n.toFixed(1));
    add(`${label}: peak RSS MiB`, a?.peakRssMiB, b?.peakRssMiB, (n) => n.toFixed(0));
    add(`${label}: objects`, a?.objects, b?.objects, fmt);
    rows.push([`${label}: verifier`, a?.verdict.text ?? "-", b?.verdict.text ?? "-", ""]);
  }
  if (ours.kill || conn.kill) {
    const label = `kill -9 mid-run (${fmt(o.killRecords)} records at ${o.killRate}/s)`;
    add(`${label}: missing`, ours.kill?.verdict.missing, conn.kill?.verdict.missing, fmt);
    add(`${label}: duplicated`, ours.kill?.verdict.duplicates, conn.kill?.verdict.duplicates, fmt);
  }
  if (ours.trickle || conn.trickle) {
    add(
      `one record trickling in: worst delay to S3 of ${o.trickleSamples}, s`,
      ours.trickle?.worstMs,
      conn.trickle?.worstMs,
      (n) => (n / 1000).toFixed(1),
    );
  }
  const head = ["", ours.name, conn.name, "Connect / ours"];
  const lines = [head, head.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`);
  return `same broker, same S3 (every request ${o.latencyMs} ms later), interval ${INTERVAL_MS / 1000} s\n\n${lines.join("\n")}\n`;
}
