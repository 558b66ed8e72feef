/**
 * `pnpm --filter @weblog/infra bench:iceberg`: our sink writing an Iceberg table (`consumer --sink --format
 * iceberg`) beside Apache Iceberg's own Kafka Connect sink (infra/connect/iceberg-sink.json on a local worker), on
 * the same broker, REST catalog and S3 (S3Proxy, direct), each draining its own copy of the same records (one topic
 * filled once; a table each, the web-log schema both) at a 10 s commit interval. Records/s from the engine ready
 * (ours spawned; Connect's task RUNNING) until the table's current snapshot counts every record; CPU seconds over that
 * span and peak RSS of the engine's processes (/proc); snapshots and data files; the verifier's verdict on each table.
 * Ours first: the baseline of every ratio. BENCH_ICEBERG_CONNECT_RECORDS (default 100,000). Never a test.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { createS3Client } from "@weblog/s3";
import {
  type IcebergCatalog,
  type KafkaHandle,
  type LocalS3Server,
  runCli,
  spawnCli,
  startIcebergCatalog,
  startIcebergConnect,
  startKafka,
  startLocalS3Server,
  uniqueName,
} from "@weblog/testkit";
import { REPO_ROOT } from "../test/paths";
import { creds } from "./engines";
import { produce, say, topicWith } from "./legs";
import { sampleUsage } from "./proc-usage";

const CONSUMER = `${REPO_ROOT}/apps/consumer/dist/main.js`;
const VERIFIER = `${REPO_ROOT}/apps/s3-verifier/dist/main.js`;
const INTERVAL_MS = 10_000;
const RECORDS = Number(process.env.BENCH_ICEBERG_CONNECT_RECORDS ?? 100_000);

type Ctx = { kafka: KafkaHandle; s3: LocalS3Server; catalog: IcebergCatalog; bucket: string; dir: string };
type Started = {
  root: number;
  group: string;
  verifierArgs: string[];
  /** Why the engine stopped on its own, or undefined. */
  failure(): string | undefined;
  stop(): Promise<void>;
};
type Engine = { name: string; start(c: Ctx, topic: string, table: string): Promise<Started> };

const ours: Engine = {
  name: "ours (consumer --sink --format iceberg)",
  async start(c, topic, table) {
    const group = uniqueName("bench-ice");
    const child = spawnCli(
      CONSUMER,
      [
        "--sink",
        ...["--brokers", c.kafka.bootstrap, "--group", group, "--topics", topic],
        ...["--bucket", c.bucket, "--store-url", c.s3.endpoint, "--region", c.s3.region],
        ...["--format", "iceberg", "--iceberg-table", table, "--iceberg-catalog-uri", c.catalog.uri],
        ...["--iceberg-commit-interval-ms", String(INTERVAL_MS), "--flush-size", "10000"],
        ...["--rotate-schedule-interval-ms", String(INTERVAL_MS)],
      ],
      { env: { ...creds(c.s3), WEBLOG_LOG_LEVEL: "warn" } },
    );
    let failure: string | undefined;
    let stopping = false;
    void child.waitForExit(3_600_000).then(
      (r) => {
        if (!stopping)
          failure = `the sink exited ${r.code}: ${r.stderr.trim().split("\n").slice(-3).join(" ")}`;
      },
      () => {},
    );
    return {
      root: child.pid ?? 0,
      group,
      verifierArgs: [],
      failure: () => failure,
      async stop() {
        stopping = true;
        child.kill("SIGTERM");
        await child.waitForExit(15_000).catch(() => {});
      },
    };
  },
};

const apache: Engine = {
  name: "Kafka Connect + Apache Iceberg sink 1.12.0",
  async start(c, topic, table) {
    const k = await startIcebergConnect({
      bootstrap: c.kafka.bootstrap,
      s3: c.s3,
      bucket: c.bucket,
      catalogUri: c.catalog.uri,
      topic,
      table,
      settings: { "iceberg.control.commit.interval-ms": String(INTERVAL_MS) },
      repoRoot: REPO_ROOT,
      dir: c.dir,
    });
    return {
      root: k.worker.pgid,
      group: k.group,
      verifierArgs: ["--iceberg-offsets", "kafka"],
      failure: () => undefined,
      stop: () => k.stop(),
    };
  },
};

