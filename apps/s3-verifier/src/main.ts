/**
 * `s3-verifier`: scan the bucket, ask Kafka (when --brokers is given), analyze, print. Exit 0 when everything
 * holds, 1 on a discrepancy, 2 on a usage or connection error (one line on stderr).
 */
import { setFlagsFromString } from "node:v8";
import {
  createLogger,
  createProgress,
  ExpectedError,
  formatCount,
  formatDuration,
  formatRate,
  type Logger,
  onShutdown,
  runMain,
} from "@weblog/cli";
import { checkBucket, createS3Client, explainS3Error } from "@weblog/s3";
import { noteLevel, topicPrefix } from "@weblog/sink-contract";
import { analyzeFold, createFold, type Fold } from "./analyze";
import {
  loadCheckpoint,
  nextCheckpoint,
  type ProvenState,
  provenState,
  saveCheckpoint,
} from "./checkpoint/checkpoint";
import { companionViews, withCompanions } from "./companions";
import type { Analysis, KafkaState, KafkaValue, OffsetRange, ScannedObject, SkippedOffsets } from "./model";
import { defaultPrefix, parseOptions, type VerifierOptions } from "./options";
import { mergeKafka, mergeScans, newestOf, scopeKafka, seamDirs } from "./passes";
import { renderJson, renderText } from "./report";
import { type ObjectStore, type ScanProgress, type ScanSummary, scanBucket } from "./scan";
import { createS3Store } from "./store";

/**
 * Any S3 trouble stops the run before a verdict: an ENVIRONMENT failure (exit 2) carrying the S3SideError, never a
 * discrepancy (1), even for the codes that end a sink's run with 1 (SERVER, THROTTLED ...).
 */
function beforeVerdict(err: unknown, opts: VerifierOptions): ExpectedError {
  if (err instanceof ExpectedError) return err;
  const e = explainS3Error(err, { bucket: opts.bucket, endpoint: opts.endpoint });
  return new ExpectedError(e.message, { cause: e });
}

async function scanWithProgress(
  store: ObjectStore,
  opts: VerifierOptions,
  logger: Logger,
  proven: ProvenState,
  fold: Fold | null,
  topUp = false,
  keep?: (o: ScannedObject) => void,
): Promise<ScanSummary> {
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
      proven: proven.scan,
      seams: seamDirs(proven, opts.layout.directoryDelim),
      ...(opts.partitions.length > 0 ? { partitions: new Set(opts.partitions) } : {}),
      ...(opts.sinceMs !== undefined ? { sinceMs: opts.sinceMs } : {}),
      onObject: (o) => {
        fold?.add(o);
        keep?.(o);
      },
      ...(topUp && fold ? { skip: (key, parts) => fold.has(key, parts) } : {}),
    });
  } catch (err) {
    throw beforeVerdict(err, opts);
  } finally {
    bar.stop();
  }
}

/** Every value object's summary, read again (companions found in the listing without --keys / --headers). */
async function rescan(
  store: ObjectStore,
  opts: VerifierOptions,
  logger: Logger,
  proven: ProvenState,
): Promise<ScannedObject[]> {
  logger.info("companion objects in the listing: reading the value objects again to check them");
  const objects: ScannedObject[] = [];
  await scanWithProgress(store, opts, logger, proven, null, false, (o) => objects.push(o));
  return objects;
}

/** Loaded only with --brokers: a bucket-only check never loads kafkajs. */
async function openKafka(
  req: import("./kafka").KafkaSessionRequest,
): Promise<import("./kafka").KafkaSession> {
  const kafka = await import("./kafka");
  return kafka.openKafka(req);
}

const UNEXPLAINED = new Set(["gap", "committed-but-missing", "missing-from-s3"]);

/**
 * Per partition with offsets S3 does not explain (gaps, committed-but-missing, missing before the first object):
 * the range from the low watermark to the last such offset. A tombstone anywhere in it can explain them (one
 * inside an object shifts that object's end), so that whole range is read from Kafka.
 */
function unexplainedRanges(analysis: Analysis, kafka: KafkaState): Map<string, Map<number, OffsetRange>> {
  const out = new Map<string, Map<number, OffsetRange>>();
  for (const f of analysis.findings) {
    if (!UNEXPLAINED.has(f.kind) || f.topic === undefined || f.partition === undefined || !f.range) continue;
    const p = kafka.topics
      .find((t) => t.topic === f.topic)
      ?.partitions.find((x) => x.partition === f.partition);
    if (!p) continue;
    const byPartition = out.get(f.topic) ?? new Map<number, OffsetRange>();
    const prev = byPartition.get(f.partition);
    const to = prev && prev.to > f.range.to ? prev.to : f.range.to;
    byPartition.set(f.partition, { from: p.low, to: to < p.high ? to : p.high - 1n });
    out.set(f.topic, byPartition);
  }
  return out;
}

