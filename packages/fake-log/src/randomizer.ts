/**
 * The one source of randomness of a generator: a seeded sfc32 PRNG (Chris Doty-Humphrey's "small fast counting"
 * generator, 128-bit state, 32-bit output; passes PractRand/BigCrush). Only 32-bit integer arithmetic, so the same
 * seed gives the same sequence on every machine and JavaScript engine.
 *
 * It also implements faker's `Randomizer` interface (`next()` and `seed()`), so the faker instance that builds the
 * pools draws from this same stream: one seed decides everything.
 */
export interface Randomizer {
  /** A float in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** An integer in [0, n) (n >= 1). */
  int(n: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Restart the stream from a seed (any safe integer, or faker-style array of numbers). */
  seed(seed: number | number[]): void;
}

/** splitmix32: spreads a seed's bits so nearby seeds (1, 2, 3) give unrelated streams. */
function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Fold a number or array of numbers (safe integers or fractions, as faker allows) to a 32-bit value. */
function foldSeed(seed: number | number[]): number {
  const parts = Array.isArray(seed) ? seed : [seed];
  let h = 0x811c9dc5;
  for (const part of parts) {
    const n = Number.isFinite(part) ? part : 0;
    const lo = n >>> 0;
    const hi = Math.floor(n / 4294967296) >>> 0;
    const frac = Math.floor((n - Math.floor(n)) * 4294967296) >>> 0;
    for (const w of [lo, hi, frac]) h = Math.imul(h ^ w, 0x01000193) >>> 0;
  }
  return h;
}

/** A seeded randomizer. Seeds are any safe integers (negative and > 2^32 included). */
export function createRandomizer(seed: number | number[]): Randomizer {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;

  const u32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };

  const randomizer: Randomizer = {
    next: () => u32() / 4294967296,
    int: (n) => Math.floor((u32() / 4294967296) * n),
    chance: (p) => u32() / 4294967296 < p,
    seed(s) {
      const mix = splitmix32(foldSeed(s));
      a = mix();
      b = mix();
      c = mix();
      d = mix();
      for (let i = 0; i < 12; i++) u32(); // discard the first outputs, as the reference implementation does
    },
  };
  randomizer.seed(seed);
  return randomizer;
}

/** A seed when none is given: fresh each call (crypto-quality), as a uint32 so it can be printed and reused. */
export function randomSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!;
}
