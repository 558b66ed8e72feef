/**
 * What main.ts carries from one pass of a run to the next (a top-up scan, Kafka read again) and into the
 * checkpoint: merging scan summaries and Kafka states, the seam directories an incremental run lists from, and
 * what the fold says each partition's newest object is.
 */
import type { Fold } from "./analyze";
import type { ProvenState } from "./checkpoint/checkpoint";
import { dirOf } from "./listing";
import type { KafkaState } from "./model";
import type { ScanSummary } from "./scan";

export function mergeScans(a: ScanSummary, b: ScanSummary): ScanSummary {
  return {
    ...a,
    read: a.read + b.read,
    unparsable: [...a.unparsable, ...b.unparsable],
    listed: a.listed + b.listed,
    bytes: a.bytes + b.bytes,
    elapsedMs: a.elapsedMs + b.elapsedMs,
    unread: a.unread ?? 0,
    scoped: [...new Set([...(a.scoped ?? []), ...(b.scoped ?? [])])].sort(),
    ...(a.companions || b.companions
      ? { companions: [...(a.companions ?? []), ...(b.companions ?? [])] }
      : {}),
  };
}

/** Watermarks from `later`, committed offsets from `earlier` (commits read before the scan cannot race it). */
export function mergeKafka(earlier: KafkaState, later: KafkaState): KafkaState {
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

/**
 * The directories an incremental run lists only after the seam: a proven partition's own directory under the
 * default partitioner (`partition=<p>/`, holding that partition's objects alone, in offset order). Directories
 * shared by partitions (field and time partitioners) are listed whole.
 */
export function seamDirs(proven: ProvenState, delimiter: string): Map<string, string> {
  const seams = new Map<string, string>();
  for (const [id, range] of proven.ranges) {
    const dir = dirOf(range.key, delimiter);
    if (dir.endsWith(`${delimiter}partition=${id.slice(id.lastIndexOf("/") + 1)}${delimiter}`))
      seams.set(dir, range.key);
  }
  return seams;
}

/** Per partition (`topic/partition`), the newest LastModified among the objects read (for the checkpoint). */
export function newestOf(fold: Fold): Map<string, number> {
  const newest = new Map<string, number>();
  for (const p of fold.partitions)
    if (p.newestMs !== null) newest.set(`${p.topic}/${p.partition}`, p.newestMs);
  return newest;
}

/** --partition: Kafka's state of those partitions only (the others are out of scope, not missing). */
export function scopeKafka(kafka: KafkaState, partitions: readonly number[]): KafkaState {
  if (partitions.length === 0) return kafka;
  const keep = new Set(partitions);
  return {
    ...kafka,
    topics: kafka.topics.map((t) => ({
      ...t,
      partitions: t.partitions.filter((p) => keep.has(p.partition)),
    })),
  };
}
