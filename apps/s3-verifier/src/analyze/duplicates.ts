/**
 * Identical records at different positions (another offset, partition or topic) in two different objects: produced
 * twice, or twins in the source data. The same record at the same offset in a contiguous partition is an overlap,
 * already named there.
 */
import type { PartitionReport } from "../model";
import type { DuplicateFact } from "./facts";
import type { PartitionGroup } from "./partitions";
import { recordOffsets } from "./ranges";

interface Seen {
  topic: string;
  partition: number;
  offset: bigint;
  key: string;
  line: number;
}

/** One fact per pair of objects sharing records; adds each duplicate to its partition's report. */
export function findDuplicates(groups: PartitionGroup[], reports: PartitionReport[]): DuplicateFact[] {
  const seen = new Map<string, Seen>();
  const pairs = new Map<string, DuplicateFact>();
  groups.forEach((g, gi) => {
    for (const o of g.objects) {
      if (o.readError !== undefined) continue;
      const offsets = recordOffsets(o.parts.startOffset, o.recordHashes.length, g.skipped);
      o.recordHashes.forEach((h, i) => {
        const offset = offsets.next().value as bigint;
        const prev = seen.get(h);
        if (!prev) {
          seen.set(h, { topic: g.topic, partition: g.partition, offset, key: o.key, line: i + 1 });
          return;
        }
        if (prev.key === o.key) return;
        const sameOffset = prev.topic === g.topic && prev.partition === g.partition && prev.offset === offset;
        if (sameOffset && !g.interleaved) return;
        const id = `${prev.key}\u0000${o.key}`;
        const pair = pairs.get(id) ?? {
          kind: "duplicate-record",
          topic: g.topic,
          partition: g.partition,
          keys: [prev.key, o.key],
          count: 0,
          lineA: prev.line,
          lineB: i + 1,
        };
        pair.count += 1;
        pairs.set(id, pair);
        const report = reports[gi];
        if (report) report.duplicateRecords += 1;
      });
    }
  });
  return [...pairs.values()];
}
