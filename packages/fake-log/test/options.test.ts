import { describe, expect, it } from "vitest";
import {
  createFakeLog,
  DEFAULT_OPTIONS,
  type FakeLogOptions,
  FakeLogOptionsError,
  SEEDED_START,
} from "../src/index";

function errorOf(options: unknown): FakeLogOptionsError {
  try {
    createFakeLog(options as FakeLogOptions);
  } catch (err) {
    if (err instanceof FakeLogOptionsError) return err;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(options)}`);
}

describe("options", () => {
  it("fills defaults and reports what it runs with", () => {
    const before = Date.now();
    const log = createFakeLog();
    expect(log.options).toMatchObject(DEFAULT_OPTIONS);
    expect(log.options.startTime).toBeGreaterThanOrEqual(before);
    expect(log.options.startTime).toBeLessThanOrEqual(Date.now());
    expect(log.options.seed).toBe(log.seed);
    expect(Object.isFrozen(log.options)).toBe(true);
  });

  it("a seed without startTime starts at SEEDED_START (2026-01-01), so the seed alone reproduces the records", () => {
    const a = createFakeLog({ seed: 42 });
    expect(a.options.startTime).toBe(SEEDED_START);
    expect(SEEDED_START).toBe(Date.UTC(2026, 0, 1));
    expect(a.next().timestamp).toBe("2026-01-01T00:00:00.000Z");
    expect(createFakeLog({ seed: 42 }).batch(500)).toEqual(createFakeLog({ seed: 42 }).batch(500));
  });

  it.each([
    ["2026-11-25T06:00:00.000Z", Date.UTC(2026, 10, 25, 6)],
    ["2026-11-25T07:00:00+01:00", Date.UTC(2026, 10, 25, 6)],
    [new Date(Date.UTC(2026, 10, 25, 6)), Date.UTC(2026, 10, 25, 6)],
    [Date.UTC(2026, 10, 25, 6) + 0.7, Date.UTC(2026, 10, 25, 6)],
    [0, 0],
  ])("startTime %j -> epoch ms, and the first record carries it", (startTime, ms) => {
    const log = createFakeLog({ seed: 1, startTime });
    expect(log.options.startTime).toBe(ms);
    expect(log.next().timestamp).toBe(new Date(ms).toISOString());
  });

  it.each([
    [{ seed: 1.5 }, "seed"],
    [{ seed: "42" }, "seed"],
    [{ seed: Number.MAX_SAFE_INTEGER + 2 }, "seed"],
    [{ rate: 0 }, "rate"],
    [{ rate: -1 }, "rate"],
    [{ rate: Number.NaN }, "rate"],
    [{ rate: Number.POSITIVE_INFINITY }, "rate"],
    [{ rate: "100" }, "rate"],
    [{ jitter: 1.5 }, "jitter"],
    [{ jitter: -0.1 }, "jitter"],
    [{ visitors: 5 }, "visitors"],
    [{ visitors: 100.5 }, "visitors"],
    [{ visitors: 2_000_000 }, "visitors"],
    [{ ipv6Share: 2 }, "ipv6Share"],
    [{ botShare: -1 }, "botShare"],
    [{ botShare: "0.3" }, "botShare"],
    [{ startTime: "yesterday" }, "startTime"],
    [{ startTime: "2026-13-45T00:00:00Z" }, "startTime"],
    [{ startTime: new Date(Number.NaN) }, "startTime"],
    [{ startTime: -1 }, "startTime"],
    [{ startTime: Date.UTC(9500, 0, 1) }, "startTime"],
    [{ startTime: {} }, "startTime"],
    [{ rtae: 10 }, "rtae"],
    ["fast", "options"],
  ])("%j -> FakeLogOptionsError naming %s", (options, field) => {
    const err = errorOf(options);
    expect(err.field).toBe(field);
    expect(err.code).toBe("BAD_OPTION");
    expect(err.retriable).toBe(false);
    expect(err.message).toContain(field === "options" ? "options" : field);
    expect(err.message).not.toMatch(/\n/);
  });

  it("batch(n) rejects a bad n with FakeLogOptionsError", () => {
    const log = createFakeLog({ seed: 1 });
    for (const n of [-1, 1.5, Number.NaN]) {
      expect(() => log.batch(n)).toThrow(FakeLogOptionsError);
    }
    expect(log.batch(0)).toEqual([]);
  });

  it("accepts the edges of every range", () => {
    for (const options of [
      { jitter: 0, ipv6Share: 0, botShare: 0, visitors: 10, rate: 1e9 },
      { jitter: 1, ipv6Share: 1, botShare: 1, visitors: 10, rate: 0.001 },
    ]) {
      expect(createFakeLog({ seed: 3, ...options }).batch(100)).toHaveLength(100);
    }
  });
});
