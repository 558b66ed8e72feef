/**
 * Time travel: which snapshot an `--as-of` names, a snapshot id (decimal) or an ISO time (the snapshot current at
 * that time: the newest whose commit time is not after it, Iceberg's own "as of timestamp" rule).
 */
import type { SnapshotJson } from "./offsets";
import type { TableMetadata } from "./rest";

/** The snapshot `asOf` names in `metadata`, or undefined when it names none (unknown id, a time before the first). */
export function snapshotAsOf(metadata: TableMetadata, asOf: string): SnapshotJson | undefined {
  const snapshots = metadata.snapshots ?? [];
  const text = asOf.trim();
  if (/^-?\d+$/.test(text)) return snapshots.find((s) => s["snapshot-id"] === text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  let best: SnapshotJson | undefined;
  for (const s of snapshots) {
    if (s["timestamp-ms"] <= at && (best === undefined || s["timestamp-ms"] >= best["timestamp-ms"]))
      best = s;
  }
  return best;
}
