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

/** `<delimiter>partition=<n><delimiter>` at the end: the default partitioner's directory of one Kafka partition. */
function isPartitionDir(dir: string, delimiter: string): boolean {
  const name = dir.slice(0, -delimiter.length);
  const base = name.slice(name.lastIndexOf(delimiter) + delimiter.length);
  return dir.endsWith(delimiter) && /^partition=\d+$/.test(base);
}

/**
 * The partition directories under `prefix` (the prefix's own, or its topic directories'), and the objects found on
 * the way; null when the layout is another (field or time partitioner: a Kafka partition's objects are spread over
 * directories, and the scan needs them in one listing's order).
 */
async function partitionDirs(
  lister: Lister,
  prefix: string,
  delimiter: string,
): Promise<{ objects: ListedObject[]; dirs: string[] } | null> {
  if (!prefix.endsWith(delimiter)) return null;
  const isPartition = (d: string) => isPartitionDir(d, delimiter);
  const top = await lister.level(prefix);
  if (top.dirs.length === 0) return null;
  if (top.dirs.every(isPartition)) return top;
  const objects = [...top.objects];
  const dirs: string[] = [];
  for (const d of top.dirs) {
    const level = await lister.level(d);
    if (level.dirs.length === 0 || !level.dirs.every(isPartition)) return null;
    objects.push(...level.objects);
    dirs.push(...level.dirs);
  }
  return { objects, dirs };
}

async function* each(items: readonly ListedObject[]): AsyncGenerator<ListedObject> {
  yield* items;
}

/**
 * What the scan lists, as listings it may run side by side: one per partition directory under the default
 * partitioner (each in key order = offset order, from its seam with --checkpoint), else one per prefix. A server
 * that walks a directory per page (S3Proxy's filesystem store: ~1-3 s a page at 100,000 objects) is then asked
 * for smaller directories, several at once.
 */
export async function listingStreams(
  lister: Lister,
  prefixes: readonly string[],
  seams: ReadonlyMap<string, string>,
  delimiter: string,
): Promise<AsyncIterable<ListedObject>[]> {
  const streams: AsyncIterable<ListedObject>[] = [];
  for (const prefix of prefixes) {
    const found = await partitionDirs(lister, prefix, delimiter);
    if (found === null) {
      streams.push(listFrom(lister, prefix, seams, delimiter));
      continue;
    }
    if (found.objects.length > 0) streams.push(each(found.objects));
    for (const dir of found.dirs) streams.push(listFrom(lister, dir, seams, delimiter));
  }
  return streams;
}

/**
 * `source`, pulled up to `ahead` items before they are asked for: the next listing page is requested while the
 * reads of this one are still being started, not after. Bounded (`ahead` items); stops pulling when the consumer
 * stops.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, ahead: number): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let queue: T[] = [];
  let head = 0;
  let done = false;
  let stopped = false;
  let error: { err: unknown } | undefined;
  let wake: (() => void) | undefined;
  let room: (() => void) | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  void (async () => {
    try {
      while (!stopped) {
        while (queue.length - head >= ahead && !stopped) await new Promise<void>((r) => (room = r));
        if (stopped) break;
        const r = await it.next();
        if (r.done) break;
        queue.push(r.value);
        signal();
      }
    } catch (err) {
      error = { err };
    }
    done = true;
    signal();
  })();
  try {
    for (;;) {
      if (head < queue.length) {
        const v = queue[head++] as T;
        if (head > 1024) {
          queue = queue.slice(head);
          head = 0;
        }
        room?.();
        room = undefined;
        yield v;
        continue;
      }
      if (error) throw error.err;
      if (done) return;
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    stopped = true;
    room?.();
  }
}
