import { createLogger, createProgress, onShutdown, runMain, startMetricsServer } from "@weblog/cli";
import {
  createBatchingProducer,
  createKafka,
  ensureTopic,
  explainKafkaError,
  fetchWatermarks,
} from "@weblog/kafka-client";
import { createProducerMetrics } from "./metrics";
import { type ProducerOptions, parseOptions } from "./options";
import type { KafkaOutput } from "./output";
import { pacedBatchSize } from "./pacer";
import { createGeneratedRun, createStdinRun, type Run } from "./run";
import { createInlineSource, createWorkerSource, type MessageSource, workerScript } from "./source";
import { buildSummary, formatProgressLine, formatSummaryJson, formatSummaryText } from "./summary";

type Kafka = ReturnType<typeof createKafka>;

/** High watermark per partition, or undefined when the broker will not say (the summary just omits them). */
async function highWatermarks(kafka: Kafka, topic: string): Promise<Map<number, bigint> | undefined> {
  try {
    const marks = await fetchWatermarks(kafka, topic);
    return new Map([...marks].map(([p, w]) => [p, w.high]));
  } catch {
    return undefined;
  }
}

/**
 * As fast as possible (and more than a few seconds' worth): generate in a worker thread so the main thread only
 * feeds the Kafka client. With --rate, for small --count (the worker needs ~300 ms to start), or when running from sources
 * without the built worker, generation stays inline.
 */
function createSource(opts: ProducerOptions): MessageSource {
  const settings = {
    seed: opts.seed,
    startTime: Date.now(),
    // Timestamps advance at the send rate (1000/s of log time when unlimited).
    logRate: opts.rate > 0 ? opts.rate : 1000,
    format: opts.format,
    traffic: opts.traffic,
    key: opts.key,
    partition: opts.partition,
    live: opts.liveTimestamps,
  };
  const big = opts.count === undefined || opts.count > 20_000;
  const script = opts.rate === 0 && big ? workerScript() : undefined;
  return script
    ? createWorkerSource(settings, { script, chunkSize: Math.max(opts.batchSize, 1000) })
    : createInlineSource(settings);
}

runMain("producer", async (argv) => {
  const opts = parseOptions(argv);
  const logger = createLogger({ name: "producer", ...(opts.quiet ? { level: "warn" } : {}) });
  const kafka = createKafka(opts.kafka, { logger });
  const producer = createBatchingProducer(kafka, {
    topic: opts.topic,
    acks: opts.acks,
    compression: opts.compression,
    // stdin: one request at a time (and the run flushes after each batch), so a retried batch can never land
    // after a later one; the lines go to partition 0, so their order is total.
    maxInFlight: opts.stdin ? 1 : opts.maxInFlight,
    // With --rate every send() carries one paced batch; making that the producer's batch size means each send is
    // one produce request, dispatched at once (no linger wait) and held back only by a free in-flight slot.
    batchSize: opts.rate > 0 && !opts.stdin ? pacedBatchSize(opts.rate, opts.batchSize) : opts.batchSize,
    lingerMs: 0,
    logger,
    settings: opts.kafka,
  });

  // Metrics first: a taken port is one line (exit 2) before anything is produced. Ready once the topic is checked.
  const metrics = opts.metrics ? createProducerMetrics({ rate: opts.rate }) : undefined;
  let ready = false;
  const server =
    opts.metrics && metrics
      ? await startMetricsServer({
          ...opts.metrics,
          registry: metrics.registry,
          ready: () => ({ ready, checks: { connected: ready } }),
        })
      : undefined;
  if (server) logger.info({ url: `${server.url}/metrics` }, `metrics on ${server.url}/metrics`);

  // Started before connecting: the generator worker loads and fills its first chunks meanwhile.
  const source = opts.stdin ? undefined : createSource(opts);
  try {
    // Unreachable broker / DNS / auth: one explained line (address + fix) within 10 s, exit 2.
    await producer.connect();
    try {
      const topic = await ensureTopic(kafka, { topic: opts.topic, logger });
      logger.info(
        { topic: opts.topic, outcome: topic.outcome, partitions: topic.partitions, note: topic.note },
        `topic ${opts.topic}: ${topic.outcome} (${topic.partitions} partitions)`,
      );
    } catch (err) {
      await producer.disconnect().catch(() => {});
      throw explainKafkaError(err, opts.kafka, { during: "topic" });
    }
  } catch (err) {
    await source?.close();
    await server?.close();
    throw err;
  }
  ready = true;
  const before = await highWatermarks(kafka, opts.topic);

  const output: KafkaOutput = producer;
  const run: Run = source
    ? createGeneratedRun(opts, { output, source, logger })
    : createStdinRun(opts, { output, input: process.stdin, logger });
  metrics?.bind(run);

  const progress = createProgress({
    label: "producing",
    logger,
    render: () => formatProgressLine(run.snapshot()),
    fields: () => {
      const s = run.snapshot();
      return {
        sent: s.sent,
        acked: s.acked,
        errors: s.errors,
        inFlight: s.inFlight,
        elapsedMs: Math.round(s.elapsedMs),
      };
    },
  });
  // No logger for onShutdown itself: we clear the live line first so the log does not land in the middle of it.
  const offShutdown = onShutdown(async (signal) => {
    progress.clear();
    logger.info({ signal }, "stopping: flushing in-flight messages (send the signal again to exit at once)");
    run.stop("signal");
    await run.done;
  });
  // Logged only once the signal handlers are installed: a Ctrl-C right after "producing" must drain and print
  // the summary (before, a signal in the few ms between the log line and onShutdown killed the process outright).
  logger.info(
    {
      topic: opts.topic,
      mode: opts.stdin ? "stdin" : "generate",
      rate: opts.rate || "max",
      count: opts.count ?? null,
      durationMs: opts.durationMs ?? null,
      key: opts.key,
      acks: opts.acks,
      compression: opts.compression,
    },
    "producing",
  );
  if (!opts.quiet) progress.start();

  const result = await run.done;
  progress.stop();

  const after = await highWatermarks(kafka, opts.topic);
  let partitions: Record<string, number> | undefined;
  if (before && after) {
    partitions = {};
    for (const [p, high] of after) partitions[String(p)] = Number(high - (before.get(p) ?? 0n));
  }
  // disconnect() flushes again and rethrows a produce failure we already hold in result.error.
  await producer.disconnect().catch((err: unknown) => {
    if (result.error === undefined) logger.warn({ err: String(err) }, "disconnect failed");
  });
  offShutdown();
  ready = false;
  await server?.close();

  // Produce failures arrive already explained (KafkaClientError: one line, exit 2); anything else is a bug and
  // keeps its stack (runMain: exit 1).
  const failure = result.error;
  const failureText =
    failure === undefined ? undefined : failure instanceof Error ? failure.message : String(failure);
  const summary = buildSummary(result, {
    topic: opts.topic,
    mode: opts.stdin ? "stdin" : "generate",
    ...(partitions ? { partitions } : {}),
    ...(failureText === undefined ? {} : { error: failureText }),
    ...(source ? { counts: source.counts() } : {}),
  });
  if (opts.json) process.stdout.write(`${formatSummaryJson(summary)}\n`);
  else if (!opts.quiet) process.stdout.write(`${formatSummaryText(summary)}\n`);
  if (failure !== undefined) throw failure;
  return 0;
});
