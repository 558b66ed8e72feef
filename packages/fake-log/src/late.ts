/**
 * Late delivery: a share of records reach the stream after their log time (CDN edge logs, mobile apps that batch
 * while offline). A late record's delay is drawn from a distribution capped at `max`; records are then released in
 * delivery order (log time + delay), so their timestamps are out of order in the stream. A min-heap holds the
 * records not yet delivered: at most about rate x share x max of them.
 */
import type { Randomizer } from "./randomizer";

export type LateDistribution = "exponential" | "uniform";

export interface LateSettings {
  share: number;
  distribution: LateDistribution;
  /** Mean delay in ms (exponential: of the untruncated distribution). */
  mean: number;
  /** Longest delay in ms. */
  max: number;
}

/** A delay in ms (>= 1, <= max): exponential truncated at max (inverse CDF, no rejection) or uniform on [1, max]. */
export function delaySampler(s: LateSettings, random: Randomizer): () => number {
  if (s.distribution === "uniform") return () => 1 + Math.floor(random.next() * s.max);
  const cap = 1 - Math.exp(-s.max / s.mean);
  return () => Math.max(1, Math.min(s.max, Math.floor(-s.mean * Math.log(1 - random.next() * cap))));
}

/** Min-heap of items ordered by (due, seq): seq keeps generation order among equal delivery times. */
export class DeliveryHeap<T> {
  private due: number[] = [];
  private seq: number[] = [];
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** Delivery time of the next item (Infinity when empty). */
  peek(): number {
    return this.items.length === 0 ? Number.POSITIVE_INFINITY : this.due[0]!;
  }

  push(due: number, seq: number, item: T): void {
    const { due: d, seq: s, items } = this;
    let i = items.length;
    d.push(due);
    s.push(seq);
    items.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (d[p]! < due || (d[p] === due && s[p]! < seq)) break;
      d[i] = d[p]!;
      s[i] = s[p]!;
      items[i] = items[p]!;
      i = p;
    }
    d[i] = due;
    s[i] = seq;
    items[i] = item;
  }

  pop(): T | undefined {
    const { due: d, seq: s, items } = this;
    if (items.length === 0) return undefined;
    const top = items[0]!;
    const lastDue = d.pop()!;
    const lastSeq = s.pop()!;
    const last = items.pop()!;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && (d[r]! < d[l]! || (d[r] === d[l] && s[r]! < s[l]!)) ? r : l;
        if (d[c]! > lastDue || (d[c] === lastDue && s[c]! > lastSeq)) break;
        d[i] = d[c]!;
        s[i] = s[c]!;
        items[i] = items[c]!;
        i = c;
      }
      d[i] = lastDue;
      s[i] = lastSeq;
      items[i] = last;
    }
    return top;
  }
}
