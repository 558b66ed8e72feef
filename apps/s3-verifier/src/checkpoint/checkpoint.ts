/**
 * The incremental mode's memory (--checkpoint <file>): per Kafka partition, the offsets earlier runs proved
 * ([first, last], the last held by object `key`) and the newest S3 LastModified among the objects they read. A later
 * run leaves objects inside the proven range unread (unless stored after it: rewritten since) and continues the
 * offset check from `last`, so the seam between the proven range and the new objects is checked like any boundary.
 *
 * A local file, not an object in the bucket: the verifier needs only read access to the bucket it audits, and an
 * object of its own under the sink's prefix would be one more key the audit has to explain. Written (atomically:
 * temporary file, then rename) only after a run whose verdict is OK, so it never records what was not proven.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { UsageError } from "@weblog/cli";
import type { Analysis, ProvenRange, ScanResult } from "../model";

/** One partition's entry. Offsets as decimal strings (JSON has no 64-bit integers). */
interface StoredRange {
  first: string;
  last: string;
  key: string;
  newestMs: number;
}

export interface Checkpoint {
  version: 1;
  bucket: string;
  prefix: string;
  /** When the run that wrote it finished (ISO 8601; for people, never compared). */
  verifiedAt: string;
  partitions: Record<string, StoredRange>;
}

/** What the scan and analysis take from a checkpoint: per `topic/partition`. */
export interface ProvenState {
  ranges: Map<string, ProvenRange>;
  scan: Map<string, { last: bigint; newestMs: number }>;
}

function invalid(path: string, why: string): UsageError {
  return new UsageError(
    `--checkpoint ${path}: ${why}; delete the file (or name another) to run a full verification.`,
  );
}

/** The file's checkpoint, or null when there is none yet (the first run is a full one). */
export async function loadCheckpoint(
  path: string,
  scope: { bucket: string; prefix: string },
): Promise<Checkpoint | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw invalid(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let doc: Checkpoint;
  try {
    doc = JSON.parse(text) as Checkpoint;
  } catch {
    throw invalid(path, "is not JSON");
  }
  if (doc?.version !== 1 || typeof doc.partitions !== "object" || doc.partitions === null)
    throw invalid(path, "is not an s3-verifier checkpoint (version 1)");
  for (const [id, r] of Object.entries(doc.partitions)) {
    const ok =
      /^.+\/\d+$/.test(id) &&
      /^\d+$/.test(r?.first ?? "") &&
      /^\d+$/.test(r?.last ?? "") &&
      typeof r.key === "string" &&
      Number.isFinite(r.newestMs);
    if (!ok) throw invalid(path, `partition entry "${id}" is malformed`);
  }
  if (doc.bucket !== scope.bucket || doc.prefix !== scope.prefix)
    throw invalid(
      path,
      `was written for s3://${doc.bucket}/${doc.prefix}, not s3://${scope.bucket}/${scope.prefix}`,
    );
  return doc;
}

/** The checkpoint's ranges, as the scan and the analysis take them. */
export function provenState(cp: Checkpoint | null, keep: (id: string) => boolean = () => true): ProvenState {
  const ranges = new Map<string, ProvenRange>();
  const scan = new Map<string, { last: bigint; newestMs: number }>();
  for (const [id, r] of Object.entries(cp?.partitions ?? {})) {
    if (!keep(id)) continue;
    const last = BigInt(r.last);
    ranges.set(id, { first: BigInt(r.first), last, key: r.key });
    scan.set(id, { last, newestMs: r.newestMs });
  }
  return { ranges, scan };
}

/**
 * The checkpoint after an OK run (`scan`: the objects read, or per partition the newest LastModified among them,
 * as the fold keeps it): each contiguous partition's proven range now ends at its last offset (object
 * `lastKey`); partitions this run did not see keep their entry. Interleaved partitions (no last offset) get none.
 */
export function nextCheckpoint(
  prev: Checkpoint | null,
  analysis: Pick<Analysis, "partitions">,
  scan: Pick<ScanResult, "bucket" | "prefix"> &
    (Pick<ScanResult, "objects"> | { newestMs: ReadonlyMap<string, number> }),
  now: Date,
): Checkpoint {
  let newest = new Map<string, number>();
  if ("newestMs" in scan) newest = new Map(scan.newestMs);
  else
    for (const o of scan.objects) {
      const id = `${o.parts.topic}/${o.parts.kafkaPartition}`;
      if (o.lastModifiedMs !== null) newest.set(id, Math.max(newest.get(id) ?? 0, o.lastModifiedMs));
    }
  const partitions: Record<string, StoredRange> = { ...(prev?.partitions ?? {}) };
  for (const p of analysis.partitions) {
    if (p.firstOffset === null || p.lastOffset === null || p.lastKey === undefined) continue;
    const id = `${p.topic}/${p.partition}`;
    const before = partitions[id];
    partitions[id] = {
      first: String(p.firstOffset),
      last: String(p.lastOffset),
      key: p.lastKey,
      newestMs: Math.max(before?.newestMs ?? 0, newest.get(id) ?? 0),
    };
  }
  return { version: 1, bucket: scan.bucket, prefix: scan.prefix, verifiedAt: now.toISOString(), partitions };
}

/** Writes the checkpoint atomically (a reader never sees half a file). */
export async function saveCheckpoint(path: string, cp: Checkpoint): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(cp, null, 2)}\n`);
  await rename(tmp, path);
}
