/**
 * The web-log table: opened (created on first use with the web-log schema and the partition spec, or loaded and
 * checked), written (data files), committed (append snapshots through the REST catalog, exactly once with the
 * Kafka offsets their summaries carry).
 */
import { randomUUID } from "node:crypto";
import type { ParquetCodec } from "@weblog/object-format";
import { decodeAvroFile } from "./avro";
import { type CompactOptions, type CompactResult, compactTable } from "./compact";
import { IcebergError } from "./errors";
import { getFile, metadataPath, putFile, type TableStorage, writeDataFiles } from "./files";
import { newSnapshotId } from "./json";
import {
  type DataFile,
  encodeManifest,
  encodeManifestList,
  type ManifestFileRecord,
  manifestFileRecord,
} from "./manifest";
import {
  formatOffsets,
  judgeRange,
  mergeOffsets,
  type OffsetRange,
  offsetsAt,
  offsetsKey,
  type SnapshotJson,
  type TableOffsets,
} from "./offsets";
import { deleteOrphanFiles, listOrphanFiles, type OrphanFile } from "./orphans";
import type { RestCatalog, TableIdent, TableMetadata } from "./rest";
import { checkTable, type PartitionBy, partitionSpecFor, WEBLOG_TABLE_SCHEMA } from "./schema";

export type OpenTableOptions = {
  catalog: RestCatalog;
  /** `iceberg.tables`: `namespace.table` (namespace parts before the last dot). */
  table: string;
  storage: TableStorage;
  /** For a new table only (an existing one keeps its spec). Default "day". */
  partitionBy?: PartitionBy;
  /** Parquet codec of the data files (default snappy, as Iceberg's own default is zstd-or-snappy by engine). */
  codec?: ParquetCodec;
};

/** One topic-partition's part of a commit: its offset range and the data files holding exactly those records. */
export type CommitPart = OffsetRange & { files: DataFile[] };

/** Named moments inside a commit, for crash tests (the consumer's crash hook kills the process there). */
export type CommitHooks = {
  /** Manifest and manifest list are on S3; the commit request is next. */
  beforeCommitRequest?: () => void | Promise<void>;
  /** The commit request is dispatched, its answer not awaited (a crash here leaves it to the catalog). */
  commitRequestSent?: () => void;
  /** The catalog answered the commit (it is in the table); nothing after it has run. */
  afterCommitResponse?: () => void | Promise<void>;
};

export type CommitResult = {
  /** The snapshot that holds the appended parts (null when nothing was appended). */
  snapshotId: string | null;
  appended: OffsetRange[];
  /** The table already had these records (a retry or a zombie whose commit landed): dropped. */
  alreadyIn: OffsetRange[];
  /** Another member wrote into these ranges: dropped; resume the partition from `offsets`. */
  stale: OffsetRange[];
  /** The group's offsets in the table after the commit. */
  offsets: TableOffsets;
  /** Commit requests sent (1 without a conflict). */
  attempts: number;
};

export type WebLogTable = {
  readonly ident: TableIdent;
  readonly name: string;
  /** s3://... */
  readonly location: string;
  /** The metadata last loaded. */
  metadata(): TableMetadata;
  refresh(): Promise<TableMetadata>;
  /** The group's offsets in the table (reloaded). */
  offsets(group: string): Promise<TableOffsets>;
  /** Record lines -> data files on S3 (one per partition value), not yet in the table. */
  writeDataFiles(lines: readonly string[]): Promise<DataFile[]>;
  /** Files under the table's location no snapshot reaches, older than `olderThanMs` (default 1 h); orphans.ts. */
  listOrphanFiles(options?: { olderThanMs?: number }): Promise<OrphanFile[]>;
  /** Deletes listed orphans that a freshly loaded table still does not reach (orphans.ts). */
  deleteOrphanFiles(orphans: readonly OrphanFile[]): Promise<{ deleted: string[]; kept: string[] }>;
  /** Rewrites each partition value's small files into files of about a target size, as a replace snapshot (compact.ts). */
  compact(options?: CompactOptions): Promise<CompactResult>;
  /** Appends the parts the table does not hold yet, in one snapshot; see judgeRange for the rule. */
  commitAppend(group: string, parts: readonly CommitPart[], hooks?: CommitHooks): Promise<CommitResult>;
};

/** `a.b.logs` -> namespace [a, b], table logs. */
export function parseTableName(table: string): TableIdent {
  const parts = table.split(".");
  const name = parts.pop();
  if (!name || parts.length === 0 || parts.some((p) => p === "")) {
    throw new IcebergError(
      "CATALOG_REJECTED",
      `iceberg.tables: '${table}' is not namespace.table: give e.g. weblog.logs`,
    );
  }
  return { namespace: parts, name };
}

