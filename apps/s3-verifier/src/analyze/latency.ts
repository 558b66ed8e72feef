/**
 * Delivery latency: from an object's newest record's timestamp to the object's LastModified. Signed: a negative
 * sample means the record was stamped after S3 stored its object, i.e. the producer's clock runs ahead of S3's
 * (clock skew). It is counted and shown as such, never clamped to 0 (a clamp hid fake-log's future timestamps).
 * One exception, the store's own precision: S3 (and S3Proxy, MinIO in places) give LastModified in whole seconds,
 * so an object stored at 12:00:00.700 lists as 12:00:00.000; a record up to 1 s after a whole-second LastModified
 * is within that precision and counts as 0, not as skew. Below that it is skew, shown signed.
 */
import type { LatencySummary, ScannedObject } from "../model";

/** Nearest-rank percentile of sorted numbers. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/** Latency samples as one growing Float64Array: 8 bytes an object, no object per sample. */
export class Samples {
  private data = new Float64Array(64);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

export function summarizeLatency(samplesMs: ArrayLike<number> | Samples): LatencySummary | null {
  const values = samplesMs instanceof Samples ? samplesMs.values() : samplesMs;
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  let skewed = 0;
  while (skewed < sorted.length && (sorted[skewed] as number) < 0) skewed++;
  return {
    samples: sorted.length,
    minMs: sorted[0] as number,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    maxMs: sorted[sorted.length - 1] as number,
    skewed,
  };
}

export function latencyOf(o: ScannedObject): number | null {
  if (o.lastModifiedMs === null || o.newestRecordMs === null) return null;
  const ms = o.lastModifiedMs - o.newestRecordMs;
  const wholeSecond = o.lastModifiedMs % 1000 === 0;
  return wholeSecond && ms < 0 && ms > -1000 ? 0 : ms;
}

/** The note for skewed samples, or null. */
export function skewNote(l: LatencySummary | null): { kind: "clock-skew"; message: string } | null {
  if (!l || l.skewed === 0) return null;
  const by = Math.round(-l.minMs);
  return {
    kind: "clock-skew",
    message: `clock skew: ${l.skewed} of ${l.samples} objects hold a record stamped after the object was stored (by up to ${by} ms): the producer's clock is ahead of S3's, or records carry future timestamps; latency is shown signed`,
  };
}
