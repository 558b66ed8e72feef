/**
 * `s3-verifier`: scan the bucket, ask Kafka (when --brokers is given), analyze, print. Exit 0 when everything
 * holds, 1 on a discrepancy, 2 on a usage or connection error (one line on stderr).
 */
import {
  createLogger,
  createProgress,
  ExpectedError,
  formatCount,
  formatDuration,
  formatRate,
  type Logger,
  runMain,
} from "@weblog/cli";
import { checkBucket, createS3Client, explainS3Error, topicPrefix } from "@weblog/s3";
import { analyze } from "./analyze";
import type { KafkaState, ScanResult } from "./model";
import { defaultPrefix, parseOptions, type VerifierOptions } from "./options";
import { renderJson, renderText } from "./report";
import { type ObjectStore, type ScanProgress, scanBucket } from "./scan";
import { createS3Store } from "./store";

function asExpected(err: unknown, opts: VerifierOptions): ExpectedError {
  if (err instanceof ExpectedError) return err;
  const e = explainS3Error(err, { bucket: opts.bucket, endpoint: opts.endpoint });
  // Any S3 trouble stops the run before a verdict: a connection/usage failure (2), never a discrepancy (1).
  return new ExpectedError(e.message, { cause: e, exitCode: 2 });
}

async function scanWithProgress(
  store: ObjectStore,
  opts: VerifierOptions,
  logger: Logger,
  skipKeys?: ReadonlySet<string>,
): Promise<ScanResult> {
  const progress: ScanProgress = { listed: 0, read: 0, records: 0, bytes: 0 };
  const started = performance.now();
  const bar = createProgress({
    label: "verifying",
    logger,
    render: () => {
      const s = (performance.now() - started) / 1000;
      return `s3://${opts.bucket}/${opts.prefix}: ${formatCount(progress.listed)} listed, ${formatCount(progress.read)} objects read (${formatRate(progress.read / Math.max(s, 0.001))}), ${formatCount(progress.records)} records, ${formatDuration(s * 1000)}`;
    },
    fields: () => ({ ...progress, elapsedMs: Math.round(performance.now() - started) }),
  });
  const useTopicPrefixes = opts.topics.length > 0 && opts.prefix === defaultPrefix(opts.layout);
  const prefixes = useTopicPrefixes ? opts.topics.map((t) => topicPrefix(t, opts.layout)) : [opts.prefix];
  bar.start();
  try {
    return await scanBucket(store, {
      bucket: opts.bucket,
      prefixes,
      topics: opts.topics,
      layout: opts.layout,
      concurrency: opts.concurrency,
      progress,
      ...(skipKeys ? { skipKeys } : {}),
    });
  } catch (err) {
    throw asExpected(err, opts);
  } finally {
    bar.stop();
  }
}

function mergeScans(a: ScanResult, b: ScanResult): ScanResult {
  return {
    ...a,
    objects: [...a.objects, ...b.objects],
    unparsable: [...a.unparsable, ...b.unparsable],
    listed: a.listed + b.listed,
    bytes: a.bytes + b.bytes,
    elapsedMs: a.elapsedMs + b.elapsedMs,
  };
}

/** Watermarks from `later`, committed offsets from `earlier` (commits read before the scan cannot race it). */
function mergeKafka(earlier: KafkaState, later: KafkaState): KafkaState {
  const committed = new Map<string, bigint | null>();
  for (const t of earlier.topics)
    for (const p of t.partitions) committed.set(`${t.topic}/${p.partition}`, p.committed);
  return {
    ...later,
    topics: later.topics.map((t) => ({
      ...t,
      partitions: t.partitions.map((p) => ({
        ...p,
        committed: committed.get(`${t.topic}/${p.partition}`) ?? p.committed,
      })),
    })),
  };
}

/** Loaded only with --brokers: a bucket-only check never loads kafkajs. */
async function readKafkaState(req: import("./kafka").KafkaStateRequest): Promise<KafkaState> {
  const kafka = await import("./kafka");
  return kafka.readKafkaState(req);
}

export async function main(argv: string[]): Promise<number> {
  const opts = parseOptions(argv);
  const logger = createLogger({ name: "s3-verifier" });
  for (const note of opts.configNotes) logger.info({ note }, "connector config");

  // The SDK's "versions after January 2027 will require node >= 22" warning is noise in a CLI's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const client = createS3Client({ endpoint: opts.endpoint, region: opts.region, pathStyle: opts.pathStyle });
  try {
    await checkBucket(client, opts.bucket, opts.endpoint);
  } catch (err) {
    throw asExpected(err, opts);
  }
  const store = createS3Store(client, opts.bucket, { endpoint: opts.endpoint });
  const analyzeOpts = {
    ...(opts.flushSize !== undefined ? { flushSize: opts.flushSize } : {}),
    ...(opts.expectCount !== undefined ? { expectCount: opts.expectCount } : {}),
    ...(opts.maxLag !== undefined ? { maxLag: opts.maxLag } : {}),
    allowDuplicates: opts.allowDuplicates,
  };

  let scan = await scanWithProgress(store, opts, logger);
  let kafka: KafkaState | null = null;
  const kafkaTopics = () => {
    if (opts.topics.length > 0) return opts.topics;
    const seen = [...new Set(scan.objects.map((o) => o.parts.topic))].sort();
    return seen.length > 0 ? seen : ["weblogs"];
  };
  if (opts.brokers) {
    kafka = await readKafkaState({
      brokers: opts.brokers,
      group: opts.group,
      topics: kafkaTopics(),
      dlqTopic: opts.dlqTopic,
      logger,
    });
  }
  let analysis = analyze(scan, kafka, analyzeOpts);

  // Commits read after the listing may cover objects uploaded during it: read what appeared, then judge again.
  if (kafka && analysis.findings.some((f) => f.kind === "committed-but-missing")) {
    logger.info("committed offsets ahead of the listing: reading objects uploaded since");
    const topUp = await scanWithProgress(store, opts, logger, new Set(scan.objects.map((o) => o.key)));
    scan = mergeScans(scan, topUp);
    const later = await readKafkaState({
      brokers: opts.brokers as string,
      group: opts.group,
      topics: kafkaTopics(),
      logger,
    });
    kafka = mergeKafka(kafka, later);
    analysis = analyze(scan, kafka, analyzeOpts);
  }

  process.stdout.write(
    opts.json
      ? renderJson(
          analysis,
          { ...scan, prefix: opts.prefix },
          {
            endpoint: opts.endpoint ?? null,
            kafka: kafka ? { brokers: kafka.brokers, group: kafka.group, dlq: kafka.dlq ?? null } : null,
          },
        )
      : renderText(analysis, { ...scan, prefix: opts.prefix }),
  );
  return analysis.ok ? 0 : 1;
}

runMain("s3-verifier", main);
