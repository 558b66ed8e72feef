/**
 * Compaction: a partition value's small data files rewritten into one, committed as a `replace` snapshot (the new
 * file added; the old ones marked deleted in rewritten copies of their manifests, every other entry kept as
 * existing). Exactly once with concurrent appends: the commit requires the base it was built on
 * (assert-ref-snapshot-id); a refused one (an append landed meanwhile) is rebuilt on the new base, so the append's
 * manifests are carried and nothing is replaced twice. The snapshot carries the parent's offsets (summary keys).
 */
import { randomUUID } from "node:crypto";
import type { ParquetCodec } from "@weblog/object-format";
import { decodeObjectBody } from "@weblog/object-format";
import { decodeAvroFile } from "./avro";
import { IcebergError } from "./errors";
import { getFile, metadataPath, putFile, type TableStorage, writeDataFiles } from "./files";
import { newSnapshotId } from "./json";
import {
  type DataFile,
  encodeManifest,
  encodeManifestEntries,
  encodeManifestList,
  type ManifestEntry,
  type ManifestFileRecord,
  manifestFileRecord,
} from "./manifest";
import type { SnapshotJson } from "./offsets";
import type { RestCatalog, TableIdent, TableMetadata } from "./rest";
import type { IcebergSchema, PartitionSpec } from "./schema";

export type CompactOptions = {
  /** Files with fewer records than this are small (default 100,000). */
  smallFileRecords?: number;
  /** A partition value is compacted when it has at least this many small files (default 2). */
  minFiles?: number;
  /** Crash tests: the snapshot's files are on S3, the commit request is next. */
  beforeCommitRequest?: () => void | Promise<void>;
};

export type CompactResult = {
  snapshotId: string | null;
  replaced: number;
  written: number;
  attempts: number;
};

export type CompactContext = {
  catalog: RestCatalog;
  ident: TableIdent;
  storage: TableStorage;
  location: string;
  codec: ParquetCodec;
  schema(): IcebergSchema;
  spec(): PartitionSpec;
  refresh(): Promise<TableMetadata>;
};

type Listed = { rec: ManifestFileRecord; entries: ManifestEntry[] };

const currentOf = (m: TableMetadata) => {
  const id = m["current-snapshot-id"];
  return id === undefined || id === null || id === "-1" ? null : id;
};