const MAX_COMMIT_ATTEMPTS = 10;

/** A manifest-list record whose manifest still names a live file (added or existing; not only deleted ones). */
export const hasLiveFiles = (r: ManifestFileRecord) =>
  Number(r.added_files_count ?? 1) + Number(r.existing_files_count ?? 1) > 0;

export async function openWebLogTable(options: OpenTableOptions): Promise<WebLogTable> {
  const { catalog, storage } = options;
  const ident = parseTableName(options.table);
  const codec = options.codec ?? "snappy";
  let loaded = await loadOrCreate(catalog, ident, options.partitionBy ?? "day");
  const meta = () => loaded.metadata;
  const schema = () =>
    meta().schemas.find((s) => s["schema-id"] === meta()["current-schema-id"]) ?? WEBLOG_TABLE_SCHEMA;
  const spec = () =>
    meta()["partition-specs"].find((s) => s["spec-id"] === meta()["default-spec-id"]) ??
    partitionSpecFor("none");
  checkTable(options.table, schema(), spec());
  const location = meta().location.replace(/\/$/, "");

  const refresh = async () => {
    loaded = await catalog.loadTable(ident);
    return loaded.metadata;
  };
  const snapshots = (m: TableMetadata): SnapshotJson[] => m.snapshots ?? [];
  /** The current snapshot's id; null for none (Java's catalogs say -1). */
  const current = (m: TableMetadata) => {
    const id = m["current-snapshot-id"];
    return id === undefined || id === null || id === "-1" ? null : id;
  };

  /** The manifests of the current snapshot (none for an empty table). */
  async function baseManifests(m: TableMetadata): Promise<ManifestFileRecord[]> {
    const id = current(m);
    const snap = snapshots(m).find((s) => s["snapshot-id"] === id);
    if (!snap) return [];
    return decodeAvroFile(
      await getFile(storage, snap["manifest-list"]),
      `manifest list ${snap["manifest-list"]}`,
    ).records as ManifestFileRecord[];
  }

  async function commitAppend(
    group: string,
    parts: readonly CommitPart[],
    hooks: CommitHooks = {},
  ): Promise<CommitResult> {
    const snapshotId = newSnapshotId();
    let lastError: IcebergError | undefined;
    let manifest = null as { files: string; record: (seq: bigint) => ManifestFileRecord } | null;
    for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
      const m = attempt === 1 ? meta() : await refresh();
      // a commit whose answer was lost may have landed: our snapshot id is unique
      if (snapshots(m).some((s) => s["snapshot-id"] === snapshotId)) {
        return done(group, m, snapshotId, parts, [], [], attempt - 1);
      }
      const tableOffsets = offsetsAt(snapshots(m), current(m), group);
      const verdicts = parts.map((p) => ({ p, v: judgeRange(tableOffsets, p) }));
      const append = verdicts.filter((x) => x.v === "append").map((x) => x.p);
      const alreadyIn = verdicts.filter((x) => x.v === "already-in").map((x) => x.p);
      const stale = verdicts.filter((x) => x.v === "stale").map((x) => x.p);
      if (append.length === 0) return done(group, m, null, [], alreadyIn, stale, attempt - 1);

      const files = append.flatMap((p) => p.files);
      const key = files.map((f) => f.path).join("\n");
      if (manifest?.files !== key) {
        const body = encodeManifest(files, snapshotId, schema(), spec());
        const path = metadataPath(location, `${randomUUID()}-m0.avro`);
        await putFile(storage, path, body, "avro/binary");
        manifest = {
          files: key,
          record: (seq) => manifestFileRecord(path, body.length, files, snapshotId, seq, spec()),
        };
      }
      const parent = current(m);
      const sequence = BigInt((m["last-sequence-number"] ?? 0) + 1);
      // a manifest with only deleted entries (a compaction's record of what it replaced) is not carried further
      const list = [manifest.record(sequence), ...(await baseManifests(m)).filter(hasLiveFiles)];
      const listPath = metadataPath(location, `snap-${snapshotId}-${attempt}-${randomUUID()}.avro`);
      await putFile(storage, listPath, encodeManifestList(list, snapshotId, parent, sequence), "avro/binary");

      const ends: TableOffsets = new Map();
      for (const p of append) ends.set(p.topic, (ends.get(p.topic) ?? new Map()).set(p.partition, p.end));
      const merged = mergeOffsets(tableOffsets, ends);
      const parentSnap = snapshots(m).find((s) => s["snapshot-id"] === parent);
      const added = files.reduce((n, f) => n + f.recordCount, 0);
      const summary: Record<string, string> = {
        operation: "append",
        "added-data-files": String(files.length),
        "added-records": String(added),
        "added-files-size": String(files.reduce((n, f) => n + f.sizeBytes, 0)),
        "total-records": String(Number(parentSnap?.summary["total-records"] ?? 0) + added),
        "total-data-files": String(Number(parentSnap?.summary["total-data-files"] ?? 0) + files.length),
        "total-delete-files": parentSnap?.summary["total-delete-files"] ?? "0",
        "total-position-deletes": parentSnap?.summary["total-position-deletes"] ?? "0",
        "total-equality-deletes": parentSnap?.summary["total-equality-deletes"] ?? "0",
        [offsetsKey(group)]: formatOffsets(merged),
      };
      await hooks.beforeCommitRequest?.();
      try {
        const request = catalog.commitTable(
          ident,
          [{ type: "assert-ref-snapshot-id", ref: "main", "snapshot-id": parent }],
          [
            {
              action: "add-snapshot",
              snapshot: {
                "snapshot-id": snapshotId,
                ...(parent ? { "parent-snapshot-id": parent } : {}),
                "sequence-number": Number(sequence),
                "timestamp-ms": Date.now(),
                "manifest-list": listPath,
                summary,
                "schema-id": schema()["schema-id"] ?? 0,
              },
            },
            { action: "set-snapshot-ref", "ref-name": "main", type: "branch", "snapshot-id": snapshotId },
          ],
        );
        hooks.commitRequestSent?.();
        loaded = await request;
      } catch (err) {
        // refused (409) or unknown (no answer, 5xx): reload; the next round tells landed / in / stale / retry
        if (
          err instanceof IcebergError &&
          (err.code === "COMMIT_CONFLICT" || err.code === "COMMIT_UNKNOWN")
        ) {
          lastError = err;
          continue;
        }
        throw err;
      }
      await hooks.afterCommitResponse?.();
      return done(group, loaded.metadata, snapshotId, append, alreadyIn, stale, attempt);
    }
    throw new IcebergError(
      "COMMIT_CONFLICT",
      `table ${options.table}: ${MAX_COMMIT_ATTEMPTS} commits in a row refused, the last: ${lastError?.message}`,
      { cause: lastError },
    );
  }

  function done(
    group: string,
    m: TableMetadata,
    snapshotId: string | null,
    appended: readonly OffsetRange[],
    alreadyIn: readonly OffsetRange[],
    stale: readonly OffsetRange[],
    attempts: number,
  ): CommitResult {
    const strip = (r: OffsetRange): OffsetRange => ({
      topic: r.topic,
      partition: r.partition,
      start: r.start,
      end: r.end,
    });
    return {
      snapshotId,
      appended: appended.map(strip),
      alreadyIn: alreadyIn.map(strip),
      stale: stale.map(strip),
      offsets: offsetsAt(snapshots(m), current(m), group),
      attempts,
    };
  }

  return {
    ident,
    name: options.table,
    location,
    metadata: meta,
    refresh,
    offsets: async (group) => {
      const m = await refresh();
      return offsetsAt(snapshots(m), current(m), group);
    },
    writeDataFiles: (lines) => writeDataFiles(storage, location, spec(), lines, codec),
    listOrphanFiles: async (o) => listOrphanFiles(storage, await refresh(), o),
    deleteOrphanFiles: async (orphans) => deleteOrphanFiles(storage, await refresh(), orphans),
    compact: (o) => compactTable({ catalog, ident, storage, location, codec, schema, spec, refresh }, o),
    commitAppend,
  };
}

async function loadOrCreate(catalog: RestCatalog, ident: TableIdent, by: PartitionBy) {
  try {
    return await catalog.loadTable(ident);
  } catch (err) {
    if (!(err instanceof IcebergError && err.code === "NOT_FOUND")) throw err;
  }
  await catalog.createNamespace(ident.namespace);
  try {
    return await catalog.createTable(ident, {
      schema: WEBLOG_TABLE_SCHEMA,
      "partition-spec": partitionSpecFor(by),
      properties: { "format-version": "2", "write.format.default": "parquet" },
    });
  } catch (err) {
    // another member created it first
    if (
      err instanceof IcebergError &&
      err.code === "CATALOG_REJECTED" &&
      /already exists/.test(err.message)
    ) {
      return catalog.loadTable(ident);
    }
    throw err;
  }
}
