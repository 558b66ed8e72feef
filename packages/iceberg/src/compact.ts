/**
 * Compaction: a partition value's small data files rewritten into files of about a target size (compact-plan.ts),
 * committed as one `replace` snapshot (the new files added; the old ones marked deleted in rewritten copies of their
 * manifests, every other entry kept as existing). Exactly once with concurrent appends: the commit requires the
 * base it was built on (assert-ref-snapshot-id). Refused because an append landed meanwhile, it is rebuilt on the
 * new base: the append's manifests are carried as they are (never dropped), and the files already rewritten are
 * reused when every file they replace is still live there (an append only adds), else rewritten from the new base
 * (another compaction replaced some: never replace a file twice, never add a replaced file back). A commit without
 * an answer is settled by reloading: the snapshot ids tried are ours, so the table tells whether one landed.
 * The snapshot carries the parent's summary keys `weblog.kafka-offsets.*` (the table's resume points).
 */
import { randomUUID } from "node:crypto";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import type { ParquetCodec } from "@weblog/object-format";
import { decodeObjectBody } from "@weblog/object-format";
import { decodeAvroFile } from "./avro";
import { type CompactBin, type CompactPlanOptions, planCompaction } from "./compact-plan";
import { IcebergError } from "./errors";
import { getFile, metadataPath, putFile, type TableStorage, writeDataFiles } from "./files";
import { newSnapshotId } from "./json";
import { parseS3Uri } from "./location";
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

/** What a compaction reports while it runs (for a progress line). */
export type CompactProgress =
  | { phase: "planned"; bins: number; files: number; bytes: number; attempt: number }
  | { phase: "rewritten"; bins: number; done: number }
  | { phase: "commit"; attempt: number };

export type CompactOptions = CompactPlanOptions & {
  /** Plan only: nothing written, nothing committed (the result says what would be replaced). */
  dryRun?: boolean;
  onProgress?: (p: CompactProgress) => void;
  /** Tests: the snapshot's files are on S3, the commit request is next (an append may land here). */
  beforeCommitRequest?: (attempt: number) => void | Promise<void>;
};

