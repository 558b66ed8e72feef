/**
 * Companion objects (`store.kafka.keys` / `store.kafka.headers`, Confluent's layout: `<stem>.keys.json[.gz]`,
 * `<stem>.headers.json[.gz]` beside each value object). With `--keys` / `--headers` (or the connector JSON's keys,
 * or when the listing holds any), every value object read must have each companion, holding one line per record
 * (`companion-missing`, `companion-mismatch`); with Kafka, each record's line must equal what sink-contract's
 * keyLine / headersLine make of the record Kafka holds with the same value (`companion-mismatch`). A companion whose
 * value object is not there is a note (`orphan-companion`: a sink that crashed between the two uploads rewrites both
 * on its re-read); it holds no records, so nothing is counted twice.
 */

import type { Logger } from "@weblog/cli";
import { isExpectedError } from "@weblog/errors";
import { decodeObjectBody } from "@weblog/object-format";
import { type CompanionView, companionObjectKey } from "@weblog/sink-contract";
import type { CompanionLines, KafkaSession } from "./kafka";
import type {
  Analysis,
  Finding,
  KafkaState,
  ListedCompanion,
  Note,
  OffsetRange,
  ScannedObject,
  ScanResult,
} from "./model";
import { verdictOf } from "./report";
import { companionOwner, type ObjectStore } from "./scan";

export interface CompanionOptions {
  views: readonly CompanionView[];
  concurrency: number;
  /** Kafka's companion lines of `topic` in each partition's range (null: no --brokers, counts only). */
  readKafka: ((topic: string, ranges: ReadonlyMap<number, OffsetRange>) => Promise<CompanionLines>) | null;
  /** Kafka's high watermark of a partition (the end of what is read from it). */
  highOf: (topic: string, partition: number) => bigint | null;
}

export interface CompanionReport {
  findings: Finding[];
  notes: Note[];
  /** Companion objects read. */
  read: number;
}

/** The views to check: those asked for, plus any the listing shows (a bucket written with the keys on). */
export function companionViews(
  asked: readonly CompanionView[],
  scan: Pick<ScanResult, "companions">,
): CompanionView[] {
  const found = new Set<CompanionView>(asked);
  for (const c of scan.companions ?? []) found.add(c.view);
  return (["keys", "headers"] as const).filter((v) => found.has(v));
}

async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function checkCompanions(
  scan: ScanResult,
  store: ObjectStore,
  opts: CompanionOptions,
): Promise<CompanionReport> {
  const findings: Finding[] = [];
  const notes: Note[] = [];
  const index = new Map<string, ListedCompanion>();
  for (const c of scan.companions ?? []) index.set(`${c.view}\u0000${c.owner}`, c);
  const objects = scan.objects.filter((o) => o.readError === undefined);
  const owners = new Set(objects.map((o) => companionOwner(o.parts)));
  const read: { o: ScannedObject; view: CompanionView; key: string; lines: string[] }[] = [];

  const pairs = objects.flatMap((o) => opts.views.map((view) => ({ o, view })));
  await eachLimited(pairs, opts.concurrency, async ({ o, view }) => {
    const at = { topic: o.parts.topic, partition: o.parts.kafkaPartition };
    const c = index.get(`${view}\u0000${companionOwner(o.parts)}`);
    if (!c) {
      const expected = companionObjectKey(o.parts, view, o.parts.compression);
      findings.push({
        kind: "companion-missing",
        ...at,
        keys: [o.key],
        message: `${o.key} has no ${view} companion (${expected.slice(expected.lastIndexOf("/") + 1)} beside it); with store.kafka.${view} every object has one.`,
      });
      return;
    }
    let lines: string[];
    try {
      lines = await decodeObjectBody(await store.read(c.key), { format: "json", compression: c.compression });
    } catch (err) {
      if (isExpectedError(err) && !/NoSuchKey|not found/i.test((err as Error).message)) throw err; // S3 trouble
      findings.push({
        kind: "companion-mismatch",
        ...at,
        keys: [c.key, o.key],
        message: `${c.key} could not be read as JSON lines: ${(err as Error).message}`,
      });
      return;
    }
    if (lines.length !== o.records) {
      findings.push({
        kind: "companion-mismatch",
        ...at,
        keys: [c.key, o.key],
        count: Math.abs(lines.length - o.records),
        message: `${c.key} holds ${lines.length} ${view} lines for the ${o.records} records of ${o.key}.`,
      });
      return;
    }
    read.push({ o, view, key: c.key, lines });
  });

  if ((scan.unread ?? 0) === 0) {
    for (const c of scan.companions ?? []) {
      if (owners.has(c.owner)) continue;
      notes.push({
        kind: "orphan-companion",
        message: `${c.key} has no value object beside it (a sink stopped between the two uploads rewrites both when it reads those records again); it holds no records.`,
      });
    }
  }

  if (opts.readKafka && read.length > 0) {
    const unmatched = await compareWithKafka(read, opts, findings);
    if (unmatched > 0) {
      notes.push({
        kind: "not-checked",
        message: `${unmatched} companion lines not compared with Kafka: no record with their object's record value in that partition's range (a value the sink re-encoded, e.g. Parquet or a multi-line value, or one gone from Kafka); their counts were checked.`,
      });
    }
  }
  return { findings, notes, read: read.length };
}

