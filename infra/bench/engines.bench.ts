/**
 * `pnpm --filter @weblog/infra bench`: our sink and Kafka Connect + Aiven's S3 sink side by side, on the same
 * Kafka topic and the same S3 server (two buckets), with the same batching (10 records per object, 10 s interval).
 *
 * 1. Throughput: BENCH_RECORDS (default 400,000) records in 4 partitions, produced up front; each engine sinks them
 *    into its own bucket. Reported: records/s from the engine's start to the last committed offset and from the
 *    first object's LastModified to the last's, CPU seconds of the engine's processes (JVM included, /proc), peak
 *    RSS of its largest process, and the verifier's verdict on its bucket.
 * 2. Crash: records trickle in (BENCH_KILL_RECORDS at BENCH_KILL_RATE/s); each engine is killed (kill -9) once
 *    mid-run and restarted; the verifier's count of missing and duplicated records in each bucket.
 *
 * Connect runs only where Aiven's plugin is installed (infra/local/connect/fetch-plugin.sh); otherwise its rows
 * say why. Speed figures are for comparison within one run, on one machine: never a test.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { createS3Client, listAllObjects } from "@weblog/s3";
import { topicsDirPrefix } from "@weblog/sink-contract";
import {
  type CliHandle,
  type KafkaHandle,
  type LocalS3Server,
  pluginStatus,
  runCli,
  spawnCli,
  startAivenConnect,
  startKafka,
  startLocalS3Server,
  uniqueName,
} from "@weblog/testkit";
import { Kafka, logLevel } from "kafkajs";
import { REPO_ROOT } from "../test/paths";
import { sampleUsage } from "./proc-usage";

const N = Number(process.env.BENCH_RECORDS ?? 400_000);
const KILL_N = Number(process.env.BENCH_KILL_RECORDS ?? 3000);
const KILL_RATE = Number(process.env.BENCH_KILL_RATE ?? 100);
const PRODUCER = join(REPO_ROOT, "apps/producer/dist/main.js");
const CONSUMER = join(REPO_ROOT, "apps/consumer/dist/main.js");
const VERIFIER = join(REPO_ROOT, "apps/s3-verifier/dist/main.js");
const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

type Running = {
  root: number;
  group: string;
  verifierArgs: string[];
  /** Why the engine stopped on its own (not by kill()), or undefined. */
  failure(): string | undefined;
  kill(): void;
  restart(): Promise<void>;
  stop(): Promise<void>;
};
type Engine = { name: string; unavailable?: string; start(topic: string, bucket: string): Promise<Running> };

function engines(kafka: KafkaHandle, s3: LocalS3Server, dir: string): Engine[] {
  const creds = {
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  };
  const ours: Engine = {
    name: "ours (consumer --sink)",
    async start(topic, bucket) {
      const group = uniqueName("bench-sink");
      const args = [
        "--sink",
        ...["--brokers", kafka.bootstrap, "--group", group, "--topics", topic],
        ...["--bucket", bucket, "--store-url", s3.endpoint, "--region", s3.region],
        ...["--flush-size", "10", "--rotate-schedule-interval-ms", "10000"],
      ];
      const client = createS3Client({
        endpoint: s3.endpoint,
        region: s3.region,
        pathStyle: true,
        credentials: s3.credentials,
      });
      await client.send(new CreateBucketCommand({ Bucket: bucket })).finally(() => client.destroy());
      let failure: string | undefined;
      let killed = false;
      const spawn = () => {
        const c = spawnCli(CONSUMER, args, { env: { ...creds, WEBLOG_LOG_LEVEL: "warn" } });
        void c.waitForExit(24 * 3_600_000).then(
          (r) => {
            if (!killed)
              failure = `the sink exited ${r.code}: ${r.stderr.trim().split("\n").slice(-3).join(" ")}`;
          },
          () => {},
        );
        return c;
      };
      let child: CliHandle = spawn();
      return {
        get root() {
          return child.pid ?? 0;
        },
        group,
        verifierArgs: ["--flush-size", "10"],
        failure: () => failure,
        kill: () => {
          killed = true;
          child.kill("SIGKILL");
        },
        async restart() {
          await child.waitForExit(10_000).catch(() => {});
          killed = false;
          child = spawn();
        },
        async stop() {
          killed = true;
          child.kill("SIGTERM");
          await child.waitForExit(15_000).catch(() => {});
        },
      };
    },
  };
  const plugin = pluginStatus("aiven-s3");
  const connect: Engine = {
    name: "Kafka Connect + Aiven S3 sink",
    unavailable: plugin.installed ? undefined : plugin.reason,
    async start(topic, bucket) {
      const c = await startAivenConnect({
        bootstrap: kafka.bootstrap,
        s3,
        bucket,
        topic,
        repoRoot: REPO_ROOT,
        dir,
      });
      return {
        get root() {
          return c.worker.pgid;
        },
        group: c.group,
        verifierArgs: ["--config", c.configFile],
        failure: () => undefined,
        kill: () => process.kill(-c.worker.pgid, "SIGKILL"),
        restart: async () => {
          await c.restart();
        },
        stop: () => c.stop(),
      };
    },
  };
  return [ours, connect];
}

