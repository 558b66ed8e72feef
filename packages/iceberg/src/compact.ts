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
import { type Listed, replaceSummary, rewrittenManifest } from "./compact-manifests";
import { type CompactBin, type CompactPlanOptions, planCompaction } from "./compact-plan";
import { IcebergError } from "./errors";
import { getFile, metadataPath, putFile, type TableStorage, writeDataFiles } from "./files";
import { newSnapshotId } from "./json";
import { parseS3Uri } from "./location";
import {
  type DataFile,
  encodeManifest,
  encodeManifestList,
  type ManifestEntry,
  type ManifestFileRecord,
  manifestFileRecord,
} from "./manifest";
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

/** A busy sink commits back to back; a retry is a few small requests, so many are affordable. */
const MAX_ATTEMPTS = 30;

const currentOf = (m: TableMetadata) => {
  const id = m["current-snapshot-id"];
  return id === undefined || id === null || id === "-1" ? null : id;
};

/** The current snapshot and its manifests with their entries (none for an empty table). */
async function readBase(ctx: CompactContext, cache: Map<string, ManifestEntry[]>) {
  const m = await ctx.refresh();
  const current = currentOf(m);
  const parent = (m.snapshots ?? []).find((s) => s["snapshot-id"] === current);
  if (!parent) return { m, current, parent: undefined, manifests: [] as Listed[] };
  const list = decodeAvroFile(await getFile(ctx.storage, parent["manifest-list"]), "manifest list")
    .records as ManifestFileRecord[];
  // manifests never change once written: each is read once per run (a retry reads only the appends' new ones)
  const manifests: Listed[] = await Promise.all(
    list.map(async (rec) => {
      let entries = cache.get(rec.manifest_path);
      if (!entries) {
        entries = decodeAvroFile(
          await getFile(ctx.storage, rec.manifest_path),
          `manifest ${rec.manifest_path}`,
        ).records as ManifestEntry[];
        cache.set(rec.manifest_path, entries);
      }
      return { rec, entries };
    }),
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
  const cache = new Map<string, ManifestEntry[]>();
  /** The files rewritten so far and the paths they replace (reused while those stay live). */
  let prepared:
    | {
        written: DataFile[];
        replaced: Set<string>;
        bins: CompactBin[];
        /** One snapshot id per plan: the manifests naming it are written once and reused by every retry. */
        snapshotId: string;
        added?: { path: string; length: number };
        rewritten: Map<string, (sequence: bigint) => ManifestFileRecord>;
      }
    | undefined;
  let rewrites = 0;
  let lastError: IcebergError | undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const { m, current, parent, manifests } = await readBase(ctx, cache);
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
        snapshotId: newSnapshotId(),
        rewritten: new Map(),
        written: [],
        replaced: new Set(bins.flatMap((b) => b.entries.map((e) => e.data_file.file_path))),
      };
      if (bins.length === 0 || options.dryRun) return result(null, attempt - 1);
      prepared.written = await rewriteBins(ctx, bins, options);
    }
    const { written, replaced } = prepared;

    const { snapshotId } = prepared;
    const sequence = BigInt((m["last-sequence-number"] ?? 0) + 1);
    if (!prepared.added) {
      const body = encodeManifest(written, snapshotId, ctx.schema(), ctx.spec());
      const path = metadataPath(location, `${randomUUID()}-m0.avro`);
      await putFile(storage, path, body, "avro/binary");
      prepared.added = { path, length: body.length };
    }
    const newList: ManifestFileRecord[] = [
      manifestFileRecord(
        prepared.added.path,
        prepared.added.length,
        written,
        snapshotId,
        sequence,
        ctx.spec(),
      ),
    ];
    for (const l of manifests) {
      if (!l.entries.some((e) => e.status !== 2)) continue; // only deleted entries (an earlier replace's): dropped
      if (!l.entries.some((e) => e.status !== 2 && replaced.has(e.data_file.file_path))) {
        newList.push(l.rec); // untouched: an append that landed meanwhile is carried as is
        continue;
      }
      let record = prepared.rewritten.get(l.rec.manifest_path);
      if (!record) {
        record = await rewrittenManifest(ctx, l, replaced, snapshotId);
        prepared.rewritten.set(l.rec.manifest_path, record);
      }
      newList.push(record(sequence));
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
