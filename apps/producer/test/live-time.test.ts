import { describe, expect, it } from "vitest";
import { createIsoCache, createLiveClock, createTwinGuard, restampJson } from "../src/live-time";

describe("live timestamps", () => {
  it("rewrites fake-log's JSON timestamp and leaves anything else as it is", () => {
    const v = '{"ip":"1.2.3.4","timestamp":"2026-01-01T00:00:00.005Z","method":"GET"}';
    expect(restampJson(v, "2026-12-01T23:18:08.123Z")).toBe(
      '{"ip":"1.2.3.4","timestamp":"2026-12-01T23:18:08.123Z","method":"GET"}',
    );
    for (const other of [
      '{"ip":"1.2.3.4","timestamp":"yesterday","method":"GET"}', // broken on purpose
      '1.2.3.4 - - [01/Jan/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 -', // clf
      "not json",
    ])
      expect(restampJson(other, "2026-12-01T23:18:08.123Z")).toBe(other);
  });

  it("spreads a batch over the time since the last one, one ms apart while it can, never after now", () => {
    let now = 1_000_000;
    const clock = createLiveClock(() => now);
    const first = clock.stamps(5);
    expect(first).toEqual([999_996, 999_997, 999_998, 999_999, 1_000_000]);
    now += 100; // 100 ms later, 4 records: spread over the span
    const second = clock.stamps(4);
    expect(second).toEqual([1_000_025, 1_000_050, 1_000_075, 1_000_100]);
    now += 2; // faster than 1000/s: milliseconds are shared, none is in the future
    const third = clock.stamps(5);
    expect(third.every((t) => t <= now)).toBe(true);
    expect(third[0]).toBe(1_000_101);
    expect(third.at(-1)).toBe(now);
    const all = [...first, ...second, ...third];
    for (let i = 1; i < all.length; i++) expect(all[i]).toBeGreaterThanOrEqual(all[i - 1] as number);
  });

  it("never makes twins: a record equal to one of this batch or the last moves back a millisecond", () => {
    const guard = createTwinGuard();
    const iso = createIsoCache();
    const v = '{"ip":"1.2.3.4","timestamp":"2026-01-01T00:00:00.005Z","url":"/logo.svg"}';
    const t = Date.parse("2026-12-01T10:00:00.500Z");
    const a = guard.stamp(v, t, iso);
    const b = guard.stamp(v, t, iso);
    guard.nextBatch();
    const c = guard.stamp(v, t, iso);
    expect(a).toContain("10:00:00.500Z");
    expect(b).toContain("10:00:00.499Z");
    expect(c).toContain("10:00:00.498Z");
    expect(guard.stamp('{"ip":"9.9.9.9","timestamp":"2026-01-01T00:00:00.005Z"}', t, iso)).toContain(".500Z");
  });

  it("caches the ISO string of the last millisecond", () => {
    const iso = createIsoCache();
    expect(iso(0)).toBe("1970-01-01T00:00:00.000Z");
    expect(iso(1500)).toBe("1970-01-01T00:00:01.500Z");
  });
});
