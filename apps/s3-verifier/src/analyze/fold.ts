/**
 * The scan's objects folded as they are read, so the verifier's memory follows the bucket's partitions and
 * anomalies, not its objects or records: each object is checked on its own at once (./objects: invalid lines,
 * flush.size, empty, unreadable: facts kept), its offsets join its partition's runs (./runs), its record hashes go
 * to the duplicate index (./record-index, on disk past 4 MiB), and its latency is one number. Only objects that do
 * not fit a run are kept whole, without their hashes (unreadable, empty, keys off the template, rewritten inside a
 * checkpoint's proven range). The analysis (./index) reads the fold, as often as Kafka's answers require.
 */

import type { AnalyzeOptions, ScannedObject } from "../model";
import type { FindingFact } from "./facts";
import { latencyOf, Samples } from "./latency";
import { checkObject, emptyTally, type ObjectTally } from "./objects";
import { createRecordIndex, hash64, type RecordIndex, type RecordPlace } from "./record-index";
import { Runs, startsAt, type Template, templateOf } from "./runs";

/** An object kept whole (hashes dropped); `covers`: it holds records whose offsets the coverage check places. */
export interface KeptObject {
  object: ScannedObject;
  covers: boolean;
}

/** What the fold keeps of one Kafka partition. */
export interface PartitionLog {
  topic: string;
  partition: number;
  /** Its index in the fold (RecordPlace.partition). */
  index: number;
  objects: number;
  runs: Runs;
  /** Ids of objects kept whole (Fold.kept). */
  kept: number[];
  tally: ObjectTally;
  /** Facts about single objects (invalid records, flush.size, empty, unreadable), in the order read. */
  facts: FindingFact[];
  /** Newest S3 LastModified among its objects read (for the checkpoint). */
  newestMs: number | null;
}

export interface Fold {
  add(o: ScannedObject): void;
  /** True when an object with this key (and these parts) was folded already. */
  has(key: string, parts: ScannedObject["parts"]): boolean;
  /** Partitions in the order first seen. */
  readonly partitions: readonly PartitionLog[];
  readonly templates: readonly Template[];
  readonly kept: readonly KeptObject[];
  /** Latency samples of unreadable objects (the total's, not a partition's). */
  readonly outside: Samples;
  objects(): number;
  /** Groups of records with the same content (computed once per state of the fold). */
  repeats(): RecordPlace[][];
  close(): void;
}

type FoldOptions = Pick<AnalyzeOptions, "flushSize" | "flushSizeBytes" | "proven">;

export function createFold(opts: FoldOptions = {}): Fold {
  const partitions: PartitionLog[] = [];
  const byId = new Map<string, PartitionLog>();
  const templates: Template[] = [];
  const templateIds = new Map<string, number>();
  const kept: KeptObject[] = [];
  const keptKeys = new Set<string>();
  const outside = new Samples();
  const index: RecordIndex = createRecordIndex();
  let count = 0;
  let repeats: RecordPlace[][] | undefined;

  const logOf = (topic: string, partition: number): PartitionLog => {
    const id = `${topic}\u0000${partition}`;
    let log = byId.get(id);
    if (!log) {
      log = {
        topic,
        partition,
        index: partitions.length,
        objects: 0,
        runs: new Runs(),
        kept: [],
        tally: emptyTally(),
        facts: [],
        newestMs: null,
      };
      byId.set(id, log);
      partitions.push(log);
    }
    return log;
  };
  const templateId = (t: Template): number => {
    const id = `${t.head}\u0000${t.width}\u0000${t.tail}`;
    let n = templateIds.get(id);
    if (n === undefined) {
      n = templates.length;
      templates.push(t);
      templateIds.set(id, n);
    }
    return n;
  };

  return {
    partitions,
    templates,
    kept,
    outside,
    objects: () => count,
    add(o) {
      repeats = undefined;
      count += 1;
      const { topic, kafkaPartition: partition, startOffset } = o.parts;
      const log = logOf(topic, partition);
      log.objects += 1;
      if (o.lastModifiedMs !== null) log.newestMs = Math.max(log.newestMs ?? 0, o.lastModifiedMs);
      const facts = { findings: log.facts, notes: [] };
      const covers = checkObject(o, { topic, partition }, opts, log.tally, facts);
      if (o.readError !== undefined) {
        const lat = latencyOf(o);
        if (lat !== null) outside.push(lat);
      }
      const proven = opts.proven?.get(`${topic}/${partition}`);
      const t = covers ? templateOf(o.key, o.parts) : null;
      const alone =
        t === null ||
        o.nextStart !== undefined ||
        (proven !== undefined && (startOffset <= proven.last || o.key === proven.key));
      let ref: number;
      if (alone) {
        ref = -kept.length - 1;
        kept.push({ object: { ...o, recordHashes: [] }, covers });
        keptKeys.add(o.key);
        log.kept.push(kept.length - 1);
      } else {
        ref = templateId(t);
        log.runs.add(ref, startOffset, o.records);
      }
      if (o.readError !== undefined) return;
      const start = Number(startOffset);
      o.recordHashes.forEach((h, line) => {
        const [hi, lo] = hash64(h);
        index.add(hi, lo, { partition: log.index, ref, start, line });
      });
    },
    has(key, parts) {
      if (keptKeys.has(key)) return true;
      const log = byId.get(`${parts.topic}\u0000${parts.kafkaPartition}`);
      if (!log) return false;
      const t = templateOf(key, parts);
      const id = t && templateIds.get(`${t.head}\u0000${t.width}\u0000${t.tail}`);
      if (id === null || id === undefined) return false;
      for (const r of log.runs.all) if (r.tpl === id && startsAt(r, parts.startOffset)) return true;
      return false;
    },
    repeats() {
      repeats ??= index.repeats();
      return repeats;
    },
    close() {
      index.close();
    },
  };
}

/** A fold of objects already in memory (the pure `analyze(scan, ...)` and its tests). */
export function foldOf(objects: readonly ScannedObject[], opts: FoldOptions = {}): Fold {
  const fold = createFold(opts);
  for (const o of objects) fold.add(o);
  return fold;
}