/** --iceberg-table: the table's checks (table/verify-table.ts); exit 0 when they hold, 1 when not. */
async function verifyIcebergTable(
  opts: VerifierOptions & { icebergTable: string },
  client: ReturnType<typeof createS3Client>,
  session: import("./kafka").KafkaSession,
): Promise<number> {
  const { renderTableText, verifyTable } = await import("./table/verify-table");
  const report = await verifyTable(opts, client, session);
  process.stdout.write(`${opts.json ? JSON.stringify(report) : renderTableText(report)}\n`);
  return report.verdict.startsWith("OK") ? 0 : 1;
}

export async function main(argv: string[]): Promise<number> {
  const opts = parseOptions(argv);
  const logger = createLogger({ name: "s3-verifier" });
  for (const note of opts.configNotes) logger[noteLevel(note)]({ note }, "connector config");

  // The SDK's "versions after January 2027 will require node >= 22" warning is noise in a CLI's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const client = createS3Client({ endpoint: opts.endpoint, region: opts.region, pathStyle: opts.pathStyle });
  // Kafka is contacted first, alongside the bucket check: a broker that is down or silent fails the run (one
  // line, exit 2) before a single object is read, not after the whole bucket.
  const [kafkaOpened, bucketChecked] = await Promise.allSettled([
    opts.brokers
      ? openKafka({ brokers: opts.brokers, group: opts.group, dlqTopic: opts.dlqTopic, logger })
      : Promise.resolve(null),
    checkBucket(client, opts.bucket, opts.endpoint),
  ]);
  if (kafkaOpened.status === "rejected") throw kafkaOpened.reason;
  const session = kafkaOpened.value;
  try {
    if (bucketChecked.status === "rejected") throw beforeVerdict(bucketChecked.reason, opts);
    if (opts.icebergTable && session)
      return await verifyIcebergTable({ ...opts, icebergTable: opts.icebergTable }, client, session);
    return await verify(opts, client, session, logger);
  } finally {
    await session?.close();
  }
}

async function verify(
  opts: VerifierOptions,
  client: ReturnType<typeof createS3Client>,
  session: import("./kafka").KafkaSession | null,
  logger: Logger,
): Promise<number> {
  const store = createS3Store(client, opts.bucket, {
    endpoint: opts.endpoint,
    delimiter: opts.layout.directoryDelim,
    sseCustomerKey: opts.sseCustomerKey,
  });
  const inScope = (id: string) => {
    const at = id.lastIndexOf("/");
    const topicOk = opts.topics.length === 0 || opts.topics.includes(id.slice(0, at));
    return topicOk && (opts.partitions.length === 0 || opts.partitions.includes(Number(id.slice(at + 1))));
  };
  const checkpoint = opts.checkpoint
    ? await loadCheckpoint(opts.checkpoint, { bucket: opts.bucket, prefix: opts.prefix })
    : null;
  const proven = provenState(checkpoint, inScope);
  const analyzeOpts = {
    proven: proven.ranges,
    ...(opts.flushSize !== undefined ? { flushSize: opts.flushSize } : {}),
    ...(opts.flushSizeBytes !== undefined ? { flushSizeBytes: opts.flushSizeBytes } : {}),
    ...(opts.expectCount !== undefined ? { expectCount: opts.expectCount } : {}),
    ...(opts.maxLag !== undefined ? { maxLag: opts.maxLag } : {}),
    allowDuplicates: opts.allowDuplicates,
  };

  // The objects are folded as they are read (analyze/fold): memory follows partitions and anomalies, not objects.
  const fold = createFold(analyzeOpts);
  // Interrupted (Ctrl-C, SIGTERM): no verdict; exiting runs the record index's cleanup of its temporary files.
  const off = onShutdown(() => process.exit(130), { logger });
  try {
    return await verifyInto(fold, { opts, store, session, logger, checkpoint, proven, analyzeOpts });
  } finally {
    off();
    fold.close();
  }
}

