import {
  createLogger,
  createProgress,
  formatCount,
  formatDuration,
  formatRate,
  type Logger,
  onShutdown,
  runMain,
  startMetricsServer,
} from "@weblog/cli";
import { isExpectedError } from "@weblog/errors";
import { connectChecked, createKafka, explainKafkaError } from "@weblog/kafka-client";
import { checkBucket, createS3Client, credentialsFromSettings, describeEndpoint } from "@weblog/s3";
import { noteLevel, SinkConfigError } from "@weblog/sink-contract";
import { applySinkHeapFlags } from "./heap";
import { createSinkMetrics } from "./metrics";
import { type ConsumerOptions, type PrintMode, parseOptions, type SinkMode } from "./options";
import { createPrintConsumer } from "./print/print-consumer";
import { createSinkEngine } from "./sink";
import { crashHookFromEnv } from "./sink/crash-hook";
import { matchingTopics, type TopicWatcher, watchTopics } from "./sink/topic-pattern";

async function runPrint(opts: PrintMode, logger: Logger): Promise<number> {
  const kafka = createKafka(opts.kafka, { logger });
  const printer = createPrintConsumer(kafka, opts, { logger });
  const off = onShutdown(() => printer.stop(), { logger });
  try {
    await printer.run((c) => connectChecked(c, opts.kafka));
  } catch (err) {
    throw explainKafkaError(err, opts.kafka, { during: "consume" });
  } finally {
    off();
  }
  return 0;
}

