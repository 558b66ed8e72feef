/** Delivery latency: from an object's newest record's timestamp to the object's LastModified. */
import type { LatencySummary, ScannedObject } from "../model";

/** Nearest-rank percentile of sorted numbers. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export function summarizeLatency(samplesMs: number[]): LatencySummary | null {
  if (samplesMs.length === 0) return null;
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    maxMs: sorted[sorted.length - 1] as number,
  };
}

export function latencyOf(o: ScannedObject): number | null {
  return o.lastModifiedMs !== null && o.newestRecordMs !== null ? o.lastModifiedMs - o.newestRecordMs : null;
}
