import {
  catalogAuthFromEnv,
  createRestCatalog,
  offsetsKey,
  parseOffsets,
  parseTableName,
  type RestCatalog,
  type TableMetadata,
} from "@weblog/iceberg";
import type { IcebergPart, SnapshotPart } from "../shared/state";

/**
 * What an Apache Iceberg table (the sink's --format iceberg output) shows on the page: its newest snapshots, each with
 * its time, id, operation, the files and records it added, and the group's Kafka offsets its summary carries
 * (`weblog.kafka-offsets.<group>`, the merged map: packages/iceberg's offsets.ts). `snapshotRows` is pure over the
 * table metadata; the watcher loads that metadata through the REST catalog every poll.
 */

const OFFSETS_PREFIX = "weblog.kafka-offsets.";

/** A summary count ("12") -> a number; absent or unreadable -> null. */
function num(v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * Table metadata -> its newest `limit` snapshots, newest first (by timestamp, then sequence number). Offsets are
 * `group`'s; a snapshot without them (another writer, a compaction) falls back to the one weblog offsets key it has,
 * else shows none.
 */
export function snapshotRows(meta: TableMetadata, opts: { group: string; limit?: number }): SnapshotPart[] {
  const snaps = [...(meta.snapshots ?? [])].sort(
    (a, b) =>
      b["timestamp-ms"] - a["timestamp-ms"] || (b["sequence-number"] ?? 0) - (a["sequence-number"] ?? 0),
  );
  return snaps.slice(0, opts.limit ?? 12).map((s) => {
    const summary = s.summary ?? {};
    const own = summary[offsetsKey(opts.group)];
    const other = Object.keys(summary).filter((k) => k.startsWith(OFFSETS_PREFIX));
    const value = own ?? (other.length === 1 ? summary[other[0] as string] : undefined);
    const offsets: SnapshotPart["offsets"] = [];
    for (const [topic, parts] of parseOffsets(value))
      for (const [partition, next] of [...parts].sort((a, b) => a[0] - b[0]))
        offsets.push({ topic, partition, next });
    offsets.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    return {
      snapshotId: s["snapshot-id"],
      timestampMs: s["timestamp-ms"],
      operation: summary.operation ?? null,
      addedFiles: num(summary["added-data-files"]),
      addedRecords: num(summary["added-records"]),
      totalRecords: num(summary["total-records"]),
      current: s["snapshot-id"] === meta["current-snapshot-id"],
      offsets,
    };
  });
}

export interface IcebergWatcherOptions {
  /** `namespace.table`. */
  table: string;
  /** The REST catalog's URI (or a catalog, for tests). */
  catalogUri?: string;
  catalog?: RestCatalog;
  /** The sink's consumer group, whose offsets the summaries carry. */
  group: string;
  newest?: number;
}

/** Loads the table every poll; a table not there yet (the sink creates it on first use) is an empty list. */
export function createIcebergWatcher(opts: IcebergWatcherOptions) {
  const catalog =
    opts.catalog ??
    createRestCatalog({
      uri: opts.catalogUri ?? "http://localhost:8181",
      timeoutMs: 10_000,
      ...catalogAuthFromEnv(process.env), // ICEBERG_CATALOG_TOKEN / ICEBERG_CATALOG_CREDENTIAL
    });
  const ident = parseTableName(opts.table);
  return {
    async poll(): Promise<IcebergPart> {
      try {
        const loaded = await catalog.loadTable(ident);
        return {
          table: opts.table,
          snapshots: snapshotRows(loaded.metadata, { group: opts.group, limit: opts.newest ?? 12 }),
          snapshotCount: loaded.metadata.snapshots?.length ?? 0,
        };
      } catch (err) {
        const missing = (err as { code?: string }).code === "NOT_FOUND";
        return {
          table: opts.table,
          snapshots: [],
          snapshotCount: 0,
          ...(missing ? {} : { error: (err as Error).message }),
        };
      }
    },
  };
}
