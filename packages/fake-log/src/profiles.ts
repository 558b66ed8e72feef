/**
 * Traffic profiles over log time: a rate multiplier m(t) the clock divides its gaps by (src/clock.ts).
 * - steady: m = 1 (no curve at all: the hot path is unchanged).
 * - diurnal: m = 1 + a*cos(2*pi*(localHour - peakHour)/24) with a = (ratio-1)/(ratio+1), so the busiest hour is
 *   `peakToTrough` times the quietest and the mean over a day is 1 (the average rate stays `rate`). The local hour
 *   follows `timeZone` (IANA name, daylight saving included).
 * - bursty: flash crowds. Bursts start at exponential gaps (mean `every` s from the end of the last), last an
 *   exponential time (mean `duration` s, at least 1 s) and lift the rate to `factor` x: 10% ramp up, 60% plateau,
 *   30% ramp down. Outside bursts m = 1. Drawn from the profile's own seeded stream.
 */
import type { Randomizer } from "./randomizer";

export type ProfileKind = "steady" | "diurnal" | "bursty";

export interface DiurnalProfile {
  kind: "diurnal";
  /** Busiest hour's rate / quietest hour's rate, >= 1. Default 4. */
  peakToTrough?: number;
  /** IANA time zone of the audience, e.g. "Europe/Berlin". Default "UTC". */
  timeZone?: string;
  /** Local hour (0-24, fractions allowed) of the peak. Default 20 (8 pm). */
  peakHour?: number;
}

export interface BurstyProfile {
  kind: "bursty";
  /** Mean seconds of log time between bursts (end of one to start of the next). Default 600. */
  every?: number;
  /** Mean length of a burst, seconds. Default 60. */
  duration?: number;
  /** Rate multiple at a burst's plateau, > 1. Default 10. */
  factor?: number;
}

export type Profile = ProfileKind | { kind: "steady" } | DiurnalProfile | BurstyProfile;

export type ResolvedProfile =
  | { kind: "steady" }
  | { kind: "diurnal"; peakToTrough: number; timeZone: string; peakHour: number }
  | { kind: "bursty"; every: number; duration: number; factor: number };

export const PROFILE_DEFAULTS = {
  diurnal: { peakToTrough: 4, timeZone: "UTC", peakHour: 20 },
  bursty: { every: 600, duration: 60, factor: 10 },
} as const;

/** A rate multiplier over log time (ms). Calls must come with non-decreasing t. */
export type RateCurve = (t: number) => number;

const HOUR = 3_600_000;
const OFFSET_WINDOW = 15 * 60_000;

/** UTC offset in ms of a time zone at instant t ("GMT+05:30" parsed from Intl's longOffset name). */
export function zoneOffset(format: Intl.DateTimeFormat, t: number): number {
  const name = format.formatToParts(t).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  const sign = m[1] === "-" ? -1 : 1;
  return sign * (Number(m[2]) * HOUR + Number(m[3] ?? 0) * 60_000);
}

export function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
}

function diurnal(p: { peakToTrough: number; timeZone: string; peakHour: number }): RateCurve {
  const a = (p.peakToTrough - 1) / (p.peakToTrough + 1);
  const format = zoneFormat(p.timeZone);
  let windowEnd = Number.NEGATIVE_INFINITY;
  let offset = 0;
  return (t) => {
    if (t >= windowEnd || t < windowEnd - OFFSET_WINDOW) {
      offset = zoneOffset(format, t);
      windowEnd = t - (t % OFFSET_WINDOW) + OFFSET_WINDOW;
    }
    const hour = (((t + offset) % (24 * HOUR)) + 24 * HOUR) % (24 * HOUR);
    return 1 + a * Math.cos((2 * Math.PI * (hour / HOUR - p.peakHour)) / 24);
  };
}

/** The bursts a bursty curve produced, for tests and side channels: [start ms, end ms). */
export interface Burst {
  start: number;
  end: number;
}

function bursty(
  p: { every: number; duration: number; factor: number },
  startTime: number,
  random: Randomizer,
  onBurst?: (b: Burst) => void,
): RateCurve {
  const exp = (mean: number) => -Math.log(1 - random.next()) * mean;
  const nextBurst = (after: number): Burst => {
    const start = after + exp(p.every * 1000);
    const b = { start, end: start + Math.max(1000, exp(p.duration * 1000)) };
    onBurst?.(b);
    return b;
  };
  let burst = nextBurst(startTime);
  return (t) => {
    while (t >= burst.end) burst = nextBurst(burst.end);
    if (t < burst.start) return 1;
    const x = (t - burst.start) / (burst.end - burst.start);
    const shape = x < 0.1 ? x / 0.1 : x < 0.7 ? 1 : (1 - x) / 0.3;
    return 1 + (p.factor - 1) * shape;
  };
}

/** The curve of a profile, or undefined for steady (so the clock skips it). */
export function rateCurve(
  profile: ResolvedProfile,
  startTime: number,
  random: Randomizer,
  onBurst?: (b: Burst) => void,
): RateCurve | undefined {
  if (profile.kind === "diurnal") return diurnal(profile);
  if (profile.kind === "bursty") return bursty(profile, startTime, random, onBurst);
  return undefined;
}
