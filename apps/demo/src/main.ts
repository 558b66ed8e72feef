/**
 * `pnpm demo`: the whole pipeline on this machine in well under a minute. Starts a broker and an S3 (testkit's:
 * Apache Kafka and S3Proxy as local JVMs here, Kafka + MinIO containers where Docker runs, or KAFKA_BROKERS /
 * S3_ENDPOINT when set), runs the engine (`--engine sink`, ours, default; or `--engine connect`: Kafka Connect with
 * Aiven's S3 sink, see engines.ts) and the producer, shows delivery live, waits
 * until the sink has committed every record (it commits only what is in S3), stops the sink, runs the verifier,
 * prints its table and a few objects. Exit 0 when the verifier is satisfied; servers and children are stopped on
 * every path, Ctrl-C included.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createLogger,
  createProgress,
  ExpectedError,
  formatCount,
  formatDuration,
  formatRate,
  onShutdown,
  runMain,
} from "@weblog/cli";
import { createKafka, ensureTopic, loadKafkaSettings } from "@weblog/kafka-client";
import { createS3Client } from "@weblog/s3";
import { topicPrefix } from "@weblog/sink-contract";
import {
  type CliHandle,
  type KafkaHandle,
  pluginStatus,
  runCli,
  type S3Handle,
  S3PROXY_VERSION,
  spawnCli,
  startIcebergCatalog,
  startKafka,
  startLocalS3Server,
  startS3,
} from "@weblog/testkit";
import { appPath } from "./apps";
import { type Coverage, coversAll, s3Coverage } from "./coverage";
import { isConnectEngine, startEngine } from "./engines";
import { parseOptions } from "./options";
import { sampleObjects } from "./samples";
import { rowCountCoverage, sampleTable, tableCoverage } from "./table";
import { pickMetricsPorts, startDashboard } from "./ui";
import { type Delivery, readDelivery } from "./watch";

const out = (line = "") => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tail = (text: string, lines = 8) => text.trim().split("\n").slice(-lines).join("\n");

async function demo(argv: string[]): Promise<number> {
  const opts = parseOptions(argv);
  const logger = createLogger({ name: "demo" });
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const started = performance.now();
  const since = () => formatDuration(performance.now() - started);

  // Everything started is stopped in reverse order, once, on every path.
  const cleanups: (() => Promise<unknown>)[] = [];
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    for (const c of cleanups.reverse())
      await c().catch((err: unknown) => logger.warn({ err }, "cleanup step failed"));
  };
  let interrupted = false;
  let lingering = false; // --ui after the verdict: Ctrl-C is the way out, exit 0
  const stopSignals = onShutdown(
    async () => {
      interrupted = true;
      process.stderr.write(`\ndemo: ${lingering ? "stopping" : "interrupted, stopping everything"}...\n`);
      await cleanup();
      process.exit(lingering ? 0 : 130);
    },
    { logger },
  );
  const stopChild = (child: CliHandle) => async () => {
    child.kill("SIGTERM");
    await child.waitForExit(10_000).catch(() => {});
  };

  try {
    const id = randomUUID().slice(0, 8);
    const topic = `demo-${id}`;
    const group = `demo-sink-${id}`;
    const connectEngine = isConnectEngine(opts.engine);
    const apacheIceberg = opts.engine === "connect-iceberg";
    const iceberg = opts.format === "iceberg" || apacheIceberg;
    if (connectEngine && opts.format !== "json")
      throw new ExpectedError(`--format ${opts.format} is our sink's: use it with --engine sink`);
    if (apacheIceberg && opts.ui)
      throw new ExpectedError(
        "--ui shows the sink and connect engines: drop --ui with --engine connect-iceberg",
      );
    const table = `demo.logs_${id}`;
    const plugin = pluginStatus(apacheIceberg ? "iceberg" : "aiven-s3");
    if (connectEngine && !plugin.installed) throw new ExpectedError(plugin.reason);
    const via = apacheIceberg
      ? "Kafka Connect (Apache Iceberg sink) -> Iceberg table"
      : connectEngine
        ? "Kafka Connect (Aiven S3 sink)"
        : "S3 sink";
    out(`weblog demo: fake web logs -> Kafka -> ${via} -> verifier`);

    const [kafka, s3] = await Promise.all([
      startKafka().then((k: KafkaHandle) => {
        cleanups.push(() => k.stop());
        return k;
      }),
      // Connect's AWS SDK for Java needs the S3 server itself (its streamed PUTs stall behind startS3()'s proxy)
      (connectEngine && !process.env.S3_ENDPOINT ? localS3() : startS3()).then((s: DemoS3) => {
        cleanups.push(() => s.stop());
        return s;
      }),
    ]);
    out(`[1/5] Kafka ${kafka.bootstrap}: ${kafka.server}  ${since()}`);
    out(`      S3 ${s3.endpoint} bucket ${s3.bucket}: ${s3.server}`);
    const catalog = iceberg
      ? await startIcebergCatalog({ s3, warehouse: `s3://${s3.bucket}/warehouse` }).then((c) => {
          cleanups.push(() => c.stop());
          return c;
        })
      : null;
    if (catalog) out(`      Iceberg REST catalog ${catalog.uri}: ${catalog.server}, table ${table}`);
    const tableArgs = catalog ? ["--iceberg-table", table, "--iceberg-catalog-uri", catalog.uri] : [];

    const env = {
      KAFKA_BROKERS: kafka.bootstrap,
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      S3_REGION: s3.region,
      AWS_REGION: s3.region,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      WEBLOG_LOG_LEVEL: process.env.WEBLOG_LOG_LEVEL ?? "warn",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
    const paths = {
      producer: appPath("producer"),
      consumer: appPath("consumer"),
      verifier: appPath("s3-verifier"),
    };

    // The topic exists (4 partitions, leaders elected) before the engine subscribes and the producer writes, as the
    // compose stack's kafka-init makes it: a sink started first would find no topic.
    await ensureTopic(createKafka(loadKafkaSettings({ env: {}, flags: { brokers: kafka.bootstrap } })), {
      topic,
      partitions: 4,
    });

    const dir = mkdtempSync(join(tmpdir(), "weblog-demo-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const ports = opts.ui ? await pickMetricsPorts() : null;
    const engine = await startEngine(opts.engine, {
      ...(ports ? { metricsPort: ports.sink } : {}),
      bootstrap: kafka.bootstrap,
      s3,
      topic,
      group,
      flushSize: opts.flushSize,
      rotateScheduleIntervalMs: opts.rotateScheduleIntervalMs,
      sinkArgs: [...(opts.format === "json" ? [] : ["--format", opts.format]), ...tableArgs],
      ...(catalog ? { iceberg: { catalogUri: catalog.uri, table } } : {}),
      consumerPath: paths.consumer,
      env,
      dir,
    });
    cleanups.push(() => engine.stop());
    out(`[2/5] ${engine.describe}  ${since()}`);
    if (ports) {
      const ui = await startDashboard({
        path: appPath("dashboard"),
        port: opts.uiPort,
        ports,
        engine: opts.engine === "sink" ? "sink" : "connect",
        topic,
        bucket: s3.bucket,
        endpoint: s3.endpoint,
        region: s3.region,
        brokers: kafka.bootstrap,
        group: engine.group,
        flushSize: opts.flushSize,
        verifierConfig: engine.verifierArgs[0] === "--config" ? engine.verifierArgs[1] : undefined,
        tableArgs,
        env,
      });
      cleanups.push(stopChild(ui.handle));
      out(`      dashboard: ${ui.url}  (metrics: producer :${ports.producer}, sink :${ports.sink})`);
    }

    const producerArgs = [
      "--brokers",
      kafka.bootstrap,
      "--topic",
      topic,
      "--count",
      String(opts.count),
      "--rate",
      String(opts.rate),
      ...(ports ? ["--metrics-port", String(ports.producer)] : []),
    ];
    const producer = spawnCli(paths.producer, producerArgs, { env });
    cleanups.push(stopChild(producer));
    out(
      `[3/5] producer: ${formatCount(opts.count)} fake web logs at ${formatCount(opts.rate)}/s to topic ${topic}  ${since()}`,
    );

    // Watch delivery until every record is committed by the sink, the producer fails, or the deadline passes.
    const client = createKafka(loadKafkaSettings({ env: {}, flags: { brokers: kafka.bootstrap } }));
    let state: Delivery = { partitions: 0, highs: new Map(), produced: 0, committed: 0, caughtUp: false };
    let coverage: Coverage = { objects: 0, endOffsets: new Map() };
    const inS3 = () => [...coverage.endOffsets.values()].reduce((n, v) => n + Number(v), 0);
    const s3Client = createS3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      pathStyle: true,
      credentials: s3.credentials,
    });
    cleanups.push(async () => s3Client.destroy());
    const watchStarted = performance.now();
    const progress = createProgress({
      label: "delivering",
      logger,
      logIntervalMs: 2000,
      render: () => {
        const s = (performance.now() - watchStarted) / 1000;
        return `produced ${formatCount(state.produced)}/${formatCount(opts.count)} (${formatRate(state.produced / Math.max(s, 0.001))}) | committed by the sink ${formatCount(state.committed)} | in S3 ${formatCount(coverage.objects)} objects up to ${formatCount(inS3())} | ${formatDuration(s * 1000)}`;
      },
      fields: () => ({
        produced: state.produced,
        committed: state.committed,
        objects: coverage.objects,
        inS3: inS3(),
      }),
    });
    progress.start();
    let producerExit: number | null | undefined;
    void producer.waitForExit(opts.timeout + 60_000).then(
      (r) => {
        producerExit = r.code;
      },
      () => {
        producerExit = null;
      },
    );
    const deadline = watchStarted + opts.timeout;
    let round = 0;
    try {
      for (;;) {
        round += 1;
        state = await readDelivery(client, topic, engine.group).catch(() => state);
        const produced = producerExit === 0 && state.produced >= opts.count;
        if (produced || round % 4 === 0)
          coverage = await (catalog
            ? apacheIceberg
              ? rowCountCoverage(catalog.uri, table, state.highs)
              : tableCoverage(catalog.uri, table, engine.group, topic)
            : s3Coverage(s3Client, s3.bucket, topic)
          ).catch(() => coverage);
        if (producerExit !== undefined && producerExit !== 0) {
          throw new ExpectedError(`the producer failed (exit ${producerExit}):\n${tail(producer.stderr())}`, {
            code: "FAILED",
          });
        }
        const failure = engine.failure();
        if (failure) throw new ExpectedError(failure, { code: "FAILED" });
        // Everything produced is in S3 when each partition's newest object ends at its high watermark.
        // --ui keeps the sink running (its metrics stay on the page): wait for its commits instead of its stop.
        const committed = !opts.ui || state.committed >= state.produced;
        if (produced && committed && coversAll(coverage, state.highs)) break;
        if (performance.now() > deadline) {
          throw new ExpectedError(
            `not delivered within ${formatDuration(opts.timeout)}: produced ${state.produced}, in S3 up to ${inS3()}`,
            { code: "FAILED" },
          );
        }
        await sleep(500);
      }
    } finally {
      progress.stop();
    }
    out(
      `[4/5] all ${formatCount(state.produced)} records ${catalog ? `in the table (${formatCount(coverage.objects)} data files)` : `in S3 (${formatCount(coverage.objects)} objects)`} after ${formatDuration(performance.now() - watchStarted)}${connectEngine ? "" : "; stopping the sink (it commits on stop)"}  ${since()}`,
    );
    if (!opts.ui) await engine.finish();

    out(
      `[5/5] verifier: s3-verifier --topic ${topic} --brokers ... --group ${engine.group} ${catalog ? [...tableArgs, ...(engine.tableVerifierArgs ?? [])].join(" ") : `${engine.verifierArgs.join(" ")} --expect-count ${opts.count}`}`,
    );
    const verifierArgs = [
      ...["--bucket", s3.bucket, "--endpoint", s3.endpoint, "--region", s3.region, "--topic", topic],
      ...["--brokers", kafka.bootstrap, "--group", engine.group],
      ...(catalog
        ? [...tableArgs, ...(engine.tableVerifierArgs ?? [])]
        : [...engine.verifierArgs, "--expect-count", String(opts.count)]),
    ];
    const verified = await runCli(paths.verifier, verifierArgs, { env, timeoutMs: 120_000 });
    out();
    out(verified.stdout.trimEnd());
    if (verified.code !== 0) {
      throw new ExpectedError(
        `the verifier found a problem (exit ${verified.code})${verified.stderr ? `: ${tail(verified.stderr, 3)}` : ""}`,
        { code: "FAILED" },
      );
    }

    out();
    if (catalog) {
      const { snapshots, samples } = await sampleTable(s3Client, catalog.uri, table, 3);
      out(`Table ${table}: ${snapshots} snapshots; sample data files:`);
      for (const f of samples) {
        out(`  ${f.path}  (${f.records} records, ${formatCount(f.size)} bytes)`);
        out(`    ${f.first}`);
      }
    } else {
      out("Sample objects:");
      for (const o of await sampleObjects(s3Client, s3.bucket, topicPrefix(topic), 3)) {
        out(`  s3://${s3.bucket}/${o.key}  (${o.records} records, ${formatCount(o.size)} bytes)`);
        out(`    ${o.first}`);
      }
    }
    out();
    out(
      `demo finished in ${since()}: every record produced is in ${catalog ? `the Iceberg table ${table}` : "S3"}, once.`,
    );
    if (opts.ui) {
      lingering = true;
      out("the dashboard stays up: Ctrl-C stops everything");
      await new Promise(() => {}); // the signal handler cleans up and exits 0
    }
    return 0;
  } catch (err) {
    // Interrupted: the steps fail as their servers go away; the signal handler cleans up and exits 130.
    if (interrupted) await new Promise(() => {});
    throw err;
  } finally {
    await cleanup();
    stopSignals();
  }
}

/** What the demo uses of an S3 server. */
type DemoS3 = Pick<
  S3Handle,
  "endpoint" | "region" | "credentials" | "bucket" | "backend" | "server" | "stop"
>;

/** S3Proxy itself (no proxy in front), with the demo's bucket (the Connect engine creates it). */
async function localS3(): Promise<DemoS3> {
  const server = await startLocalS3Server();
  const { endpoint, region, credentials } = server;
  return {
    endpoint,
    region,
    credentials,
    bucket: "weblogs",
    backend: "local",
    server: `S3Proxy ${S3PROXY_VERSION} (local JVM, direct)`,
    stop: () => server.stop(),
  };
}

runMain("demo", demo);
