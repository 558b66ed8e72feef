/**
 * The analysis works per Kafka partition: the objects S3 holds for it (the fold's runs and the objects it kept
 * whole, in start-offset order), what Kafka says about it, and the offsets the sink consumed without writing a line
 * (dead letters and tombstones, which the objects' offsets skip).
 */
import type { ObjectKeyParts } from "@weblog/sink-contract";
import type { KafkaPartitionState, KafkaState, ProvenRange, ScannedObject } from "../model";
import type { Fold, PartitionLog } from "./fold";
import { isInterleaved } from "./interleaved";
import { expandRun, keyOf, lastStart, type Run, type Template } from "./runs";

/**
 * What the coverage checks see: one object, or a run of objects back to back (`run`, `lastKey`: its last object's
 * key) that is checked as one while nothing happens inside it.
 */
export interface Unit extends Pick<ScannedObject, "key" | "records" | "nextStart" | "readError"> {
  parts: ObjectKeyParts;
  lastKey?: string;
  run?: Run;
}

export interface PartitionGroup {
  topic: string;
  partition: number;
  /** The fold's log of the partition (null: only Kafka knows it). */
  log: PartitionLog | null;
  /** Objects (and runs of objects), in start-offset order. */
  units: Unit[];
  /** Objects S3 holds for the partition. */
  objects: number;
  kafka: KafkaPartitionState | null;
  /** Objects under different partitioner paths share offset ranges (field/time partitioner): see isInterleaved. */
  interleaved: boolean;
  /** Offsets found in the dead-letter topic, ascending. */
  deadLetters: bigint[];
  /** Offsets holding a tombstone in Kafka (read only where S3 left offsets unexplained), ascending. */
  tombstones: bigint[];
  /** deadLetters and tombstones merged: offsets the sink consumed without writing a line. */
  skipped: bigint[];
  /** Offsets an earlier run proved (--checkpoint): coverage continues from `last`, ending in object `key`. */
  proven?: ProvenRange;
  /** --since left some of this partition's objects unread: offsets before the first object read are not judged. */
  scoped?: boolean;
}

const ascending = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
const idOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** A partition's id in checkpoints and scan scopes: `topic/partition`. */
export const partitionId = (topic: string, partition: number): string => `${topic}/${partition}`;

function splitId(id: string): [string, number] {
  const at = id.lastIndexOf("/");
  return [id.slice(0, at), Number(id.slice(at + 1))];
}

/** Sorts objects (units) as the checks take them: by start offset, then key. */
export function byStart(a: { key: string; parts: { startOffset: bigint } }, b: typeof a): number {
  return a.parts.startOffset === b.parts.startOffset
    ? a.key < b.key
      ? -1
      : a.key > b.key
        ? 1
        : 0
    : a.parts.startOffset < b.parts.startOffset
      ? -1
      : 1;
}

function runUnit(r: Run, t: Template): Unit {
  let records = 0;
  for (let i = 0; i < r.counts.length; i += 2)
    records += (r.counts[i] as number) * (r.counts[i + 1] as number);
  return {
    key: keyOf(t, r.start),
    lastKey: keyOf(t, lastStart(r)),
    parts: { ...t.parts, startOffset: r.start },
    records,
    run: r,
  };
}

/** The objects of `u` (itself when it is one). */
export function expandUnit(u: Unit, templates: readonly Template[]): Unit[] {
  if (!u.run || u.run.objects === 1) return [{ ...u, run: undefined, lastKey: undefined }];
  const t = templates[u.run.tpl] as Template;
  return [...expandRun(u.run, t)].map((o) => ({
    key: o.key,
    parts: { ...t.parts, startOffset: o.start },
    records: o.records,
  }));
}

/** The keys of the first `n` objects of `units`. */
export function firstKeys(units: readonly Unit[], templates: readonly Template[], n: number): string[] {
  const keys: string[] = [];
  for (const u of units) {
    for (const o of expandUnit(u, templates)) {
      if (keys.length === n) return keys;
      keys.push(o.key);
    }
  }
  return keys;
}

function unitsOf(log: PartitionLog, fold: Fold): Unit[] {
  const units: Unit[] = [];
  for (const r of log.runs.all) units.push(runUnit(r, fold.templates[r.tpl] as Template));
  for (const i of log.kept) {
    const { object } = fold.kept[i] as Fold["kept"][number];
    units.push(object);
  }
  return units.sort(byStart);
}

/** One group per partition S3 or Kafka knows, sorted by topic then partition. */
export function groupByPartition(
  fold: Fold,
  scoped: readonly string[],
  kafka: KafkaState | null,
  proven?: ReadonlyMap<string, ProvenRange>,
): PartitionGroup[] {
  const groups = new Map<string, PartitionGroup>();
  const get = (topic: string, partition: number) => {
    const id = idOf(topic, partition);
    let g = groups.get(id);
    if (!g) {
      g = {
        topic,
        partition,
        log: null,
        units: [],
        objects: 0,
        kafka: null,
        interleaved: false,
        deadLetters: [],
        tombstones: [],
        skipped: [],
      };
      groups.set(id, g);
    }
    return g;
  };
  for (const log of fold.partitions) {
    const g = get(log.topic, log.partition);
    g.log = log;
    g.objects = log.objects;
    g.units = unitsOf(log, fold);
  }
  for (const t of kafka?.topics ?? []) {
    for (const p of t.partitions) get(t.topic, p.partition).kafka = p;
  }
  for (const d of kafka?.dlq?.partitions ?? []) {
    const g = groups.get(idOf(d.topic, d.partition));
    if (g) g.deadLetters = [...d.offsets].sort(ascending);
  }
  for (const t of kafka?.tombstones ?? []) {
    const g = groups.get(idOf(t.topic, t.partition));
    if (g) g.tombstones = [...t.offsets].sort(ascending);
  }
  for (const [id, range] of proven ?? []) {
    const [topic, partition] = splitId(id);
    if (groups.has(idOf(topic, partition)) || kafka === null) get(topic, partition).proven = range;
  }
  for (const id of scoped) {
    const [topic, partition] = splitId(id);
    const g = groups.get(idOf(topic, partition));
    if (g && !g.proven) g.scoped = true;
  }
  for (const g of groups.values())
    g.skipped = [...new Set([...g.deadLetters, ...g.tombstones])].sort(ascending);
  const sorted = [...groups.values()].sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  );
  for (const g of sorted) g.interleaved = isInterleaved(g.units);
  return sorted;
}
