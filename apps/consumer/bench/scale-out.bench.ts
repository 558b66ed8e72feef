/**
 * Scale-out on one machine (issue 23): CPU seconds per million records for 1, 2 and 4 sink instances in one group
 * over a 24-partition topic, and one instance's peak RSS with 256 partitions assigned.
 *
 * Each instance is our consumer CLI (`dist/main.js --sink`) in its own process, on the shared broker and S3
 * (startKafka / startS3: `stack.js run`'s, else local ones), flush.size 10,000. A run: a fresh 24-partition topic and
 * group, the k instances started and waited on until the group is settled (every instance's last "joined the group"
 * holds a share, no partition twice, all 24 covered); each instance's CPU is read from /proc/<pid>/stat then (start-up
 * and joining left out), the records are produced by kcat (exactly BENCH_SCALE_PER_PARTITION per partition, so every
 * object is cut by flush.size; see produceFast), and once the group's committed offsets reach the end each instance's CPU is read again, before it
 * is stopped. CPU s per million = the sum over the instances / records. Before the records, the settled group idles
 * IDLE_MS and its CPU rate is reported too, and the figure with that rate times the run's length taken out (what the
 * records cost beyond the instances' fixed polling), so a gap between 1 and 4 instances can be told apart. Rounds interleave 1, 2 and 4 instances, so a
 * burst of load from elsewhere hits every case alike; the table gives the median and the spread.
 * RSS: one instance on a 256-partition topic; VmHWM once it has joined (the floor, no record yet) and after every
 * record is committed (the rotation interval cuts the partial objects).
 * Usage: pnpm --filter consumer bench (runs it after the others), or alone after `pnpm --filter consumer bench` built
 * it: node apps/consumer/bench/dist/scale-out.bench.js   (BENCH_SCALE_ROUNDS=3, BENCH_SCALE_PER_PARTITION=20000,
 * BENCH_RSS_PER_PARTITION=1000)
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createFakeLog } from "@weblog/fake-log";
import { ensureTopic, fetchCommittedOffsets } from "@weblog/kafka-client";
import { encode } from "@weblog/log-schema";
import {
  type CliHandle,
  type KafkaHandle,
  produceWithKcat,
  type S3Handle,
  spawnCli,
  startKafka,
  startS3,
} from "@weblog/testkit";
import { kafkaOf, uid, until } from "./legs";

const PARTITIONS = 24;
const INSTANCES = [1, 2, 4] as const;
const ROUNDS = Number(process.env.BENCH_SCALE_ROUNDS ?? 3);
const PER_PARTITION = Number(process.env.BENCH_SCALE_PER_PARTITION ?? 20_000);
const RSS_PARTITIONS = 256;
const RSS_PER_PARTITION = Number(process.env.BENCH_RSS_PER_PARTITION ?? 1_000);
const FLUSH_SIZE = 10_000;
/** How long the settled group is watched idle before the records come (its CPU rate is reported). */
const IDLE_MS = 5_000;
const MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
const TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** User + system CPU seconds of a live process (/proc/<pid>/stat fields 14 and 15, after the command name). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** Peak RSS so far (VmHWM) of a live process, MiB. */
export function peakRssMiB(pid: number): number {
  const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb ?? Number.NaN) / 1024;
}

/** The assignment of an instance's last "joined the group" log line (pino JSON on stderr), as partition numbers. */
export function lastAssignment(stderr: string, topic: string): number[] | undefined {
  let last: number[] | undefined;
  for (const line of stderr.split("\n")) {
    if (!line.includes('"joined the group"')) continue;
    try {
      const entry = JSON.parse(line) as { assignment?: Record<string, number[]> };
      last = entry.assignment?.[topic] ?? [];
    } catch {
      // a line cut by the pipe: the next read sees it whole
    }
  }
  return last;
}

/** True when every instance's last join holds a share, no partition is held twice and all `partitions` are held. */
export function settled(assignments: (number[] | undefined)[], partitions: number): boolean {
  const seen = new Set<number>();
  for (const a of assignments) {
    if (!a || a.length === 0) return false;
    for (const p of a) {
      if (seen.has(p)) return false;
      seen.add(p);
    }
  }
  return seen.size === partitions;
}

/**
 * Exactly lines.length / partitions lines into each partition with `kcat -P -p` (librdkafka: ~1 us of CPU a record,
 * a few hundred thousand records a second here), four partitions at a time. A fast producer outside Node keeps the
 * sinks reading full fetches, as from a backlog, for any number of instances: a slow producer in this process would
 * compete with them for the 2 cores and make them read a trickle, which costs more per record the more instances
 * share it (a first run producing with kafkajs: 1.66x at 2 instances, 2.24x at 4, at 10k records/s).
 */
