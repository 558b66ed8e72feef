import type { Randomizer } from "./randomizer";

/**
 * Log time: starts at `startTime`, advances by gaps averaging 1000/rate ms, never goes back. Formats
 * `YYYY-MM-DDTHH:mm:ss.sssZ` from a per-second cached prefix, so the hot path is one string concatenation.
 */
export interface Clock {
  /** The next record's timestamp (the first call returns `startTime` itself). */
  tick(): string;
}

const MILLIS = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(3, "0")}Z`);

export function createClock(random: Randomizer, startTime: number, rate: number, jitter: number): Clock {
  const mean = 1000 / rate;
  const fixedPart = mean * (1 - jitter);
  const randomPart = mean * jitter;
  let t = startTime;
  let second = Number.NaN;
  let prefix = "";
  return {
    tick() {
      const ms = Math.floor(t);
      // Exponential gap with mean 1 (inverse CDF); 1 - u is in (0, 1] so the log is finite.
      t += fixedPart + (randomPart === 0 ? 0 : randomPart * -Math.log(1 - random.next()));
      const s = ms - (ms % 1000);
      if (s !== second) {
        second = s;
        prefix = new Date(s).toISOString().slice(0, 20); // "2026-11-25T06:00:00."
      }
      return prefix + MILLIS[ms - s]!;
    },
  };
}