async function admin<T>(kafka: KafkaHandle, fn: (a: ReturnType<Kafka["admin"]>) => Promise<T>): Promise<T> {
  const a = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
  await a.connect();
  try {
    return await fn(a);
  } finally {
    await a.disconnect();
  }
}

async function committed(kafka: KafkaHandle, group: string, topic: string): Promise<number> {
  const [t] = await admin(kafka, (a) => a.fetchOffsets({ groupId: group, topics: [topic] }));
  return (t?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
}

/** Polls (bounded) until the engine's group has committed `total` records of `topic`; ms when it did. */
async function waitCommitted(
  kafka: KafkaHandle,
  r: Running,
  topic: string,
  total: number,
  timeoutMs: number,
) {
  const group = r.group;
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; round < timeoutMs / 1000 && Date.now() < deadline; round++) {
    const failed = r.failure();
    if (failed) throw new Error(failed);
    const n = await committed(kafka, group, topic).catch(() => 0);
    if (n >= total) return Date.now();
    if (round % 15 === 14) say(`${group}: ${n}/${total} committed`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${group} did not commit ${total} records of ${topic} within ${timeoutMs / 1000} s`);
}

async function objectSpan(s3: LocalS3Server, bucket: string) {
  const client = createS3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    pathStyle: true,
    credentials: s3.credentials,
  });
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  let objects = 0;
  try {
    for await (const o of listAllObjects(client, bucket, topicsDirPrefix())) {
      objects++;
      const t = o.lastModified?.getTime() ?? 0;
      first = Math.min(first, t);
      last = Math.max(last, t);
    }
  } finally {
    client.destroy();
  }
  return { objects, spanMs: last - first };
}

async function verify(
  kafka: KafkaHandle,
  s3: LocalS3Server,
  bucket: string,
  topic: string,
  r: Running,
  extra: string[],
) {
  const res = await runCli(
    VERIFIER,
    [
      "--bucket",
      bucket,
      "--endpoint",
      s3.endpoint,
      "--topic",
      topic,
      "--brokers",
      kafka.bootstrap,
      "--group",
      r.group,
      "--json",
      ...r.verifierArgs,
      ...extra,
    ],
    {
      env: {
        AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      },
      timeoutMs: 600_000,
    },
  );
  const report = JSON.parse(res.stdout) as {
    ok: boolean;
    totals: { records: number; duplicateRecords: number; missing: number | null };
    partitions: { overlaps: number; gaps: { from: number; to: number }[] }[];
  };
  const gaps = report.partitions.reduce(
    (n, p) => n + p.gaps.reduce((g, x) => g + Number(x.to) - Number(x.from) + 1, 0),
    0,
  );
  const overlaps = report.partitions.reduce((n, p) => n + Number(p.overlaps), 0);
  return {
    verdict: res.code === 0 ? "ok (exit 0)" : `FAIL (exit ${res.code})`,
    missing: gaps + Number(report.totals.missing ?? 0),
    duplicates: overlaps + Number(report.totals.duplicateRecords),
  };
}

async function topicWith(kafka: KafkaHandle, name: string): Promise<string> {
  const topic = uniqueName(name);
  await admin(kafka, (a) => a.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true }));
  return topic;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "weblog-bench-"));
  const [kafka, s3] = await Promise.all([startKafka(), startLocalS3Server()]);
  const rows: string[][] = [];
  const crashRows: string[][] = [];
  try {
    const topic = await topicWith(kafka, "bench");
    say(`producing ${N} records to ${topic} (4 partitions)`);
    const produced = await runCli(
      PRODUCER,
      ["--brokers", kafka.bootstrap, "--topic", topic, "--count", String(N), "--rate", "0"],
      { timeoutMs: 1_800_000 },
    );
    if (produced.code !== 0) throw new Error(`producer failed: ${produced.stderr}`);
    for (const engine of engines(kafka, s3, dir)) {
      if (engine.unavailable) {
        rows.push([engine.name, `not run: ${engine.unavailable}`]);
        crashRows.push([engine.name, "not run"]);
        continue;
      }
      const bucket = uniqueName("bench").toLowerCase();
      const began = Date.now();
      const r = await engine.start(topic, bucket);
      const usage = sampleUsage(r.root);
      const done = await waitCommitted(kafka, r, topic, N, 3_600_000);
      const { cpuSeconds, peakRssMiB } = usage.stop();
      await r.stop();
      const span = await objectSpan(s3, bucket);
      const v = await verify(kafka, s3, bucket, topic, r, ["--expect-count", String(N)]);
      rows.push([
        engine.name,
        `${Math.round(N / ((done - began) / 1000))}`,
        span.spanMs > 0 ? `${Math.round(N / (span.spanMs / 1000))}` : "-",
        cpuSeconds.toFixed(1),
        peakRssMiB.toFixed(0),
        String(span.objects),
        v.verdict,
      ]);
      say(`${engine.name}: done, ${rows.at(-1)?.join(" | ")}`);

      // crash run: trickling records, one kill -9 mid-run, restart
      const crashTopic = await topicWith(kafka, "bench-kill");
      const crashBucket = uniqueName("bench-kill").toLowerCase();
      const c = await engine.start(crashTopic, crashBucket);
      const producer = spawnCli(PRODUCER, [
        "--brokers",
        kafka.bootstrap,
        "--topic",
        crashTopic,
        "--count",
        String(KILL_N),
        "--rate",
        String(KILL_RATE),
      ]);
      const half = Date.now() + (KILL_N / KILL_RATE / 2) * 1000;
      while (Date.now() < half) await new Promise((res) => setTimeout(res, 250));
      c.kill();
      await c.restart();
      await producer.waitForExit(600_000);
      await waitCommitted(kafka, c, crashTopic, KILL_N, 600_000);
      await c.stop();
      const cv = await verify(kafka, s3, crashBucket, crashTopic, c, ["--allow-duplicates"]);
      crashRows.push([engine.name, String(KILL_N), String(cv.missing), String(cv.duplicates), cv.verdict]);
    }
  } finally {
    await s3.stop();
    await kafka.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const table = (head: string[], body: string[][]) =>
    [head, head.map(() => "---"), ...body].map((r) => `| ${r.join(" | ")} |`).join("\n");
  process.stdout.write(
    `\n${N} records, 4 partitions, 10 records per object, one S3Proxy, one broker\n\n${table(
      [
        "engine",
        "records/s (start to last commit)",
        "records/s (first to last object)",
        "CPU s",
        "peak RSS MiB",
        "objects",
        "verifier",
      ],
      rows,
    )}\n\nkill -9 once mid-run, restarted (${KILL_N} records at ${KILL_RATE}/s, wall-clock rotation on)\n\n${table(
      ["engine", "records", "missing", "duplicated", "verifier (duplicates allowed)"],
      crashRows,
    )}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exit(1);
});
