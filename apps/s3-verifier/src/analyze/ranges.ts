/**
 * Offset arithmetic: ranges, and the one way an object's offsets are computed. The sink writes an object's
 * records at consecutive offsets from its start offset, skipping the offsets it consumed without writing a line
 * (dead-lettered records and tombstones), so a record's offset is never just `start + line - 1`.
 */
import type { OffsetRange } from "../model";

/** How many offsets `r` holds. */
export const size = (r: OffsetRange): bigint => r.to - r.from + 1n;

/**
 * The offsets of an object's `count` records: the first `count` offsets from `start` that are not in `skipped`
 * (sorted ascending, no repeats).
 */
export function* recordOffsets(start: bigint, count: number, skipped: readonly bigint[]): Generator<bigint> {
  let s = 0;
  while (s < skipped.length && (skipped[s] as bigint) < start) s += 1;
  let offset = start;
  for (let n = 0; n < count; n += 1) {
    while (s < skipped.length && skipped[s] === offset) {
      offset += 1n;
      s += 1;
    }
    yield offset;
    offset += 1n;
  }
}

/**
 * Where an object's offsets end (its last record's offset; `start - 1` for none) and how many skipped offsets lie
 * inside [start, end].
 */
export function spanEnd(
  start: bigint,
  count: number,
  skipped: readonly bigint[],
): { end: bigint; inside: number } {
  // Nothing skipped among [start, start + count): the records hold exactly those offsets (a run of many objects
  // is not walked offset by offset).
  const next = firstAtOrAfter(skipped, start);
  if (count === 0 || next === undefined || next >= start + BigInt(count))
    return { end: start + BigInt(count) - 1n, inside: 0 };
  let end = start - 1n;
  for (const offset of recordOffsets(start, count, skipped)) end = offset;
  return { end, inside: count === 0 ? 0 : Number(end - start + 1n) - count };
}

/** Splits [from, to] at `at`: the part below `at` and the part at or above it (either may be null). */
export function splitAt(r: OffsetRange, at: bigint): [OffsetRange | null, OffsetRange | null] {
  if (r.to < at) return [r, null];
  if (r.from >= at) return [null, r];
  return [
    { from: r.from, to: at - 1n },
    { from: at, to: r.to },
  ];
}

/** How many of `offsets` lie in `r`. */
export function countIn(offsets: readonly bigint[], r: OffsetRange): bigint {
  let n = 0n;
  for (const o of offsets) if (o >= r.from && o <= r.to) n += 1n;
  return n;
}

/** Removes `offsets` (sorted ascending) from `r`: the remaining sub-ranges and how many offsets were removed. */
export function subtractOffsets(
  r: OffsetRange,
  offsets: readonly bigint[],
): { ranges: OffsetRange[]; removed: bigint } {
  const ranges: OffsetRange[] = [];
  let from = r.from;
  let removed = 0n;
  for (const o of offsets) {
    if (o < from) continue;
    if (o > r.to) break;
    if (o > from) ranges.push({ from, to: o - 1n });
    removed += 1n;
    from = o + 1n;
  }
  if (from <= r.to) ranges.push({ from, to: r.to });
  return { ranges, removed };
}

/** The first of `sorted` (ascending) at or after `at`, by binary search. */
export function firstAtOrAfter(sorted: readonly bigint[], at: bigint): bigint | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as bigint) < at) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo];
}
