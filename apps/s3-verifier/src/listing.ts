/**
 * What the scan lists. A full run lists every key under the prefix. An incremental run (--checkpoint) lists each
 * proven partition's directory only after its seam object (ListObjectsV2 StartAfter: keys sort by zero-padded start
 * offset), so its cost follows the new objects, not the bucket: it walks down (one delimiter listing per level) only
 * the directories that lead to a seam directory, and lists every other directory whole (new partitions, older
 * directories of a time partitioner).
 */
import type { ListedObject } from "@weblog/s3";

/** The listings the scan needs (implemented over @weblog/s3 in store.ts). */
export interface Lister {
  list(prefix: string, startAfter?: string): AsyncIterable<ListedObject>;
  /** One level under `prefix`: its objects and sub-directories (each ending with the delimiter). */
  level(prefix: string): Promise<{ objects: ListedObject[]; dirs: string[] }>;
}

/** The directory of a key (up to and including its last delimiter). */
export const dirOf = (key: string, delimiter: string): string =>
  key.slice(0, key.lastIndexOf(delimiter) + delimiter.length);

/**
 * Every key under `prefix` except those at or before a seam key in its seam directory. `seams`: seam directory ->
 * the seam object's key. Without seams under the prefix: one plain listing.
 */
export async function* listFrom(
  lister: Lister,
  prefix: string,
  seams: ReadonlyMap<string, string>,
  delimiter: string,
): AsyncGenerator<ListedObject> {
  const seamKey = seams.get(prefix);
  if (seamKey !== undefined) {
    yield* lister.list(prefix, seamKey);
    return;
  }
  const leadsToSeam = [...seams.keys()].some((d) => d.startsWith(prefix) && d !== prefix);
  if (!leadsToSeam || !prefix.endsWith(delimiter)) {
    yield* lister.list(prefix);
    return;
  }
  const { objects, dirs } = await lister.level(prefix);
  yield* objects;
  for (const dir of dirs) yield* listFrom(lister, dir, seams, delimiter);
}