async function produceFast(h: KafkaHandle, topic: string, lines: string[], partitions: number) {
  const per = lines.length / partitions;
  if (!Number.isInteger(per)) throw new Error(`bench: ${lines.length} lines do not split over ${partitions}`);
  let next = 0;
  const worker = async () => {
    for (let p = next++; p < partitions; p = next++) {
      await produceWithKcat({
        bootstrap: h.bootstrap,
        topic,
        lines: lines.slice(p * per, (p + 1) * per),
        partition: p,
        timeoutMs: 120_000,
      });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

function startSink(
  h: KafkaHandle,
  s3: S3Handle,
  topic: string,
  group: string,
  extra: string[] = [],
): CliHandle {
  return spawnCli(
    MAIN,
    ["--sink", "--topics", topic, "--group", group, "--flush-size", String(FLUSH_SIZE), ...extra],
    {
      env: {
        KAFKA_BROKERS: h.bootstrap,
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: s3.bucket,
        AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
        WEBLOG_LOG_LEVEL: "info",
      },
    },
  );
}

function pidOf(cli: CliHandle): number {
  if (cli.pid === undefined) throw new Error(`bench: the sink did not start: ${cli.stderr().slice(-500)}`);
  return cli.pid;
}

/** Waits until the group's committed offsets on `topic` add up to `total` (every record written and committed). */
async function untilCommitted(
  h: KafkaHandle,
  group: string,
  topic: string,
  total: number,
  sinks: CliHandle[],
) {
  const kafka = kafkaOf(h);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 300_000;
    for (;;) {
      for (const s of sinks)
        if (s.child.exitCode !== null) throw new Error(`bench: a sink exited: ${s.stderr().slice(-500)}`);
      const committed = await fetchCommittedOffsets(kafka, group, topic, { admin });
      let sum = 0n;
      for (const o of committed.values()) sum += o ?? 0n;
      if (sum >= BigInt(total)) return;
      if (Date.now() > deadline) throw new Error(`bench: ${sum} of ${total} committed after 300 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

async function stopAll(sinks: CliHandle[]) {
  for (const s of sinks) if (s.child.exitCode === null) s.kill("SIGTERM");
  await Promise.all(sinks.map((s) => s.waitForExit(30_000)));
}

interface ScaleRun {
  instances: number;
  /** CPU seconds of each instance from the settled group to the last commit. */
  cpu: number[];
  /** CPU seconds per second of the instances idle (settled, no record yet), summed over them. */
  idlePerS: number;
  peakMiB: number[];
  records: number;
  ms: number;
}

async function scaleRun(h: KafkaHandle, s3: S3Handle, k: number, lines: string[]): Promise<ScaleRun> {
  const topic = `scale-${uid()}`;
  const group = `scale-${uid()}`;
  await ensureTopic(kafkaOf(h), { topic, partitions: PARTITIONS });
  const sinks = Array.from({ length: k }, () => startSink(h, s3, topic, group));
  try {
    await until(
      `${k} instances settled in the group`,
      () => {
        for (const s of sinks)
          if (s.child.exitCode !== null) throw new Error(`bench: a sink exited: ${s.stderr().slice(-500)}`);
        return settled(
          sinks.map((s) => lastAssignment(s.stderr(), topic)),
          PARTITIONS,
        );
      },
      120_000,
    );
    // Idle cost: the settled group, no record, for IDLE_MS (fetch polls, heartbeats, timers), summed over instances.
    const idle0 = sum(sinks.map((s) => cpuSeconds(pidOf(s))));
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const idlePerS = (sum(sinks.map((s) => cpuSeconds(pidOf(s)))) - idle0) / (IDLE_MS / 1000);
    const before = sinks.map((s) => cpuSeconds(pidOf(s)));
    const started = performance.now();
    await produceFast(h, topic, lines, PARTITIONS);
    await untilCommitted(h, group, topic, lines.length, sinks);
    const ms = performance.now() - started;
    const cpu = sinks.map((s, i) => cpuSeconds(pidOf(s)) - (before[i] as number));
    const peakMiB = sinks.map((s) => peakRssMiB(pidOf(s)));
    return { instances: k, cpu, idlePerS, peakMiB, records: lines.length, ms };
  } finally {
    await stopAll(sinks);
  }
}

async function rss256(h: KafkaHandle, s3: S3Handle, lines: string[]) {
  const topic = `rss256-${uid()}`;
  const group = `rss256-${uid()}`;
  await ensureTopic(kafkaOf(h), { topic, partitions: RSS_PARTITIONS });
  const sink = startSink(h, s3, topic, group, ["--rotate-schedule-interval-ms", "2000"]);
  try {
    await until(
      "one instance holding 256 partitions",
      () => {
        if (sink.child.exitCode !== null)
          throw new Error(`bench: the sink exited: ${sink.stderr().slice(-500)}`);
        return settled([lastAssignment(sink.stderr(), topic)], RSS_PARTITIONS);
      },
      120_000,
    );
    const floor = peakRssMiB(pidOf(sink));
    const c0 = cpuSeconds(pidOf(sink));
    await produceFast(h, topic, lines, RSS_PARTITIONS);
    await untilCommitted(h, group, topic, lines.length, [sink]);
    return { floor, peak: peakRssMiB(pidOf(sink)), cpu: cpuSeconds(pidOf(sink)) - c0, records: lines.length };
  } finally {
    await stopAll([sink]);
  }
}

/** The median (of an even count: the mean of the middle two). */
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const perMillion = (r: ScaleRun) => (sum(r.cpu) / r.records) * 1e6;
/** The same with the instances' idle rate times the run's length taken out: the work the records themselves cost. */
const busyPerMillion = (r: ScaleRun) => ((sum(r.cpu) - r.idlePerS * (r.ms / 1000)) / r.records) * 1e6;

async function main() {
  const [h, s3] = await Promise.all([startKafka(), startS3()]);
  try {
    const total = PARTITIONS * PER_PARTITION;
    const fake = createFakeLog({ seed: 23, startTime: "2026-01-01T00:00:00Z", rate: 1000 });
    const lines = fake.batch(Math.max(total, RSS_PARTITIONS * RSS_PER_PARTITION)).map((r) => encode(r));
    const avg = Math.round(lines.slice(0, 10_000).reduce((a, l) => a + l.length + 1, 0) / 10_000);
    console.log(
      `broker: ${h.backend} at ${h.bootstrap}; S3: ${s3.backend}; ${total.toLocaleString("en-US")} records (~${avg} B) over ${PARTITIONS} partitions per run, flush.size ${FLUSH_SIZE}, ${ROUNDS} rounds interleaved`,
    );
    const runs: ScaleRun[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const k of INSTANCES) {
        const r = await scaleRun(h, s3, k, lines.slice(0, total));
        runs.push(r);
        console.log(
          `  round ${round + 1}, ${k} instance(s): CPU s ${r.cpu.map((c) => c.toFixed(2)).join(" + ")} = ${perMillion(r).toFixed(2)} per million (idle ${r.idlePerS.toFixed(3)} CPU s/s in all: ${busyPerMillion(r).toFixed(2)} without it), ${Math.round((r.records * 1000) / r.ms).toLocaleString("en-US")} records/s, peak RSS ${r.peakMiB.map((m) => Math.round(m)).join(", ")} MiB`,
        );
      }
    }
    const rss = await rss256(h, s3, lines.slice(0, RSS_PARTITIONS * RSS_PER_PARTITION));

    const rows = INSTANCES.map((k) => {
      const mine = runs.filter((r) => r.instances === k);
      const per = mine.map(perMillion);
      return {
        k,
        per: median(per),
        busy: median(mine.map(busyPerMillion)),
        idle: median(mine.map((r) => r.idlePerS)),
        spread: `${Math.min(...per).toFixed(2)}-${Math.max(...per).toFixed(2)}`,
        rate: median(mine.map((r) => (r.records * 1000) / r.ms)),
        rss: Math.max(...mine.flatMap((r) => r.peakMiB)),
      };
    });
    const one = rows[0]?.per ?? Number.NaN;
    console.log("");
    console.log(
      "| sink instances (one group, 24 partitions) | CPU s per million records | spread | vs 1 instance | idle CPU s/s (all instances) | per million without idle | vs 1 | records/s | largest peak RSS MiB |",
    );
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    const oneBusy = rows[0]?.busy ?? Number.NaN;
    for (const r of rows) {
      console.log(
        `| ${r.k} | ${r.per.toFixed(2)} | ${r.spread} | ${(r.per / one).toFixed(2)}x | ${r.idle.toFixed(3)} | ${r.busy.toFixed(2)} | ${(r.busy / oneBusy).toFixed(2)}x | ${Math.round(r.rate).toLocaleString("en-US")} | ${Math.round(r.rss)} |`,
      );
    }
    console.log("");
    console.log(
      `| one instance, ${RSS_PARTITIONS} partitions assigned | joined, no record yet | after ${rss.records.toLocaleString("en-US")} records (${RSS_PER_PARTITION} per partition) |`,
    );
    console.log("| --- | ---: | ---: |");
    console.log(`| peak RSS MiB (VmHWM) | ${Math.round(rss.floor)} | ${Math.round(rss.peak)} |`);
    console.log(`(CPU of that run: ${((rss.cpu / rss.records) * 1e6).toFixed(2)} s per million records)`);
    const ratio = (rows[2]?.per ?? Number.NaN) / one;
    console.log(
      `target: CPU s per million at 4 instances <= 1.1x at 1 instance: ${ratio <= 1.1 ? "met" : "NOT met"} (${ratio.toFixed(2)}x)`,
    );
  } finally {
    await Promise.all([h.stop(), s3.stop()]);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
