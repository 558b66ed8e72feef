/**
 * The Kafka offsets a table holds, in its snapshots' summaries: under `weblog.kafka-offsets.<group>`, a JSON map
 * `{ topic: { partition: nextOffset } }` of every topic-partition the group ever committed to the table (merged:
 * each snapshot copies its parent's map and raises the partitions it appends), so the newest snapshot alone says
 * where every partition resumes. Pure functions over table metadata.
 */

/** `topic` -> partition -> the next offset to read (the last offset in the table + 1). */
export type TableOffsets = Map<string, Map<number, number>>;

export type SnapshotJson = {
  "snapshot-id": string;
  "parent-snapshot-id"?: string | null;
  "sequence-number"?: number;
  "timestamp-ms": number;
  "manifest-list": string;
  summary: Record<string, string>;
};

export const offsetsKey = (group: string) => `weblog.kafka-offsets.${group}`;

/** A summary value -> offsets (an unreadable value is an empty map: that snapshot says nothing). */
export function parseOffsets(value: string | undefined): TableOffsets {
  const out: TableOffsets = new Map();
  if (!value) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return out;
  }
  if (typeof parsed !== "object" || parsed === null) return out;
  for (const [topic, parts] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof parts !== "object" || parts === null) continue;
    const m = new Map<number, number>();
    for (const [p, o] of Object.entries(parts as Record<string, unknown>)) {
      if (Number.isInteger(Number(p)) && Number.isSafeInteger(o)) m.set(Number(p), o as number);
    }
    out.set(topic, m);
  }
  return out;
}

/** Offsets -> a summary value (topics and partitions sorted, so equal maps give equal strings). */
export function formatOffsets(offsets: TableOffsets): string {
  const obj: Record<string, Record<string, number>> = {};
  for (const topic of [...offsets.keys()].sort()) {
    const parts = offsets.get(topic) as Map<number, number>;
    obj[topic] = Object.fromEntries(
      [...parts.entries()].sort((a, b) => a[0] - b[0]).map(([p, o]) => [String(p), o]),
    );
  }
  return JSON.stringify(obj);
}

/** `base` with `ends` laid over it (a new map; partitions only move forward). */
export function mergeOffsets(base: TableOffsets, ends: TableOffsets): TableOffsets {
  const out: TableOffsets = new Map([...base].map(([t, m]) => [t, new Map(m)]));
  for (const [topic, parts] of ends) {
    const m = out.get(topic) ?? new Map<number, number>();
    for (const [p, o] of parts) m.set(p, Math.max(o, m.get(p) ?? 0));
    out.set(topic, m);
  }
  return out;
}

/**
 * The group's offsets at `currentId`: the newest snapshot along the parent chain whose summary has the group's key
 * (a snapshot another writer made, a compaction without it, is passed over). Empty when none has it.
 */
export function offsetsAt(
  snapshots: readonly SnapshotJson[],
  currentId: string | null,
  group: string,
): TableOffsets {
  const byId = new Map(snapshots.map((s) => [s["snapshot-id"], s]));
  const key = offsetsKey(group);
  let id = currentId;
  for (let hops = 0; id && hops <= snapshots.length; hops++) {
    const snap = byId.get(id);
    if (!snap) break;
    if (snap.summary?.[key] !== undefined) return parseOffsets(snap.summary[key]);
    id = snap["parent-snapshot-id"] ?? null;
  }
  return new Map();
}

/**
 * Part of a commit: the records of one topic-partition, `start` the offset of its first record and `end` the offset
 * after its last processed one. Offsets between the table's and `start` were processed by the writer without a
 * record for the table (skipped, sent to a dead-letter queue).
 */
export type OffsetRange = { topic: string; partition: number; start: number; end: number };

/**
 * What the table says of a range, the exactly-once rule: `append` when the table's offset for its partition is at
 * or before its start (or the table has none: the group never wrote it), `already-in` when the table is at or past
 * its end (a retried or zombie commit whose records landed), else `stale` (the table holds part of the range:
 * another member wrote it after a rebalance; not ours to write, the caller resumes from the table's offset).
 */
export function judgeRange(offsets: TableOffsets, r: OffsetRange): "append" | "already-in" | "stale" {
  const at = offsets.get(r.topic)?.get(r.partition);
  if (at === undefined || at <= r.start) return "append";
  if (at >= r.end) return "already-in";
  return "stale";
}