export type CompactResult = {
  /** The replace snapshot (null: nothing to compact, or a dry run). */
  snapshotId: string | null;
  /** The snapshot it is based on (its parent). */
  baseSnapshotId: string | null;
  /** Files replaced / written, their bytes and records. */
  replaced: number;
  written: number;
  replacedBytes: number;
  writtenBytes: number;
  records: number;
  /** Partition values touched. */
  partitions: number;
  /** Commit requests sent (0 without a commit). */
  attempts: number;
  /** Rebuilds that had to rewrite data files again (another compaction replaced some of ours). */
  rewrites: number;
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

const MAX_ATTEMPTS = 10;

const currentOf = (m: TableMetadata) => {
  const id = m["current-snapshot-id"];
  return id === undefined || id === null || id === "-1" ? null : id;
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

/** The current snapshot and its manifests with their entries (none for an empty table). */
async function readBase(ctx: CompactContext) {
  const m = await ctx.refresh();
  const current = currentOf(m);
  const parent = (m.snapshots ?? []).find((s) => s["snapshot-id"] === current);
  if (!parent) return { m, current, parent: undefined, manifests: [] as Listed[] };
  const list = decodeAvroFile(await getFile(ctx.storage, parent["manifest-list"]), "manifest list")
    .records as ManifestFileRecord[];
  const manifests: Listed[] = await Promise.all(
    list.map(async (rec) => ({
      rec,
      entries: decodeAvroFile(await getFile(ctx.storage, rec.manifest_path), `manifest ${rec.manifest_path}`)
        .records as ManifestEntry[],
    })),
  );
  return { m, current, parent, manifests };
}

/** Each bin's files read and written back as one data file (in the bin's partition). */
async function rewriteBins(ctx: CompactContext, bins: CompactBin[], options: CompactOptions) {
  const written: DataFile[] = [];
  let done = 0;
  for (const bin of bins) {
    const lines: string[] = [];
    for (const e of bin.entries) {
      const body = await getFile(ctx.storage, e.data_file.file_path);
      for (const line of await decodeObjectBody(body, { format: "parquet", codec: ctx.codec }))
        lines.push(line);
    }
    written.push(...(await writeDataFiles(ctx.storage, ctx.location, ctx.spec(), lines, ctx.codec)));
    options.onProgress?.({ phase: "rewritten", bins: bins.length, done: ++done });
  }
  return written;
}

/** Best effort: files this compaction wrote and no commit of it can name any more (a refused attempt's). */
async function discard(storage: TableStorage, files: readonly DataFile[]) {
  for (const f of files) {
    const { bucket, key } = parseS3Uri(f.path);
    await storage.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
  }
}

export async function compactTable(
  ctx: CompactContext,
  options: CompactOptions = {},
): Promise<CompactResult> {
  const { storage, location } = ctx;
  const tried = new Set<string>();
  /** The files rewritten so far and the paths they replace (reused while those stay live). */
  let prepared: { written: DataFile[]; replaced: Set<string>; bins: CompactBin[] } | undefined;
  let rewrites = 0;
  let lastError: IcebergError | undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const { m, current, parent, manifests } = await readBase(ctx);
    const result = (snapshotId: string | null, attempts: number): CompactResult => {
      const bins = prepared?.bins ?? [];
      return {
        snapshotId,
        baseSnapshotId: current,
        replaced: prepared?.replaced.size ?? 0,
        written: prepared?.written.length ?? 0,
        replacedBytes: bins.reduce((n, b) => n + b.bytes, 0),
        writtenBytes: (prepared?.written ?? []).reduce((n, f) => n + f.sizeBytes, 0),
        records: bins.reduce((n, b) => n + b.records, 0),
        partitions: new Set(bins.map((b) => b.partition)).size,
        attempts,
        rewrites,
      };
    };
    // a commit whose answer was lost may have landed: the ids are ours
    const landed = (m.snapshots ?? []).find((s) => tried.has(s["snapshot-id"]));
    if (landed)
      return {
        ...result(landed["snapshot-id"], attempt - 1),
        baseSnapshotId: landed["parent-snapshot-id"] ?? null,
      };
    if (!parent) return result(null, attempt - 1);
    const live = new Set(
      manifests.flatMap((l) => l.entries.filter((e) => e.status !== 2).map((e) => e.data_file.file_path)),
    );
    if (!prepared || ![...prepared.replaced].every((p) => live.has(p))) {
      if (prepared) {
        rewrites++;
        await discard(storage, prepared.written);
      }
      const bins = planCompaction(
        manifests.flatMap((l) => l.entries),
        options,
      );
      const files = bins.reduce((n, b) => n + b.entries.length, 0);
      options.onProgress?.({
        phase: "planned",
        bins: bins.length,
        files,
        bytes: bins.reduce((n, b) => n + b.bytes, 0),
        attempt,
      });
      prepared = {
        bins,
        written: [],
        replaced: new Set(bins.flatMap((b) => b.entries.map((e) => e.data_file.file_path))),
      };
      if (bins.length === 0 || options.dryRun) return result(null, attempt - 1);
      prepared.written = await rewriteBins(ctx, bins, options);
    }
    const { written, replaced } = prepared;

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
        newList.push(l.rec); // untouched: an append that landed meanwhile is carried as is
        continue;
      }
      newList.push(await rewrittenManifest(ctx, l, replaced, snapshotId, sequence));
    }
    const listPath = metadataPath(location, `snap-${snapshotId}-${attempt}-${randomUUID()}.avro`);
    await putFile(
      storage,
      listPath,
      encodeManifestList(newList, snapshotId, current, sequence),
      "avro/binary",
    );
    const summary = replaceSummary(parent, prepared.bins, written);
    await options.beforeCommitRequest?.(attempt);
    options.onProgress?.({ phase: "commit", attempt });
    tried.add(snapshotId);
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
      return result(snapshotId, attempt);
    } catch (err) {
      // refused: the table moved on (an append, another compaction); unknown: the reload tells. Rebuild either way.
      if (err instanceof IcebergError && (err.code === "COMMIT_CONFLICT" || err.code === "COMMIT_UNKNOWN")) {
        lastError = err;
        continue;
      }
      throw err;
    }
  }
  throw new IcebergError(
    "COMMIT_CONFLICT",
    `compaction of ${ctx.ident.namespace.join(".")}.${ctx.ident.name}: ${MAX_ATTEMPTS} commits in a row refused (the table keeps moving); try again. The last: ${lastError?.message}`,
    { cause: lastError },
  );
}

/** A manifest that held replaced files, written again (those entries deleted), and its manifest-list record. */
async function rewrittenManifest(
  ctx: CompactContext,
  l: Listed,
  replaced: Set<string>,
  snapshotId: string,
  sequence: bigint,
): Promise<ManifestFileRecord> {
  const entries = rewrite(l, replaced, snapshotId);
  const body = encodeManifestEntries(entries, ctx.schema(), ctx.spec());
  const path = metadataPath(ctx.location, `${randomUUID()}-m1.avro`);
  await putFile(ctx.storage, path, body, "avro/binary");
  const existing = entries.filter((e) => e.status === 0);
  const deleted = entries.filter((e) => e.status === 2);
  const rows = (es: ManifestEntry[]) => es.reduce((n, e) => n + e.data_file.record_count, 0n);
  let minSeq = sequence; // bigints: no Math.min
  for (const e of existing) if ((e.sequence_number as bigint) < minSeq) minSeq = e.sequence_number as bigint;
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
}

/** The replace snapshot's summary: counts, totals from the parent, and the parent's offsets carried. */
function replaceSummary(
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
