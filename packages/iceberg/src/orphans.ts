/**
 * Orphan files: data files and Avro metadata under a table's location that no snapshot reaches (a part dropped as
 * already in or stale, a crash between the upload and the commit, a refused commit attempt's manifest list).
 * A file younger than `olderThanMs` may belong to a commit in flight and is never listed; `deleteOrphanFiles`
 * deletes listed ones after checking again, on freshly loaded metadata, that no snapshot reaches them.
 */
import { DeleteObjectsCommand } from "@aws-sdk/client-s3";
import { explainS3Error, listAllObjects } from "@weblog/s3";
import { decodeAvroFile } from "./avro";
import { IcebergError } from "./errors";
import { getFile, type TableStorage } from "./files";
import { parseS3Uri } from "./location";
import type { TableMetadata } from "./rest";

export type OrphanFile = {
  path: string;
  size: number;
  lastModified?: Date;
  /** A Parquet (or other) data file under data/, or an Avro manifest / manifest list under metadata/. */
  kind: "data" | "metadata";
};

/**
 * The data files of the current snapshot (or of `snapshotId`: time travel), entries not deleted, each path as often
 * as live manifests name it (a path named twice is a file committed twice: its rows count twice). No such snapshot
 * (an empty table): none.
 */
export async function liveDataFiles(
  storage: TableStorage,
  metadata: TableMetadata,
  snapshotId?: string,
): Promise<string[]> {
  const id = snapshotId ?? metadata["current-snapshot-id"];
  const snap = (metadata.snapshots ?? []).find((s) => s["snapshot-id"] === id);
  if (!snap) return [];
  const files: string[] = [];
  const list = decodeAvroFile(
    await getFile(storage, snap["manifest-list"]),
    `manifest list ${snap["manifest-list"]}`,
  );
  for (const m of list.records) {
    const path = m.manifest_path as string;
    for (const entry of decodeAvroFile(await getFile(storage, path), `manifest ${path}`).records) {
      if (entry.status !== 2) files.push((entry.data_file as { file_path: string }).file_path);
    }
  }
  return files;
}

/** Every file the table's snapshots reach: manifest lists, manifests, data files (full s3:// paths). */
export async function reachableFiles(storage: TableStorage, metadata: TableMetadata): Promise<Set<string>> {
  const reached = new Set<string>();
  for (const snap of metadata.snapshots ?? []) {
    const list = snap["manifest-list"];
    if (reached.has(list)) continue;
    reached.add(list);
    const manifests = decodeAvroFile(await getFile(storage, list), `manifest list ${list}`).records;
    for (const m of manifests) {
      const path = m.manifest_path as string;
      if (reached.has(path)) continue;
      reached.add(path);
      for (const entry of decodeAvroFile(await getFile(storage, path), `manifest ${path}`).records) {
        reached.add((entry.data_file as { file_path: string }).file_path);
      }
    }
  }
  return reached;
}

/**
 * The table's orphans: objects under `<location>/data/` and Avro files under `<location>/metadata/` that no
 * snapshot reaches and that are older than `olderThanMs` (default 1 hour) at `now`.
 */
export async function listOrphanFiles(
  storage: TableStorage,
  metadata: TableMetadata,
  options: { olderThanMs?: number; now?: number } = {},
): Promise<OrphanFile[]> {
  const reached = await reachableFiles(storage, metadata);
  const location = metadata.location.replace(/\/$/, "");
  const { bucket, key } = parseS3Uri(location);
  const cutoff = (options.now ?? Date.now()) - (options.olderThanMs ?? 3_600_000);
  const orphans: OrphanFile[] = [];
  for (const folder of ["data/", "metadata/"]) {
    for await (const o of listAllObjects(storage.client, bucket, `${key}/${folder}`, {
      endpoint: storage.endpoint,
    })) {
      const path = `s3://${bucket}/${o.key}`;
      if (folder === "metadata/" && !o.key.endsWith(".avro")) continue; // the catalog's metadata JSON is its own
      if (reached.has(path) || (o.lastModified && o.lastModified.getTime() > cutoff)) continue;
      orphans.push({
        path,
        size: o.size,
        kind: folder === "data/" ? "data" : "metadata",
        ...(o.lastModified ? { lastModified: o.lastModified } : {}),
      });
    }
  }
  return orphans;
}

/**
 * Deletes `orphans` (from listOrphanFiles) that no snapshot of `metadata` (load it again just before: a commit may
 * have landed since the listing) reaches; a reached one is kept. Returns the paths deleted and the paths kept.
 */
export async function deleteOrphanFiles(
  storage: TableStorage,
  metadata: TableMetadata,
  orphans: readonly OrphanFile[],
): Promise<{ deleted: string[]; kept: string[] }> {
  const reached = await reachableFiles(storage, metadata);
  const kept = orphans.filter((o) => reached.has(o.path)).map((o) => o.path);
  const doomed = orphans.filter((o) => !reached.has(o.path)).map((o) => parseS3Uri(o.path));
  const deleted: string[] = [];
  const byBucket = new Map<string, string[]>();
  for (const { bucket, key } of doomed) byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), key]);
  for (const [bucket, keys] of byBucket) {
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000);
      try {
        const out = await storage.client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        const failed = new Set((out.Errors ?? []).map((e) => e.Key));
        if (failed.size > 0) {
          const first = out.Errors?.[0];
          throw new IcebergError(
            "BAD_METADATA",
            `could not delete ${failed.size} orphan file(s) in bucket ${bucket}, e.g. ${first?.Key}: ${first?.Code ?? "error"}`,
          );
        }
        deleted.push(...chunk.map((k) => `s3://${bucket}/${k}`));
      } catch (err) {
        if (err instanceof IcebergError) throw err;
        throw explainS3Error(err, { bucket, endpoint: storage.endpoint });
      }
    }
  }
  return { deleted, kept };
}