/** The current snapshot's summary and the number of snapshots ({} and 0 before the first). */
async function tableState(catalogUri: string, table: string) {
  const [ns, name] = table.split(".") as [string, string];
  const res = await fetch(`${catalogUri}/v1/namespaces/${ns}/tables/${name}`);
  if (!res.ok) return { summary: {} as Record<string, string>, snapshots: 0 };
  const { metadata } = (await res.json()) as {
    metadata: {
      "current-snapshot-id"?: number;
      snapshots?: { "snapshot-id": number; summary: Record<string, string> }[];
    };
  };
  const snap = metadata.snapshots?.find((s) => s["snapshot-id"] === metadata["current-snapshot-id"]);
  return { summary: snap?.summary ?? {}, snapshots: metadata.snapshots?.length ?? 0 };
}

async function leg(c: Ctx, engine: Engine, topic: string) {
  const table = `bench.${uniqueName("t").replace(/-/g, "_")}`;
  const run = await engine.start(c, topic, table);
  const ready = Date.now();
  const usage = sampleUsage(run.root);
  let state = await tableState(c.catalog.uri, table);
  let spent: ReturnType<typeof usage.stop>;
  try {
    const deadline = ready + 1_800_000;
    for (let round = 0; Date.now() < deadline && round < 3600; round++) {
      const failed = run.failure();
      if (failed) throw new Error(`${engine.name}: ${failed}`);
      state = await tableState(c.catalog.uri, table);
      if (Number(state.summary["total-records"] ?? 0) >= RECORDS) break;
      if (round % 60 === 59)
        say(`${engine.name}: ${state.summary["total-records"] ?? 0}/${RECORDS} in ${table}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    spent = usage.stop();
  }
  const seconds = (Date.now() - ready) / 1000;
  const verdict = await runCli(
    VERIFIER,
    [
      ...[
        "--bucket",
        c.bucket,
        "--endpoint",
        c.s3.endpoint,
        "--topic",
        topic,
        "--brokers",
        c.kafka.bootstrap,
      ],
      ...["--group", run.group, "--iceberg-table", table, "--iceberg-catalog-uri", c.catalog.uri],
      ...run.verifierArgs,
    ],
    { env: creds(c.s3), timeoutMs: 600_000 },
  );
  await run.stop();
  const rows = Number(state.summary["total-records"] ?? 0);
  return {
    name: engine.name,
    rate: rows >= RECORDS ? RECORDS / seconds : 0,
    cpu: spent.cpuSeconds,
    rss: spent.peakRssMiB,
    snapshots: state.snapshots,
    files: Number(state.summary["total-data-files"] ?? 0),
    verdict: verdict.code === 0 ? "OK" : `FAIL (${verdict.stdout.trim().split("\n").pop()})`,
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "weblog-bench-iceberg-"));
  const bucket = uniqueName("bench-ice").toLowerCase();
  const [kafka, s3] = await Promise.all([startKafka(), startLocalS3Server()]);
  let catalog: IcebergCatalog | undefined;
  try {
    const client = createS3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      pathStyle: true,
      credentials: s3.credentials,
    });
    await client.send(new CreateBucketCommand({ Bucket: bucket })).finally(() => client.destroy());
    catalog = await startIcebergCatalog({ s3, warehouse: `s3://${bucket}/warehouse` });
    const c: Ctx = { kafka, s3, catalog, bucket, dir };
    const topic = await topicWith(kafka, "bench-ice");
    say(`producing ${RECORDS} records into ${topic}`);
    await produce(kafka, topic, RECORDS);
    const rows = [];
    for (const engine of [ours, apache]) {
      say(`${engine.name}: draining ${RECORDS} records into a table`);
      rows.push(await leg(c, engine, topic));
    }
    const [base, other] = rows as [(typeof rows)[0], (typeof rows)[0]];
    const f = (n: number, d = 0) =>
      n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
    const lines = [
      `Iceberg table sinks, ${f(RECORDS)} records already in a 4-partition topic, commit interval ${INTERVAL_MS / 1000} s, same broker/catalog/S3, one run`,
      "| engine | records/s | CPU s | peak RSS MiB | snapshots | data files | verifier |",
      "|---|---:|---:|---:|---:|---:|---|",
      ...rows.map(
        (r) =>
          `| ${r.name} | ${f(r.rate)} | ${f(r.cpu, 1)} | ${f(r.rss)} | ${r.snapshots} | ${r.files} | ${r.verdict} |`,
      ),
      `| ours / Apache | ${other.rate ? f(base.rate / other.rate, 2) : "-"}x | ${other.cpu ? f(base.cpu / other.cpu, 2) : "-"}x | ${other.rss ? f(base.rss / other.rss, 2) : "-"}x | | | |`,
      "target (issue 22): ours >= 1.5x Apache's records/s, with less CPU and peak RSS (ratios < 1)",
    ];
    process.stdout.write(`\n${lines.join("\n")}\n`);
  } finally {
    await catalog?.stop();
    await Promise.allSettled([s3.stop(), kafka.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exit(1);
});