/**
 * Each companion line against Kafka's record with the same value in that partition (twins: any of them); returns
 * how many lines had no such record (not compared).
 */
async function compareWithKafka(
  read: { o: ScannedObject; view: CompanionView; key: string; lines: string[] }[],
  opts: CompanionOptions,
  findings: Finding[],
): Promise<number> {
  let unmatched = 0;
  const byTopic = new Map<string, Map<number, OffsetRange>>();
  for (const { o } of read) {
    const { topic, kafkaPartition: p, startOffset } = o.parts;
    const high = opts.highOf(topic, p);
    if (high === null) continue;
    const ranges = byTopic.get(topic) ?? new Map<number, OffsetRange>();
    const prev = ranges.get(p);
    ranges.set(p, { from: prev && prev.from < startOffset ? prev.from : startOffset, to: high - 1n });
    byTopic.set(topic, ranges);
  }
  for (const [topic, ranges] of byTopic) {
    const kafka = await (opts.readKafka as NonNullable<CompanionOptions["readKafka"]>)(topic, ranges);
    for (const { o, view, key, lines } of read) {
      if (o.parts.topic !== topic) continue;
      const byHash = kafka.get(o.parts.kafkaPartition);
      const wrong = lines.findIndex((line, i) => {
        const candidates = byHash?.get(o.recordHashes[i] as string);
        if (candidates === undefined) unmatched += 1;
        return (
          candidates !== undefined && !candidates.some((k) => k[view === "keys" ? "key" : "headers"] === line)
        );
      });
      if (wrong === -1) continue;
      findings.push({
        kind: "companion-mismatch",
        topic,
        partition: o.parts.kafkaPartition,
        keys: [key, o.key],
        line: wrong + 1,
        message: `${key} line ${wrong + 1} is not the ${view === "keys" ? "key" : "headers"} Kafka holds for record ${wrong + 1} of ${o.key}.`,
      });
    }
  }
  return unmatched;
}

/** The analysis with the companions' findings and notes added (and its verdict again). */
export async function withCompanions(
  analysis: Analysis,
  scan: ScanResult,
  store: ObjectStore,
  kafka: KafkaState | null,
  session: Pick<KafkaSession, "readCompanionLines"> | null,
  opts: { views: CompanionView[]; concurrency: number },
  logger: Logger,
): Promise<Analysis> {
  const checked = await checkCompanions(scan, store, {
    views: opts.views,
    concurrency: opts.concurrency,
    readKafka: session ? (topic, ranges) => session.readCompanionLines(topic, ranges) : null,
    highOf: (topic, partition) =>
      kafka?.topics.find((t) => t.topic === topic)?.partitions.find((p) => p.partition === partition)?.high ??
      null,
  });
  logger.info({ views: opts.views, read: checked.read }, "companion objects checked");
  const findings = [...analysis.findings, ...checked.findings];
  return {
    ...analysis,
    findings,
    notes: [...analysis.notes, ...checked.notes],
    ok: findings.length === 0,
    verdict: verdictOf({ totals: analysis.totals, findings }, kafka !== null),
  };
}