async function verifyInto(
  fold: Fold,
  ctx: {
    opts: VerifierOptions;
    store: ObjectStore;
    session: import("./kafka").KafkaSession | null;
    logger: Logger;
    checkpoint: Awaited<ReturnType<typeof loadCheckpoint>>;
    proven: ProvenState;
    analyzeOpts: Parameters<typeof analyzeFold>[3];
  },
): Promise<number> {
  const { opts, store, session, logger, checkpoint, proven, analyzeOpts } = ctx;
  // With store.kafka.keys / headers asked for, each object's summary is kept for companions.ts (memory then follows
  // the objects, as the companions' own listing does); without, none is kept.
  const kept: ScannedObject[] | null = opts.companions.length > 0 ? [] : null;
  const keep = kept ? (o: ScannedObject) => kept.push(o) : undefined;
  let scan = await scanWithProgress(store, opts, logger, proven, fold, false, keep);
  const analyze = () => analyzeFold(fold, scan, kafka, analyzeOpts);
  let kafka: KafkaState | null = null;
  const kafkaTopics = () => {
    if (opts.topics.length > 0) return opts.topics;
    const seen = [...new Set(fold.partitions.map((p) => p.topic))].sort();
    return seen.length > 0 ? seen : ["weblogs"];
  };
  const readKafka = async (s: import("./kafka").KafkaSession) =>
    scopeKafka(await s.readState(kafkaTopics()), opts.partitions);
  if (session) kafka = await readKafka(session);
  let analysis = analyze();

  // Commits read after the listing may cover objects uploaded during it: read what appeared, then judge again.
  if (session && kafka && analysis.findings.some((f) => f.kind === "committed-but-missing")) {
    logger.info("committed offsets ahead of the listing: reading objects uploaded since");
    const topUp = await scanWithProgress(store, opts, logger, proven, fold, true, keep);
    scan = mergeScans(scan, topUp);
    kafka = mergeKafka(kafka, await readKafka(session));
    analysis = analyze();
  }

  // Offsets still unexplained may be tombstones the sink skipped (behavior.on.null.values=ignore): read them from
  // Kafka (only those partitions, only up to the last unexplained offset), then judge again.
  if (session && kafka && analysis.findings.some((f) => UNEXPLAINED.has(f.kind))) {
    const tombstones: SkippedOffsets[] = [];
    for (const [topic, ranges] of unexplainedRanges(analysis, kafka)) {
      logger.info(
        { topic, partitions: [...ranges.keys()] },
        "offsets not in S3: looking for tombstones in Kafka",
      );
      tombstones.push(...(await session.readTombstones(topic, ranges)));
    }
    if (tombstones.length > 0) {
      kafka = { ...kafka, tombstones };
      analysis = analyze();
    }
  }

  // Identical records at different offsets: read both offsets' records from Kafka. The same value there: twins in
  // the source (a note); a different one: S3 holds a record in another's place (a finding). See analyze/duplicates.
  if (session && kafka && analysis.twinsToConfirm.length > 0) {
    const byTopic = new Map<string, Map<number, bigint[]>>();
    for (const p of analysis.twinsToConfirm) {
      const partitions = byTopic.get(p.topic) ?? new Map<number, bigint[]>();
      partitions.set(p.partition, [...(partitions.get(p.partition) ?? []), p.offset]);
      byTopic.set(p.topic, partitions);
    }
    const values: KafkaValue[] = [];
    for (const [topic, offsets] of byTopic) {
      logger.info(
        { topic, offsets: [...offsets.values()].reduce((n, l) => n + l.length, 0) },
        "identical records at different offsets: reading those offsets from Kafka",
      );
      values.push(...(await session.readValues(topic, offsets)));
    }
    kafka = { ...kafka, values };
    analysis = analyze();
  }

  // store.kafka.keys / headers: each object's companions, line for line, against Kafka when given (companions.ts).
  const views = companionViews(opts.companions, scan);
  if (views.length > 0) {
    // Found in the listing but not asked for: the objects' summaries were not kept, so they are read once more.
    const objects = kept ?? (await rescan(store, opts, logger, proven));
    const scanned = { ...scan, objects };
    analysis = await withCompanions(
      analysis,
      scanned,
      store,
      kafka,
      session,
      { ...opts, views },
      logger,
    ).catch((err: unknown) => {
      throw beforeVerdict(err, opts);
    });
  }

  if (opts.checkpoint && analysis.ok) {
    await saveCheckpoint(
      opts.checkpoint,
      nextCheckpoint(
        checkpoint,
        analysis,
        { ...scan, prefix: opts.prefix, newestMs: newestOf(fold) },
        new Date(),
      ),
    );
    logger.info({ checkpoint: opts.checkpoint }, "checkpoint saved: the next run reads only what is new");
  }

  process.stdout.write(
    opts.json
      ? renderJson(
          analysis,
          { ...scan, prefix: opts.prefix },
          {
            read: scan.read,
            unread: scan.unread ?? 0,
            checkpoint: opts.checkpoint ? { file: opts.checkpoint, partitions: proven.ranges.size } : null,
            // Peak resident memory of this process (what the bench's memory target is about).
            peakRssBytes: process.resourceUsage().maxRSS * 1024,
            endpoint: opts.endpoint ?? null,
            kafka: kafka ? { brokers: kafka.brokers, group: kafka.group, dlq: kafka.dlq ?? null } : null,
          },
        )
      : renderText(analysis, { ...scan, prefix: opts.prefix }),
  );
  return analysis.ok ? 0 : 1;
}

// The young generation stays at its first size (1 MiB semi-spaces) instead of growing to 16+ MiB: a run makes
// garbage at the read rate (bodies, lines, hashes) and keeps almost nothing, so a bigger nursery only raises the
// peak RSS (287 -> 172 MiB at 8,000 objects, same speed; see README "Figures").
setFlagsFromString("--semi-space-growth-factor=1");
runMain("s3-verifier", main);
