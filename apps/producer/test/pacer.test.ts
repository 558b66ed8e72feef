import { describe, expect, it } from "vitest";
import { burstSize, createPacer } from "../src/pacer";

/** A fake clock: sleeping advances it (by `late` ms more than asked, like a busy event loop). */
function fakeClock(late = 0) {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms + late;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/** Takes batches for `seconds` of fake time and returns the records/s achieved. */
async function measure(rate: number, seconds: number, late = 0, workMs = 0): Promise<number> {
  const clock = fakeClock(late);
  const pacer = createPacer({ rate, maxBatch: 500, now: clock.now, sleep: clock.sleep });
  let taken = 0;
  for (let i = 0; i < 1_000_000 && clock.now() < seconds * 1000; i++) {
    await pacer.take(pacer.batchSize);
    taken += pacer.batchSize;
    clock.advance(workMs);
  }
  return (taken * 1000) / clock.now();
}

describe("createPacer", () => {
  it("holds the rate over a run (within 1%)", async () => {
    for (const rate of [10, 500, 5_000, 100_000]) {
      const got = await measure(rate, 10);
      expect(Math.abs(got - rate) / rate).toBeLessThan(0.01);
    }
  });

  it("keeps the average when timers fire late or sending takes time", async () => {
    const got = await measure(500, 10, 7, 3);
    expect(Math.abs(got - 500) / 500).toBeLessThan(0.02);
  });

  it("makes up for a 300 ms stall (a busy machine) within the run", async () => {
    const clock = fakeClock();
    const pacer = createPacer({ rate: 500, maxBatch: 500, now: clock.now, sleep: clock.sleep });
    let taken = 0;
    for (let i = 0; i < 10_000 && clock.now() < 3000; i++) {
      if (i === 20) clock.advance(300);
      await pacer.take(pacer.batchSize);
      taken += pacer.batchSize;
    }
    expect(Math.abs((taken * 1000) / clock.now() - 500) / 500).toBeLessThan(0.02);
  });

  it("sizes batches at about 20 per second, capped by maxBatch", () => {
    expect(createPacer({ rate: 500, maxBatch: 500 }).batchSize).toBe(25);
    expect(createPacer({ rate: 5, maxBatch: 500 }).batchSize).toBe(1);
    expect(createPacer({ rate: 1_000_000, maxBatch: 500 }).batchSize).toBe(500);
  });

  it("allows only a bounded burst after a stall", async () => {
    const clock = fakeClock();
    const pacer = createPacer({ rate: 1000, maxBatch: 500, now: clock.now, sleep: clock.sleep });
    const banked = burstSize(1000, pacer.batchSize) / pacer.batchSize; // 0.5 s = 10 batches of 50
    expect(banked).toBe(10);
    await pacer.take(pacer.batchSize);
    clock.advance(60_000); // a minute of backpressure must not turn into 60,000 records at once
    const t0 = clock.now();
    for (let i = 0; i < banked; i++) await pacer.take(pacer.batchSize);
    expect(clock.now() - t0).toBe(0); // the banked batches go at once
    for (let i = 0; i < 4; i++) await pacer.take(pacer.batchSize);
    // the next four had to wait their turn: 50 ms each at 1000/s
    expect(clock.now() - t0).toBeGreaterThanOrEqual(4 * 50 - 1);
  });

  it("returns at once when aborted while waiting", async () => {
    const pacer = createPacer({ rate: 1, maxBatch: 10 });
    await pacer.take(1);
    const controller = new AbortController();
    const t0 = performance.now();
    setTimeout(() => controller.abort(), 20);
    await pacer.take(1, controller.signal);
    expect(performance.now() - t0).toBeLessThan(900);
  });

  it("rejects a non-positive rate", () => {
    expect(() => createPacer({ rate: 0, maxBatch: 1 })).toThrow(RangeError);
  });
});
