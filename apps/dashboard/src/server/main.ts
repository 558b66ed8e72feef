/**
 * `dashboard`: a live web page of the pipeline. Polls the producer's and the sink's /metrics (when given), Kafka
 * (watermarks and the engine group's commits, when --brokers is given) and the bucket every --poll, runs the
 * verifier every --verify-every, and serves the page and /api/state. Works with either engine: with Kafka Connect
 * (no Prometheus) the page shows what Kafka and S3 show.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  createCommand,
  createLogger,
  ExpectedError,
  envName,
  Option,
  onShutdown,
  parsers,
  runMain,
  UsageError,
} from "@weblog/cli";
import { createKafka, loadKafkaSettings } from "@weblog/kafka-client";
import { createS3Client } from "@weblog/s3";
import type { DashboardState } from "../shared/state";
import { serveDashboard } from "./http";
import { createIcebergWatcher } from "./iceberg-view";
import { createKafkaWatcher, type PartitionRow } from "./kafka-view";
import { createS3Watcher, type S3View } from "./s3-view";
import { metricsUrl, scrape } from "./scrape";
import { buildState, type Counters } from "./state";
import { createVerdictRunner, verifierPath } from "./verdict";

interface Flags {
  port: number;
  host: string;
  producerMetrics?: string;
  sinkMetrics?: string;
  topic: string;
  bucket: string;
  endpoint: string;
  region: string;
  brokers?: string;
  group: string;
  engine?: string;
  flushSize?: number;
  verifierConfig?: string;
  verifyEvery: number;
  poll: number;
  icebergTable?: string;
  icebergCatalogUri: string;
}

const opt = (flags: string, description: string) => {
  const long = flags.match(/--[a-z-]+/)?.[0] ?? flags;
  return new Option(flags, description).env(envName(long));
};
const url = (flag: string) => (v: string) => {
  try {
    return metricsUrl(v);
  } catch {
    throw new ExpectedError(`${flag} "${v}" is not a URL; e.g. http://127.0.0.1:9464`);
  }
};

function parse(argv: string[]): Flags {
  const cmd = createCommand("dashboard", "Live web dashboard of producer -> Kafka -> sink or Connect -> S3.")
    .addOption(
      opt("--port <n>", "port to serve on (0: a free one)")
        .default(8090)
        .argParser(parsers.int("--port", { min: 0, max: 65535 })),
    )
    .addOption(opt("--host <host>", "address to bind").default("127.0.0.1"))
    .addOption(
      opt("--producer-metrics <url>", "the producer's metrics URL (producer --metrics-port)").argParser(
        url("--producer-metrics"),
      ),
    )
    .addOption(
      opt("--sink-metrics <url>", "the sink's metrics URL (consumer --sink --metrics-port)").argParser(
        url("--sink-metrics"),
      ),
    )
    .addOption(new Option("--topic <name>", "topic").env("WEBLOG_TOPIC").default("weblogs"))
    .addOption(new Option("--bucket <name>", "bucket").env("S3_BUCKET").default("weblogs"))
    .addOption(
      new Option("--endpoint <url>", "S3 endpoint (path-style)")
        .env("S3_ENDPOINT")
        .default("http://localhost:9000"),
    )
    .addOption(new Option("--region <region>", "S3 region").env("S3_REGION").default("us-east-1"))
    .addOption(
      new Option(
        "--brokers <list>",
        "Kafka brokers: lag from the engine group's commits, and the verifier",
      ).env("KAFKA_BROKERS"),
    )
    .addOption(
      opt("--group <id>", "the engine's consumer group (Kafka Connect: connect-<name>)").default(
        "weblog-s3-sink",
      ),
    )
    .addOption(
      opt("--engine <name>", "label of the engine (default: sink with --sink-metrics, else connect)"),
    )
    .addOption(
      opt("--flush-size <n>", "flush.size (derives the cut reason of objects without metadata)").argParser(
        parsers.int("--flush-size", { min: 1 }),
      ),
    )
    .addOption(opt("--verifier-config <file>", "connector JSON handed to the verifier (--config)"))
    .addOption(
      opt(
        "--verify-every <time>",
        "run the verifier at most this often, once the bucket changed and held still (0: never)",
      )
        .default(10_000)
        .argParser(parsers.duration("--verify-every", { min: 0 })),
    )
    .addOption(
      opt(
        "--iceberg-table <ns.table>",
        "show this Apache Iceberg table's newest snapshots (the sink's --format iceberg output)",
      ),
    )
    .addOption(
      opt("--iceberg-catalog-uri <url>", "the table's Iceberg REST catalog").default("http://localhost:8181"),
    )
    .addOption(
      opt("--poll <time>", "how often metrics, Kafka and S3 are read")
        .default(1000)
        .argParser(parsers.duration("--poll", { min: 200 })),
    );
  cmd.parse(argv, { from: "user" });
  const f = cmd.opts<Flags>();
  if (f.icebergTable !== undefined && !/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/.test(f.icebergTable))
    throw new UsageError(`--iceberg-table "${f.icebergTable}" is not namespace.table, e.g. weblog.logs.`);
  if (!/^https?:\/\/[^\s/@]+(:\d+)?(\/\S*)?$/.test(f.icebergCatalogUri))
    throw new UsageError(
      "--iceberg-catalog-uri is not an http(s) URL without user info, e.g. http://localhost:8181.",
    );
  return f;
}

runMain("dashboard", async (argv) => {
  const f = parse(argv);
  const logger = createLogger({ name: "dashboard" });
  const webRoot = fileURLToPath(new URL("./web", import.meta.url));
  if (!existsSync(`${webRoot}/index.html`))
    throw new ExpectedError(
      `${webRoot}/index.html is missing: build the dashboard first (pnpm --filter dashboard build).`,
    );
  const s3Client = createS3Client({ endpoint: f.endpoint, region: f.region, pathStyle: true });
  const s3 = createS3Watcher({
    client: s3Client,
    endpoint: f.endpoint,
    bucket: f.bucket,
    topic: f.topic,
    flushSize: f.flushSize,
  });
  const kafka = f.brokers
    ? createKafkaWatcher({
        admin: createKafka(loadKafkaSettings({ env: {}, flags: { brokers: f.brokers } }), { logger }).admin(),
        topic: f.topic,
        group: f.group,
      })
    : null;
  const iceberg = f.icebergTable
    ? createIcebergWatcher({ table: f.icebergTable, catalogUri: f.icebergCatalogUri, group: f.group })
    : null;
  const vpath = verifierPath();
  const verifier =
    vpath && f.verifyEvery > 0
      ? createVerdictRunner({
          path: vpath,
          args: [
            ...["--bucket", f.bucket, "--endpoint", f.endpoint, "--region", f.region, "--topic", f.topic],
            ...(f.brokers ? ["--brokers", f.brokers, "--group", f.group] : []),
            ...(f.flushSize ? ["--flush-size", String(f.flushSize)] : []),
            ...(f.verifierConfig ? ["--config", f.verifierConfig] : []),
            // The verifier checks the table instead of objects (it needs --brokers and --group for that).
            ...(f.icebergTable && f.brokers
              ? ["--iceberg-table", f.icebergTable, "--iceberg-catalog-uri", f.icebergCatalogUri]
              : []),
          ],
        })
      : null;

  const engine = f.engine ?? (f.sinkMetrics ? "sink" : "connect");
  const history: Counters[] = [];
  let state: DashboardState | null = null;
  const pollOnce = async () => {
    const [producer, sink, s3View, kafkaRows, icebergView] = await Promise.all([
      f.producerMetrics ? scrape(f.producerMetrics) : undefined,
      f.sinkMetrics ? scrape(f.sinkMetrics) : undefined,
      s3.poll().catch((err: unknown): { error: string } => ({ error: (err as Error).message })),
      kafka ? kafka.poll().catch((): PartitionRow[] | null => null) : null,
      iceberg?.poll(),
    ]);
    state = buildState(
      {
        atMs: Date.now(),
        topic: f.topic,
        bucket: f.bucket,
        engine,
        producer: producer && f.producerMetrics ? { url: f.producerMetrics, scrape: producer } : undefined,
        sink: sink && f.sinkMetrics ? { url: f.sinkMetrics, scrape: sink } : undefined,
        s3: s3View as S3View | { error: string },
        kafka: kafkaRows,
        verdict: verifier?.last ?? null,
        iceberg: icebergView,
      },
      history,
      state,
    );
  };
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const t = Date.now();
      await pollOnce().catch((err: unknown) =>
        logger.warn({ err: { message: (err as Error).message } }, "poll failed"),
      );
      await new Promise((r) => setTimeout(r, Math.max(50, f.poll - (Date.now() - t))));
    }
  };
  // The verifier reads every object: run it when the bucket (or the table) changed and then held still for a poll (a verdict on
  // a settled bucket, and no competition with the pipeline while it moves), at most every --verify-every.
  const verifyLoop = async () => {
    let verifiedObjects = -1;
    let previous = -1;
    while (!stopped && verifier) {
      // With a table, its snapshots are what changes (its data files are not under the topic's prefix).
      const st = state as DashboardState | null;
      const objects = (st?.iceberg ? st.iceberg.snapshotCount : st?.s3?.objects) ?? -1;
      const quiet = objects >= 0 && objects === previous;
      previous = objects;
      if (quiet && objects !== verifiedObjects) {
        await verifier.run();
        verifiedObjects = objects;
        await new Promise((r) => setTimeout(r, f.verifyEvery));
      } else await new Promise((r) => setTimeout(r, Math.max(f.poll, 500)));
    }
  };
  const server = await serveDashboard({ host: f.host, port: f.port, webRoot, state: () => state });
  process.stdout.write(`dashboard: ${server.url}\n`);
  logger.info({ url: server.url, engine, topic: f.topic, bucket: f.bucket }, "dashboard serving");
  const done = new Promise<void>((resolve) => {
    onShutdown(
      async () => {
        stopped = true;
        await server.close();
        await kafka?.close();
        s3Client.destroy();
        resolve();
      },
      { logger },
    );
  });
  void loop();
  void verifyLoop();
  await done;
  return 0;
});
