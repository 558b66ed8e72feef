/**
 * What a compaction rewrites, decided from a snapshot's manifest entries alone (pure): per partition value, the
 * live data files smaller than `minFileSizeBytes` are packed (first fit, largest first) into bins of at most
 * `targetFileSizeBytes` of input; each bin of two or more files becomes one new file of about the bin's size (the
 * same records in the same Parquet encoding: the sizes add up, less per-file overhead). A bin of one is left alone.
 */
import type { ManifestEntry } from "./manifest";

/** 128 MiB: Apache Iceberg's `write.target-file-size-bytes` default is 512 MiB; ours is a fourth of it, since a bin is rewritten in memory. */
export const DEFAULT_TARGET_FILE_SIZE = 128 * 1024 * 1024;

export type CompactPlanOptions = {
  /** The size a new file aims at (bytes of input per bin). Default 128 MiB. */
  targetFileSizeBytes?: number;
  /** Files at least this large are left alone. Default 75% of the target (Iceberg's `min-file-size-bytes` rule). */
  minFileSizeBytes?: number;
  /** A partition value is compacted only when it has at least this many small files. Default 2. */
  minFiles?: number;
  /** Only these partition values (days/hours since the epoch; null for an unpartitioned table). Default all. */
  partitions?: readonly (number | null)[];
};

/** One new file: the entries it replaces, all of one partition value. */
export type CompactBin = {
  partition: number | null;
  entries: ManifestEntry[];
  bytes: number;
  records: number;
};

/** The partition value of an entry (the spec's single field, or null). */
export function entryPartition(e: ManifestEntry): number | null {
  const values = Object.values((e.data_file.partition as Record<string, unknown> | undefined) ?? {});
  const v = values[0];
  return typeof v === "number" ? v : null;
}

export function planCompaction(
  entries: readonly ManifestEntry[],
  options: CompactPlanOptions = {},
): CompactBin[] {
  const target = options.targetFileSizeBytes ?? DEFAULT_TARGET_FILE_SIZE;
  const small = options.minFileSizeBytes ?? Math.floor(target * 0.75);
  const minFiles = options.minFiles ?? 2;
  const only = options.partitions ? new Set(options.partitions) : undefined;
  const groups = new Map<number | null, ManifestEntry[]>();
  for (const e of entries) {
    if (e.status === 2 || Number(e.data_file.file_size_in_bytes) >= small) continue;
    const p = entryPartition(e);
    if (only && !only.has(p)) continue;
    groups.set(p, [...(groups.get(p) ?? []), e]);
  }
  const bins: CompactBin[] = [];
  const sizeOf = (e: ManifestEntry) => Number(e.data_file.file_size_in_bytes);
  for (const [partition, group] of groups) {
    if (group.length < minFiles) continue;
    const open: CompactBin[] = [];
    for (const e of [...group].sort(
      (a, b) => sizeOf(b) - sizeOf(a) || a.data_file.file_path.localeCompare(b.data_file.file_path),
    )) {
      const bin = open.find((b) => b.bytes + sizeOf(e) <= target);
      const into = bin ?? { partition, entries: [], bytes: 0, records: 0 };
      if (!bin) open.push(into);
      into.entries.push(e);
      into.bytes += sizeOf(e);
      into.records += Number(e.data_file.record_count);
    }
    bins.push(...open.filter((b) => b.entries.length >= 2));
  }
  return bins;
}
