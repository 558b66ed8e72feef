import { decode, encode } from "@weblog/log-schema";
import { describe, expect, it } from "vitest";
import { BAD_KINDS, createFakeLog, createReadable, type FakeMessage, realtime } from "../src/index";

const START = "2026-11-25T06:00:00Z";
const N = 200_000;

describe("late delivery", () => {
  const log = createFakeLog({
    seed: 6,
    startTime: START,
    rate: 100,
    lateShare: 0.05,
    late: { mean: 20, max: 120 },
  });
  const messages = log.messages(N);

  it("about lateShare of records are late (5% +- 0.3 points), each by 1 ms..max, mean ~ the truncated exponential's (+-8%)", () => {
    const late = messages.filter((m) => m.delayMs > 0);
    expect(Math.abs(late.length / N - 0.05)).toBeLessThan(0.003);
    expect(log.stats().late).toBe(late.length);
    expect(log.stats().records).toBe(N);
    const delays = late.map((m) => m.delayMs);
    expect(Math.max(...delays)).toBeLessThanOrEqual(120_000);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1);
    // Mean of an exponential (mean 20 s) truncated at 120 s: 20 - 120 e^-6 / (1 - e^-6) = 19.70 s.
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(Math.abs(mean / 19_703 - 1)).toBeLessThan(0.08);
    // Some delays near the cap, most short: median below the mean.
    const sorted = [...delays].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]!).toBeLessThan(mean);
  });

  it("the stream is in delivery order; timestamps are out of order where late records land", () => {
    let outOfOrder = 0;
    for (let i = 1; i < messages.length; i++) {
      expect(messages[i]!.deliveredAt).toBeGreaterThanOrEqual(messages[i - 1]!.deliveredAt);
      if (messages[i]!.record.timestamp < messages[i - 1]!.record.timestamp) outOfOrder++;
      expect(messages[i]!.deliveredAt - Date.parse(messages[i]!.record.timestamp)).toBe(messages[i]!.delayMs);
    }
    expect(outOfOrder).toBeGreaterThan(N * 0.03);
  });

  it("late delivery reorders the same records: without it, the same multiset", () => {
    const plain = createFakeLog({ seed: 6, startTime: START, rate: 100 }).batch(N).map(encode);
    // The tail of the late run is short by the records still in flight; compare the ones both have delivered.
    const got = new Set(messages.map((m) => encode(m.record)));
    const onTimeHead = plain.slice(0, N - 20_000);
    expect(onTimeHead.filter((l) => !got.has(l))).toEqual([]);
  });

  it("uniform delays spread evenly over [1, max]: each fifth holds 20% +- 2 points", () => {
    const ms = createFakeLog({
      seed: 2,
      lateShare: 0.5,
      late: { distribution: "uniform", max: 10 },
    }).messages(40_000);
    const delays = ms.filter((m) => m.delayMs > 0).map((m) => m.delayMs);
    for (let k = 0; k < 5; k++) {
      const share = delays.filter((d) => d > k * 2000 && d <= (k + 1) * 2000).length / delays.length;
      expect(Math.abs(share - 0.2)).toBeLessThan(0.02);
    }
  });
});

describe("bad records", () => {
  const n = 100_000;
  const log = createFakeLog({ seed: 7, startTime: START, badShare: 0.01 });
  const messages = log.messages(n);
  const strict = new TextDecoder("utf-8", { fatal: true });
  const isValid = (m: FakeMessage): boolean => {
    if (m.value === null) return false;
    let text: string;
    try {
      text = typeof m.value === "string" ? m.value : strict.decode(m.value);
    } catch {
      return false;
    }
    return decode(text).ok;
  };

  it("badShare of messages are bad (1% +- 0.15 points), every kind about equally often, counted in stats()", () => {
    const bad = messages.filter((m) => m.bad !== undefined);
    expect(Math.abs(bad.length / n - 0.01)).toBeLessThan(0.0015);
    const stats = log.stats();
    expect(stats.records).toBe(n);
    expect(stats.badTotal).toBe(bad.length);
    for (const kind of BAD_KINDS) {
      const k = bad.filter((m) => m.bad === kind).length;
      expect(stats.bad[kind]).toBe(k);
      expect(Math.abs(k / bad.length - 1 / 7)).toBeLessThan(0.05);
    }
  });

  it("every bad message fails @weblog/log-schema (or strict UTF-8, or is null); every other one passes", () => {
    for (const m of messages)
      expect(isValid(m), JSON.stringify(m.value)?.slice(0, 200)).toBe(m.bad === undefined);
    const byKind = (k: string) => messages.filter((m) => m.bad === k);
    expect(byKind("tombstone").every((m) => m.value === null)).toBe(true);
    expect(byKind("invalid-utf8").every((m) => m.value instanceof Uint8Array)).toBe(true);
    expect(byKind("oversized").every((m) => (m.value as string).length > 4096)).toBe(true);
    expect(
      byKind("not-json").some((m) => {
        try {
          JSON.parse(m.value as string);
          return true;
        } catch {
          return false;
        }
      }),
    ).toBe(false);
  });

  it("next() ignores badShare; badKinds limits the mix; text formats get bad lines too", () => {
    expect(createFakeLog({ seed: 7, badShare: 1 }).batch(1000).length).toBe(1000);
    const only = createFakeLog({ seed: 7, badShare: 0.5, badKinds: ["tombstone", "empty-values"] }).messages(
      2000,
    );
    expect(new Set(only.filter((m) => m.bad).map((m) => m.bad))).toEqual(
      new Set(["tombstone", "empty-values"]),
    );
    const text = createFakeLog({
      seed: 7,
      badShare: 1,
      format: "combined",
      badKinds: ["wrong-types"],
    }).messages(200);
    for (const m of text) expect(m.value).toMatch(/" OK -? ?/);
  });
});

describe("real-time mode", () => {
  it("releases each message at (deliveredAt - first) / speed on the (injected) clock, batching what is due together", async () => {
    let clock = 1000;
    const sleeps: number[] = [];
    const released: { at: number; m: FakeMessage }[] = [];
    const log = createFakeLog({ seed: 1, rate: 20, startTime: START, lateShare: 0.2, late: { max: 2 } });
    for await (const m of realtime(log, {
      speed: 4,
      count: 400,
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    })) {
      released.push({ at: clock, m });
    }
    expect(released).toHaveLength(400);
    const first = released[0]!.m.deliveredAt;
    for (const { at, m } of released) {
      expect(at).toBeGreaterThanOrEqual(1000 + (m.deliveredAt - first) / 4 - 1e-6);
      expect(at - (1000 + (m.deliveredAt - first) / 4)).toBeLessThan(1e-6 + 1);
    }
    expect(sleeps.length).toBeLessThan(400);
    expect(sleeps.every((s) => s > 0)).toBe(true);
  });

  it("createReadable is the same stream as a Node Readable in object mode", async () => {
    const got: FakeMessage[] = [];
    for await (const m of createReadable(createFakeLog({ seed: 1, startTime: START }), {
      speed: 1e9,
      count: 25,
    })) {
      got.push(m as FakeMessage);
    }
    expect(got.map((m) => m.value)).toEqual(
      createFakeLog({ seed: 1, startTime: START })
        .messages(25)
        .map((m) => m.value),
    );
  });

  it("stops when the signal aborts", async () => {
    const controller = new AbortController();
    let n = 0;
    for await (const _ of realtime(createFakeLog({ seed: 1 }), { speed: 1e9, signal: controller.signal })) {
      if (++n === 10) controller.abort();
      if (n > 1000) break;
    }
    expect(n).toBe(10);
  });
});