/** The small live files to replace, grouped by partition value (groups of at least `minFiles`). */
function pickGroups(manifests: Listed[], small: number, minFiles: number): ManifestEntry[][] {
  const groups = new Map<string, ManifestEntry[]>();
  for (const { entries } of manifests)
    for (const e of entries) {
      if (e.status === 2 || Number(e.data_file.record_count) >= small) continue;
      const key = JSON.stringify(e.data_file.partition ?? {});
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
  return [...groups.values()].filter((g) => g.length >= minFiles);
}

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

export async function compactTable(
  ctx: CompactContext,
  options: CompactOptions = {},
): Promise<CompactResult> {
  const small = options.smallFileRecords ?? 100_000;
  const minFiles = options.minFiles ?? 2;
  const { storage, location } = ctx;
  for (let attempt = 1; attempt <= 10; attempt++) {
    const m = await ctx.refresh();
    const current = currentOf(m);
    const snaps: SnapshotJson[] = m.snapshots ?? [];
    const parent = snaps.find((s) => s["snapshot-id"] === current);
    if (!parent) return { snapshotId: null, replaced: 0, written: 0, attempts: attempt - 1 };
    const list = decodeAvroFile(await getFile(storage, parent["manifest-list"]), "manifest list")
      .records as ManifestFileRecord[];
    const manifests: Listed[] = await Promise.all(
      list.map(async (rec) => ({
        rec,
        entries: decodeAvroFile(await getFile(storage, rec.manifest_path), `manifest ${rec.manifest_path}`)
          .records as ManifestEntry[],
      })),
    );
    const groups = pickGroups(manifests, small, minFiles);
    if (groups.length === 0) return { snapshotId: null, replaced: 0, written: 0, attempts: attempt - 1 };

    const written: DataFile[] = [];
    const replaced = new Set<string>();
    let replacedRecords = 0;
    for (const group of groups) {
      const lines: string[] = [];
      for (const e of group) {
        const body = await getFile(storage, e.data_file.file_path);
        lines.push(...(await decodeObjectBody(body, { format: "parquet", codec: ctx.codec })));
        replaced.add(e.data_file.file_path);
        replacedRecords += Number(e.data_file.record_count);
      }
      written.push(...(await writeDataFiles(storage, location, ctx.spec(), lines, ctx.codec)));
    }

    const snapshotId = newSnapshotId();
    const sequence = BigInt((m["last-sequence-number"] ?? 0) + 1);
    const added = encodeManifest(written, snapshotId, ctx.schema(), ctx.spec());
    const addedPath = metadataPath(location, `${randomUUID()}-m0.avro`);
    await putFile(storage, addedPath, added, "avro/binary");
    const newList: ManifestFileRecord[] = [
      manifestFileRecord(addedPath, added.length, written, snapshotId, sequence, ctx.spec()),
    ];
    for (const l of manifests) {
      if (!l.entries.some((e) => e.status !== 2 && replaced.has(e.data_file.file_path))) {
        newList.push(l.rec);
        continue;
      }
      const entries = rewrite(l, replaced, snapshotId);
      const body = encodeManifestEntries(entries, ctx.schema(), ctx.spec());
      const path = metadataPath(location, `${randomUUID()}-m1.avro`);
      await putFile(storage, path, body, "avro/binary");
      const existing = entries.filter((e) => e.status === 0);
      const deleted = entries.filter((e) => e.status === 2);
      const rows = (es: ManifestEntry[]) => es.reduce((n, e) => n + e.data_file.record_count, 0n);
      let minSeq = sequence; // bigints: no Math.min
      for (const e of existing)
        if ((e.sequence_number as bigint) < minSeq) minSeq = e.sequence_number as bigint;
      newList.push({
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
      });
    }
    const listPath = metadataPath(location, `snap-${snapshotId}-${attempt}-${randomUUID()}.avro`);
    await putFile(
      storage,
      listPath,
      encodeManifestList(newList, snapshotId, current, sequence),
      "avro/binary",
    );

    const carried = Object.fromEntries(
      Object.entries(parent.summary).filter(([k]) => k.startsWith("weblog.kafka-offsets.")),
    );
    const summary: Record<string, string> = {
      operation: "replace",
      "added-data-files": String(written.length),
      "deleted-data-files": String(replaced.size),
      "added-records": String(written.reduce((n, f) => n + f.recordCount, 0)),
      "deleted-records": String(replacedRecords),
      "total-records": parent.summary["total-records"] ?? "0",
      "total-data-files": String(
        Number(parent.summary["total-data-files"] ?? 0) - replaced.size + written.length,
      ),
      "total-delete-files": parent.summary["total-delete-files"] ?? "0",
      "total-position-deletes": parent.summary["total-position-deletes"] ?? "0",
      "total-equality-deletes": parent.summary["total-equality-deletes"] ?? "0",
      ...carried,
    };
    await options.beforeCommitRequest?.();
    try {
      await ctx.catalog.commitTable(
        ctx.ident,
        [{ type: "assert-ref-snapshot-id", ref: "main", "snapshot-id": current }],
        [
          {
            action: "add-snapshot",
            snapshot: {
              "snapshot-id": snapshotId,
              "parent-snapshot-id": current,
              "sequence-number": Number(sequence),
              "timestamp-ms": Date.now(),
              "manifest-list": listPath,
              summary,
              "schema-id": ctx.schema()["schema-id"] ?? 0,
            },
          },
          { action: "set-snapshot-ref", "ref-name": "main", type: "branch", "snapshot-id": snapshotId },
        ],
      );
      return { snapshotId, replaced: replaced.size, written: written.length, attempts: attempt };
    } catch (err) {
      // refused: an append (or another compaction) landed; rebuild on the new base (this attempt's files: orphans)
      if (err instanceof IcebergError && err.code === "COMMIT_CONFLICT") continue;
      throw err;
    }
  }
  throw new IcebergError(
    "COMMIT_CONFLICT",
    `compaction of ${ctx.ident.name}: refused 10 times in a row; try again`,
  );
}
