import type { RateCurve } from "./profiles";
import type { Randomizer } from "./randomizer";

/**
 * Log time: starts at `startTime`, advances by gaps averaging 1000/rate ms (divided by the rate curve's multiplier
 * at that instant, when a profile or incident gives one), never goes back. Formats `YYYY-MM-DDTHH:mm:ss.sssZ` from a
 * per-second cached prefix, so the hot path is one string concatenation.
 */
export interface Clock {
  /** The next record's timestamp (the first call returns `startTime` itself). */
  tick(): string;
  /** Epoch ms (integer) of the timestamp the last tick() returned. */
  time(): number;
}

const MILLIS = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(3, "0")}Z`);

export function createClock(
  random: Randomizer,
  startTime: number,
  rate: number,
  jitter: number,
  curve?: RateCurve,
): Clock {
  const mean = 1000 / rate;
  const fixedPart = mean * (1 - jitter);
  const randomPart = mean * jitter;
  let t = startTime;
  let last = startTime;
  let second = Number.NaN;
  let prefix = "";
  return {
    tick() {
      const ms = Math.floor(t);
      last = ms;
      // Exponential gap with mean 1 (inverse CDF); 1 - u is in (0, 1] so the log is finite.
      const gap = fixedPart + (randomPart === 0 ? 0 : randomPart * -Math.log(1 - random.next()));
      t += curve === undefined ? gap : gap / curve(t);
      const s = ms - (ms % 1000);
      if (s !== second) {
        second = s;
        prefix = new Date(s).toISOString().slice(0, 20); // "2026-11-25T06:00:00."
      }
      return prefix + MILLIS[ms - s]!;
    },
    time: () => last,
  };
}
