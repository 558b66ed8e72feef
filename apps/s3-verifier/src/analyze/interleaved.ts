/**
 * Partitions whose objects interleave offsets (field partitioner, or a time partitioner with late records): an
 * object's records are not consecutive offsets, so such a partition is checked by record count against Kafka, and
 * two objects overlap only when they start at the same offset.
 */
import type { Coverage } from "./coverage";
import type { Facts } from "./facts";
import type { PartitionGroup, Unit } from "./partitions";

/**
 * A field partitioner (and a time partitioner with late records) keeps one open file per path, so a Kafka
 * partition's offsets interleave between objects. Detected as objects under different paths whose
 * [start, start + count) ranges cross.
 */
export function isInterleaved(objects: readonly Unit[]): boolean {
  let maxEnd = -1n;
  let maxPath = "";
  for (const o of objects) {
    if (o.readError !== undefined || o.records === 0) continue;
    const end = o.parts.startOffset + BigInt(o.records) - 1n;
    if (o.parts.startOffset <= maxEnd && o.parts.encodedPartition !== maxPath) return true;
    if (end > maxEnd) {
      maxEnd = end;
      maxPath = o.parts.encodedPartition;
    }
  }
  return false;
}

/** `objects`: the partition's objects one by one, in start-offset order. */
export function interleavedCoverage(g: PartitionGroup, facts: Facts, objects: readonly Unit[]): Coverage {
  const { topic, partition } = g;
  let first: bigint | null = null;
  let overlaps = 0n;
  const starts = new Map<bigint, string>();
  return {
    add(o) {
      const start = o.parts.startOffset;
      if (first === null || start < first) first = start;
      const other = starts.get(start);
      if (other === undefined) {
        starts.set(start, o.key);
        return;
      }
      overlaps += 1n;
      facts.findings.push({
        kind: "overlap",
        shape: "same-start",
        topic,
        partition,
        keys: [other, o.key],
        range: { from: start, to: start },
        count: 1,
      });
    },
    finish(k, records) {
      const paths = new Set(objects.map((o) => o.parts.encodedPartition)).size;
      facts.notes.push({ kind: "interleaved-partitioner", topic, partition, paths });
      const result = { first, last: null, gaps: [], overlaps, kafka: null };
      if (k === null) return result;
      const { low, high, committed } = k;
      for (const o of objects) {
        if (o.readError === undefined && o.records > 0 && o.parts.startOffset >= high) {
          facts.findings.push({
            kind: "beyond-high-watermark",
            shape: "start",
            topic,
            partition,
            keys: [o.key],
            offset: o.parts.startOffset,
            high,
          });
        }
      }
      // Records are counted from the low watermark (or from the first object when S3 reaches further back).
      const begin = first !== null && first < low ? first : low;
      const deadLettered = BigInt(g.deadLetters.filter((o) => o >= begin && o < high).length);
      const tombstones = BigInt(
        g.tombstones.filter((o) => o >= begin && o < high && !g.deadLetters.includes(o)).length,
      );
      const held = BigInt(records) + deadLettered + tombstones;
      let missing = 0n;
      if (committed !== null && committed - begin > held) {
        missing = committed - begin - held;
        facts.findings.push({
          kind: "committed-but-missing",
          shape: "count",
          topic,
          partition,
          range: { from: begin, to: committed - 1n },
          count: Number(missing),
          committed,
          held,
          begin,
        });
      }
      const lag = high - begin > held + missing ? high - begin - held - missing : 0n;
      if (lag > 0n) facts.notes.push({ kind: "lag", shape: "interleaved", topic, partition, lag });
      return { ...result, kafka: { lag, missing, deadLettered, tombstones } };
    },
  };
}
