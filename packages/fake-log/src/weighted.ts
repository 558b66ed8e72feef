import type { Randomizer } from "./randomizer";

/** Picks items by weight in O(log n) from a prebuilt cumulative table (built once, used per record). */
export interface WeightedPicker<T> {
  pick(random: Randomizer): T;
  readonly items: readonly T[];
  /** Probability of each item (same order as `items`), for tests and docs. */
  readonly probabilities: readonly number[];
}

export function weighted<T>(entries: readonly (readonly [T, number])[]): WeightedPicker<T> {
  const items = entries.filter(([, w]) => w > 0).map(([item]) => item);
  const weights = entries.filter(([, w]) => w > 0).map(([, w]) => w);
  if (items.length === 0) throw new Error("weighted(): no entry with a positive weight");
  const total = weights.reduce((s, w) => s + w, 0);
  const cumulative = new Float64Array(weights.length);
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i]! / total;
    cumulative[i] = acc;
  }
  cumulative[weights.length - 1] = 1;
  const last = items.length - 1;
  return {
    items,
    probabilities: weights.map((w) => w / total),
    pick(random) {
      const u = random.next();
      let lo = 0;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cumulative[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      return items[lo]!;
    },
  };
}

/**
 * Zipf-like weights 1/(rank+1)^s: a few items get most picks (popular pages, heavy-hitter visitors),
 * and a long tail gets a few each.
 */
export function zipf<T>(items: readonly T[], exponent: number): WeightedPicker<T> {
  return weighted(items.map((item, rank) => [item, 1 / (rank + 1) ** exponent] as const));
}
