import { describe, expect, it } from "vitest";
import { createFakeLog, type FakeLogOptions } from "../src/index";

const HOUR = 3_600_000;

/** Records per hour-of-day bucket of UTC time over `days` days of log time. */
function perUtcHour(options: FakeLogOptions, days: number): number[] {
  const log = createFakeLog({ seed: 5, startTime: "2026-06-01T00:00:00Z", ...options });
  const end = log.options.startTime + days * 24 * HOUR;
  const counts = new Array(24).fill(0);
  for (let i = 0; i < 5_000_000; i++) {
    const t = Date.parse(log.next().timestamp);
    if (t >= end) break;
    counts[new Date(t).getUTCHours()]++;
  }
  return counts;
}

/** Peak of the day curve in UTC hours (phase of the first harmonic over the buckets' centres). */
function peakHour(counts: number[]): number {
  let x = 0;
  let y = 0;
  counts.forEach((c, h) => {
    const a = (2 * Math.PI * (h + 0.5)) / 24;
    x += c * Math.cos(a);
    y += c * Math.sin(a);
  });
  return ((((Math.atan2(y, x) * 24) / (2 * Math.PI)) % 24) + 24) % 24;
}

describe("profiles", () => {
  it("steady: the same hourly volume all day (each hour within 5% of the mean)", () => {
    const counts = perUtcHour({ rate: 2 }, 2);
    const mean = counts.reduce((a, b) => a + b, 0) / 24;
    for (const c of counts) expect(Math.abs(c / mean - 1)).toBeLessThan(0.05);
  });

  it("diurnal, UTC, ratio 4: peak at 20:00 +- 0.25 h, busiest/quietest hour 4 +- 12%, daily mean = rate +- 3%", () => {
    const counts = perUtcHour({ rate: 2, profile: { kind: "diurnal", peakToTrough: 4 } }, 4);
    expect(Math.abs(peakHour(counts) - 20)).toBeLessThan(0.25);
    expect(Math.abs(Math.max(...counts) / Math.min(...counts) / 4 - 1)).toBeLessThan(0.12);
    const total = counts.reduce((a, b) => a + b, 0);
    expect(Math.abs(total / (4 * 86_400 * 2) - 1)).toBeLessThan(0.03);
  });

  it("diurnal follows the time zone: peak hour 20 in Asia/Tokyo (UTC+9) is 11:00 UTC; ratio 10 +- 15%", () => {
    const counts = perUtcHour(
      { rate: 2, profile: { kind: "diurnal", peakToTrough: 10, timeZone: "Asia/Tokyo" } },
      4,
    );
    expect(Math.abs(peakHour(counts) - 11)).toBeLessThan(0.25);
    expect(Math.abs(Math.max(...counts) / Math.min(...counts) / 10 - 1)).toBeLessThan(0.15);
  });

  it("diurnal across daylight saving (Europe/Berlin, from March 29 2026): 20:00 local is 19:00 UTC before, 18:00 after", () => {
    const profile = { kind: "diurnal", peakToTrough: 6, timeZone: "Europe/Berlin" } as const;
    const before = perUtcHour({ rate: 2, startTime: "2026-03-20T00:00:00Z", profile }, 4);
    const after = perUtcHour({ rate: 2, startTime: "2026-04-05T00:00:00Z", profile }, 4);
    expect(Math.abs(peakHour(before) - 19)).toBeLessThan(0.25);
    expect(Math.abs(peakHour(after) - 18)).toBeLessThan(0.25);
  });

  it("bursty: outside bursts the base rate, at a burst's plateau factor x (+-15%), time in bursts as expected", () => {
    const rate = 20;
    const log = createFakeLog({
      seed: 8,
      rate,
      startTime: 0,
      profile: { kind: "bursty", every: 120, duration: 30, factor: 8 },
    });
    const perSecond = new Map<number, number>();
    const end = 6 * HOUR;
    for (let i = 0; i < 10_000_000; i++) {
      const t = Date.parse(log.next().timestamp);
      if (t >= end) break;
      const s = Math.floor(t / 1000);
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    }
    const bursts = log.bursts().filter((b) => b.end <= end);
    expect(bursts.length).toBeGreaterThan(80); // 6 h / (120 s + 30 s) = 144 expected
    expect(bursts.length).toBeLessThan(220);
    let plateau = 0;
    let plateauSeconds = 0;
    let quiet = 0;
    let quietSeconds = 0;
    const inBurst = (s: number) => bursts.some((b) => s * 1000 >= b.start - 1000 && s * 1000 < b.end + 1000);
    for (const b of bursts) {
      const len = b.end - b.start;
      for (let s = Math.ceil((b.start + 0.15 * len) / 1000); (s + 1) * 1000 <= b.start + 0.65 * len; s++) {
        plateau += perSecond.get(s) ?? 0;
        plateauSeconds++;
      }
    }
    for (let s = 0; s < end / 1000; s += 7) {
      if (inBurst(s)) continue;
      quiet += perSecond.get(s) ?? 0;
      quietSeconds++;
    }
    expect(Math.abs(quiet / quietSeconds / rate - 1)).toBeLessThan(0.05);
    expect(Math.abs(plateau / plateauSeconds / (rate * 8) - 1)).toBeLessThan(0.15);
    const burstTime = bursts.reduce((a, b) => a + (b.end - b.start), 0) / end;
    expect(burstTime).toBeGreaterThan(0.1); // 30 / 150 = 0.2 expected
    expect(burstTime).toBeLessThan(0.3);
  });

  it("profiles are deterministic under a seed and leave every record schema-shaped and in order", () => {
    for (const profile of ["diurnal", "bursty"] as const) {
      const a = createFakeLog({ seed: 3, profile }).batch(20_000);
      expect(createFakeLog({ seed: 3, profile }).batch(20_000)).toEqual(a);
      for (let i = 1; i < a.length; i++)
        if (a[i]!.timestamp < a[i - 1]!.timestamp) throw new Error(`went back at ${i}`);
    }
  });
});
