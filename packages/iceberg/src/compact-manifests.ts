/**
 * The manifests of a replace snapshot (compact.ts): a manifest that held replaced files written again, those entries
 * deleted by the snapshot and every other one kept as existing (sequence numbers explicit), and the summary.
 */
import { randomUUID } from "node:crypto";
import type { CompactBin } from "./compact-plan";
import { metadataPath, putFile, type TableStorage } from "./files";
import {
  type DataFile,
  encodeManifestEntries,
  type ManifestEntry,
  type ManifestFileRecord,
} from "./manifest";
import type { SnapshotJson } from "./offsets";
import type { IcebergSchema, PartitionSpec } from "./schema";

export type Listed = { rec: ManifestFileRecord; entries: ManifestEntry[] };

/** Where rewritten manifests go and how they are encoded. */
export type ManifestTarget = {
  storage: TableStorage;
  location: string;
  schema(): IcebergSchema;
  spec(): PartitionSpec;
};

/** A manifest rewritten: replaced entries deleted by `snapshotId`, the rest existing, sequence numbers explicit. */
function rewrite(l: Listed, replaced: Set<string>, snapshotId: string) {
  const live = l.entries.filter((e) => e.status !== 2);
  return live.map((e): ManifestEntry => {
    const seq = e.sequence_number ?? (l.rec.sequence_number as bigint);
    const fileSeq = e.file_sequence_number ?? seq;
    const gone = replaced.has(e.data_file.file_path);
    return {
      status: gone ? 2 : 0,
      snapshot_id: gone ? BigInt(snapshotId) : (e.snapshot_id ?? (l.rec.added_snapshot_id as bigint)),
      sequence_number: seq,
      file_sequence_number: fileSeq,
      data_file: e.data_file,
    };
  });
}

/** A manifest that held replaced files, written again (those entries deleted); its manifest-list record by sequence. */
export async function rewrittenManifest(
  ctx: ManifestTarget,
  l: Listed,
  replaced: Set<string>,
  snapshotId: string,
): Promise<(sequence: bigint) => ManifestFileRecord> {
  const entries = rewrite(l, replaced, snapshotId);
  const body = encodeManifestEntries(entries, ctx.schema(), ctx.spec());
  const path = metadataPath(ctx.location, `${randomUUID()}-m1.avro`);
  await putFile(ctx.storage, path, body, "avro/binary");
  const existing = entries.filter((e) => e.status === 0);
  const deleted = entries.filter((e) => e.status === 2);
  const rows = (es: ManifestEntry[]) => es.reduce((n, e) => n + e.data_file.record_count, 0n);
  return (sequence) => {
    let minSeq = sequence; // bigints: no Math.min
    for (const e of existing)
      if ((e.sequence_number as bigint) < minSeq) minSeq = e.sequence_number as bigint;
    return {
      ...l.rec,
      manifest_path: path,
      manifest_length: BigInt(body.length),
      sequence_number: sequence,
      min_sequence_number: minSeq,
      added_snapshot_id: BigInt(snapshotId),
      added_files_count: 0,
      existing_files_count: existing.length,
      deleted_files_count: deleted.length,
      added_rows_count: 0n,
      existing_rows_count: rows(existing),
      deleted_rows_count: rows(deleted),
    };
  };
}

/** The replace snapshot's summary: counts, totals from the parent, and the parent's offsets carried. */
export function replaceSummary(
  parent: SnapshotJson,
  bins: CompactBin[],
  written: DataFile[],
): Record<string, string> {
  const replacedFiles = bins.reduce((n, b) => n + b.entries.length, 0);
  const carried = Object.fromEntries(
    Object.entries(parent.summary).filter(([k]) => k.startsWith("weblog.kafka-offsets.")),
  );
  return {
    operation: "replace",
    "added-data-files": String(written.length),
    "deleted-data-files": String(replacedFiles),
    "added-records": String(written.reduce((n, f) => n + f.recordCount, 0)),
    "deleted-records": String(bins.reduce((n, b) => n + b.records, 0)),
    "added-files-size": String(written.reduce((n, f) => n + f.sizeBytes, 0)),
    "removed-files-size": String(bins.reduce((n, b) => n + b.bytes, 0)),
    "total-records": parent.summary["total-records"] ?? "0",
    "total-data-files": String(
      Number(parent.summary["total-data-files"] ?? 0) - replacedFiles + written.length,
    ),
    "total-delete-files": parent.summary["total-delete-files"] ?? "0",
    "total-position-deletes": parent.summary["total-position-deletes"] ?? "0",
    "total-equality-deletes": parent.summary["total-equality-deletes"] ?? "0",
    ...carried,
  };
}