async function runSink(opts: SinkMode, logger: Logger): Promise<number> {
  applySinkHeapFlags(); // before the first record: see heap.ts
  let { settings } = opts;
  for (const note of opts.notes) logger[noteLevel(note)]({ config: opts.configPath }, note);
  const endpoint = settings.storeUrl;
  // aws.access.key.id / aws.secret.access.key, or assume-role (s3.credentials.provider.*): never logged
  const fromSettings = credentialsFromSettings(settings);
  const s3 = createS3Client({
    endpoint,
    region: settings.region,
    pathStyle: settings.pathStyle,
    maxAttempts: 1,
    ...(fromSettings?.kind === "static" ? { credentials: fromSettings.credentials } : {}),
    ...(fromSettings?.kind === "assume-role" ? { credentialProvider: fromSettings.provider } : {}),
  });
  if (fromSettings) {
    logger.info(
      fromSettings.kind === "assume-role"
        ? { credentials: "assume-role", roleArn: fromSettings.roleArn }
        : { credentials: "connector file keys" },
      "S3 credentials from the connector file",
    );
  }
  // Missing bucket / wrong credentials / S3 down at start: one line naming bucket and endpoint, exit 2.
  await checkBucket(s3, settings.bucket, endpoint);

  const kafka = createKafka(opts.kafka, { logger });
  const topicAdmin = settings.topicsRegex ? kafka.admin() : undefined;
  if (topicAdmin && settings.topicsRegex) {
    await connectChecked(topicAdmin, opts.kafka);
    const found = matchingTopics(settings.topicsRegex, await topicAdmin.listTopics(), settings.dlqTopic);
    if (found.length === 0) {
      await topicAdmin.disconnect();
      throw new SinkConfigError(
        "topics.regex",
        `topics.regex '${settings.topicsRegex}' matches no topic yet: create one first, or fix the pattern`,
      );
    }
    settings = { ...settings, topics: found };
  }
  const metrics = opts.metrics ? createSinkMetrics() : undefined;
  const newEngine = () =>
    createSinkEngine({
      ...(metrics ? { metrics } : {}),
      kafka,
      s3,
      settings,
      logger,
      endpoint,
      connectorName: opts.connectorName,
      crashHook: crashHookFromEnv(process.env.WEBLOG_SINK_CRASH_AT),
      connect: (c) => connectChecked(c, opts.kafka),
      ...(process.env.WEBLOG_SINK_SESSION_TIMEOUT_MS
        ? { sessionTimeoutMs: Number(process.env.WEBLOG_SINK_SESSION_TIMEOUT_MS) }
        : {}),
    });
  let engine = newEngine();
  const progress = createProgress({
    label: "sink",
    logger,
    render: () => {
      const s = engine.stats();
      const secs = (Date.now() - s.startedAtMs) / 1000;
      return `${settings.topics.join(",")} -> s3://${settings.bucket}: ${formatCount(s.recordsIn)} in (${formatRate(s.recordsIn / Math.max(secs, 0.001))}), ${formatCount(s.objectsWritten)} objects, lag ${formatCount(s.lag)}, DLQ ${formatCount(s.dlq)}${s.paused > 0 ? `, ${s.paused} paused (S3 retry)` : ""}, ${formatDuration(secs * 1000)}`;
    },
    fields: () => {
      const s = engine.stats();
      return {
        recordsIn: s.recordsIn,
        recordsWritten: s.recordsWritten,
        objectsWritten: s.objectsWritten,
        lag: s.lag,
        dlq: s.dlq,
        bufferedRecords: s.bufferedRecords,
        bufferedBytes: s.bufferedBytes,
        pausedPartitions: s.paused,
        uploadRetries: s.uploadRetries,
        leftoversAborted: s.leftoversAborted,
        noSuchUpload: s.noSuchUpload,
      };
    },
  });
  metrics?.bind(engine);
  const server =
    opts.metrics && metrics
      ? await startMetricsServer({
          ...opts.metrics,
          registry: metrics.registry,
          // Joined its group, the broker answering (within seconds of losing it), S3 answering.
          ready: async () => {
            const s3ok = await s3Reachable();
            const joined = engine.joined();
            const broker = engine.brokerAnswering();
            return { ready: joined && broker && s3ok, checks: { joined, broker, s3: s3ok } };
          },
        })
      : undefined;
  if (server) logger.info({ url: `${server.url}/metrics` }, `metrics on ${server.url}/metrics`);
  /** Readiness: HeadBucket answered within 2 s, asked at most every 5 s. */
  let s3Checked: { at: number; ok: Promise<boolean> } | null = null;
  function s3Reachable(): Promise<boolean> {
    if (!s3Checked || Date.now() - s3Checked.at > 5000) {
      const probe = checkBucket(s3, settings.bucket, endpoint).then(
        () => true,
        () => false,
      );
      const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref());
      s3Checked = { at: Date.now(), ok: Promise.race([probe, timeout]) };
    }
    return s3Checked.ok;
  }
  let stopping = false;
  const off = onShutdown(
    () => {
      stopping = true;
      return engine.stop();
    },
    { logger },
  );
  /** topics.regex: a new matching topic stops the engine gracefully; the loop below starts one on the new list. */
  let nextTopics: string[] | undefined;
  let watcher: TopicWatcher | undefined;
  const watch = () => {
    if (!topicAdmin || !settings.topicsRegex) return;
    watcher = watchTopics({
      list: () => topicAdmin.listTopics(),
      pattern: settings.topicsRegex,
      known: settings.topics,
      exclude: settings.dlqTopic,
      intervalMs: settings.metadataMaxAgeMs,
      logger,
      onNew(topics) {
        nextTopics = topics;
        void engine.stop();
      },
    });
  };
  // debug: at info a sink that cannot start says one line (its error); "sink running" follows a good start.
  logger.debug(
    {
      endpoint: describeEndpoint(endpoint),
      bucket: settings.bucket,
      brokers: opts.kafka.brokers,
      group: settings.groupId,
    },
    "starting S3 sink",
  );
  progress.start();
  try {
    watch();
    await engine.run();
    while (nextTopics && !stopping) {
      settings = { ...settings, topics: nextTopics };
      nextTopics = undefined;
      engine = newEngine();
      metrics?.bind(engine);
      watch();
      await engine.run();
    }
  } catch (err) {
    if (isExpectedError(err)) throw err;
    throw explainKafkaError(err, opts.kafka, { during: "consume" });
  } finally {
    watcher?.stop();
    await topicAdmin?.disconnect().catch(() => {});
    progress.stop();
    off();
    await server?.close();
  }
  const s = engine.stats();
  logger.info(
    {
      recordsIn: s.recordsIn,
      recordsWritten: s.recordsWritten,
      objectsWritten: s.objectsWritten,
      dlq: s.dlq,
      commits: s.commits,
    },
    "sink stopped",
  );
  return 0;
}

// The pinned AWS SDK supports Node 20; its multi-line notice about *future* SDK versions would only clutter a
// sink's stderr (and its one-line errors).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

runMain("consumer", async (argv) => {
  const opts: ConsumerOptions = parseOptions(argv);
  const logger = createLogger({ name: "consumer" });
  return await (opts.mode === "print" ? runPrint(opts, logger) : runSink(opts, logger));
});
