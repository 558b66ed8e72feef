/**
 * Partitions whose objects follow each other (the default and time partitioners): the objects' offsets are
 * checked offset by offset. Offsets no object covers are explained, in this order, by the dead-letter topic,
 * tombstones, Kafka's retention (below the low watermark), or lag (after the last object); what is left and was
 * committed is lost, and what is left between objects is a gap.
 */
import type { OffsetRange } from "../model";
import type { Coverage } from "./coverage";
import type { Facts } from "./facts";
import type { PartitionGroup, Unit } from "./partitions";
import { countIn, size, spanEnd, splitAt, subtractOffsets } from "./ranges";

type Place = "leading" | "internal";

/** `units`: the partition's objects (and runs of objects) as ./expand gives them, in start-offset order. */
export function contiguousCoverage(g: PartitionGroup, facts: Facts, units: readonly Unit[]): Coverage {
  const { topic, partition } = g;
  const at = { topic, partition };
  // Ranges no object covers, in start order; `maxEnd`/`maxEndKey`: the furthest offset covered so far.
  const uncovered: { range: OffsetRange; place: Place }[] = [];
  // A checkpoint's proven prefix (--checkpoint): offsets [first, last] were verified by an earlier run, ending in
  // `key`; the objects read now continue from there, so the seam is checked like any other boundary.
  let first: bigint | null = g.proven ? g.proven.first : null;
  let maxEnd = g.proven ? g.proven.last : -1n;
  let maxEndKey = g.proven ? g.proven.key : "";
  let overlaps = 0n;
  let deadInside = 0n;
  let tombstonesInside = 0n;
  const ends = new Map<string, bigint>();
  const gaps: OffsetRange[] = [];

  const gap = (range: OffsetRange, place: Place) => {
    gaps.push(range);
    facts.findings.push({
      kind: place === "leading" ? "missing-from-s3" : "gap",
      ...at,
      range,
      count: Number(size(range)),
    });
  };

  return {
    add(o) {
      const span = spanEnd(o.parts.startOffset, o.records, g.skipped);
      ends.set(o.key, span.end);
      const range = { from: o.parts.startOffset, to: span.end };
      const proven = g.proven;
      if (proven && o.key === proven.key) {
        // The seam object itself was rewritten: coverage continues from its start, and its end is judged anew.
        maxEnd = range.from - 1n;
      } else if (proven && range.from <= proven.last && o.nextStart !== undefined) {
        // An object rewritten inside the proven range: it must still end where the next object starts. (Without a
        // next object it was listed after the seam object: a new object reaching back, an overlap like any other.)
        const expected = o.nextStart - 1n;
        if (range.to < expected) gap({ from: range.to + 1n, to: expected }, "internal");
        else if (range.to > expected) {
          const extra = { from: expected + 1n, to: range.to };
          overlaps += size(extra);
          facts.findings.push({
            kind: "overlap",
            shape: "range",
            ...at,
            keys: [o.key, o.key],
            range: extra,
            count: Number(size(extra)),
          });
        }
        return;
      }
      if (span.inside > 0) {
        const dead = countIn(g.deadLetters, range);
        deadInside += dead;
        tombstonesInside += BigInt(span.inside) - dead;
      }
      if (first === null) {
        first = range.from;
        // --since left older objects unread: offsets before the first object read are out of scope, not missing.
        if (g.scoped && range.from > 0n)
          facts.notes.push({ kind: "not-checked", ...at, range: { from: 0n, to: range.from - 1n } });
        else if (range.from > 0n)
          uncovered.push({ range: { from: 0n, to: range.from - 1n }, place: "leading" });
      } else if (range.from <= maxEnd) {
        const overlap = { from: range.from, to: range.to < maxEnd ? range.to : maxEnd };
        overlaps += size(overlap);
        facts.findings.push({
          kind: "overlap",
          shape: "range",
          ...at,
          keys: [maxEndKey, o.key],
          range: overlap,
          count: Number(size(overlap)),
        });
      } else if (range.from > maxEnd + 1n) {
        uncovered.push({ range: { from: maxEnd + 1n, to: range.from - 1n }, place: "internal" });
      }
      if (range.to > maxEnd) {
        maxEnd = range.to;
        maxEndKey = o.lastKey ?? o.key;
      }
    },

    finish(k) {
      const last = first === null ? null : maxEnd;
      const lastKey = first === null ? undefined : maxEndKey;
      if (k === null) {
        for (const u of uncovered) {
          if (u.place === "internal") gap(u.range, "internal");
          else facts.notes.push({ kind: "not-checked", ...at, range: u.range });
        }
        return { first, last, lastKey, gaps, overlaps, kafka: null };
      }
      if (g.scoped && first === null) {
        // Every object of the partition is older than --since: nothing in scope to judge against Kafka.
        if (k.high > 0n)
          facts.notes.push({ kind: "not-checked", ...at, range: { from: 0n, to: k.high - 1n } });
        return { first, last, lastKey, gaps, overlaps, kafka: null };
      }
      const { low, high, committed } = k;
      if (committed !== null && committed > high) {
        facts.findings.push({ kind: "committed-beyond-high-watermark", ...at, committed, high });
      }
      for (const o of units) {
        const end = ends.get(o.key);
        if (end !== undefined && end >= high) {
          facts.findings.push({
            kind: "beyond-high-watermark",
            shape: "end",
            ...at,
            keys: [o.key],
            offset: end,
            high,
          });
        }
      }
      const tailFrom = maxEnd + 1n;
      const all = [...uncovered];
      if (tailFrom <= high - 1n) all.push({ range: { from: tailFrom, to: high - 1n }, place: "internal" });
      let deadLettered = deadInside;
      let tombstones = tombstonesInside;
      let expired = 0n;
      let lag = 0n;
      let missing = 0n;
      for (const u of all) {
        const dead = subtractOffsets(u.range, g.deadLetters);
        deadLettered += dead.removed;
        const ranges: OffsetRange[] = [];
        for (const r of dead.ranges) {
          const left = subtractOffsets(r, g.tombstones);
          tombstones += left.removed;
          ranges.push(...left.ranges);
        }
        for (const range of ranges) {
          const [below, retained] = splitAt(range, low);
          if (below) expired += size(below);
          if (!retained) continue;
          const [lost, rest] = committed === null ? [null, retained] : splitAt(retained, committed);
          if (lost) {
            missing += size(lost);
            gaps.push(lost);
            facts.findings.push({
              kind: "committed-but-missing",
              shape: "range",
              ...at,
              range: lost,
              count: Number(size(lost)),
            });
          }
          if (!rest) continue;
          if (rest.from >= tailFrom) lag += size(rest);
          else gap(rest, u.place);
        }
      }
      if (expired > 0n && (g.objects > 0 || committed !== null)) {
        facts.notes.push({ kind: "expired-from-kafka", ...at, offsets: expired, low });
      }
      if (deadLettered > 0n) facts.notes.push({ kind: "dead-lettered", ...at, offsets: deadLettered });
      if (tombstones > 0n) facts.notes.push({ kind: "tombstones", ...at, offsets: tombstones });
      if (lag > 0n) facts.notes.push({ kind: "lag", shape: "contiguous", ...at, lag });
      return { first, last, lastKey, gaps, overlaps, kafka: { lag, missing, deadLettered, tombstones } };
    },
  };
}
