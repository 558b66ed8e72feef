import type { Logger } from "@weblog/cli";
import { defaultSinkSettings } from "@weblog/sink-contract";
import { describe, expect, it } from "vitest";
import { consumerConfigOf, tickMsOf } from "../src/sink/config";
import { SinkError } from "../src/sink/errors";
import { createLifecycle, type ShutdownSteps } from "../src/sink/shutdown";

function harness(steps: Partial<ShutdownSteps> = {}, stopTimeoutMs = 5_000) {
  const events: string[] = [];
  const log =
    (level: string) =>
    (a: unknown, b?: string): void => {
      events.push(`${level}: ${typeof a === "string" ? a : b}`);
    };
  const logger = {
    warn: log("warn"),
    error: log("error"),
    info: log("info"),
    debug: log("debug"),
  } as unknown as Logger;
  const life = createLifecycle({
    logger,
    stopTimeoutMs,
    steps: {
      halt: () => events.push("halt"),
      drain: steps.drain ?? (async () => void events.push("drain")),
      close: async () => void events.push("close"),
    },
  });
  return { life, events };
}

describe("shutdown: the stop sequence", () => {
  it("a drain that fails for good (a dead letter refused) ends the stop as that error, not as a warning", async () => {
    const refused = new SinkError("DLQ_REFUSED", "bad record t/0@3 could not be sent");
    const h = harness({
      drain: async () => {
        throw refused;
      },
    });
    await h.life.stop();
    await h.life.done;
    expect(h.life.fatal).toBe(refused);
    expect(h.events).toContain("error: sink stopping on a fatal error");
    expect(h.events.some((e) => e.includes("stop timed out") || e.includes("could not upload"))).toBe(false);
  });

  it("halts, waits for the batch in progress, drains, closes; once however often it is asked", async () => {
    const h = harness();
    h.life.batchStarted();
    const stopped = h.life.stop();
    expect(h.life.stopping && h.life.halted).toBe(true);
    expect(h.life.stop()).toBe(stopped);
    await Promise.resolve();
    expect(h.events).toEqual(["halt"]); // the drain waits for the batch
    h.events.push("batch ended");
    h.life.batchEnded();
    await stopped;
    await h.life.done;
    expect(h.events).toEqual(["halt", "batch ended", "drain", "close"]);
    expect(h.life.stopSignal.aborted).toBe(false);
  });

  it("a batch that outlives the budget: uploads still retrying are aborted, and the sink still closes", async () => {
    const h = harness({}, 30);
    h.life.batchStarted(); // never ends
    await h.life.stop();
    expect(h.life.stopSignal.aborted).toBe(true);
    expect(h.events.at(-1)).toBe("close");
  });

  it("a drain that outlives the budget is abandoned with one warning; a failing drain warns and closes", async () => {
    const slow = harness({ drain: () => new Promise<void>(() => {}) }, 30);
    await slow.life.stop();
    expect(slow.life.stopSignal.aborted).toBe(true);
    expect(slow.events).toEqual([
      "halt",
      "warn: stop timed out; what was not uploaded will be read again on the next start",
      "close",
    ]);
    const failing = harness({ drain: async () => Promise.reject(new Error("S3 down")) });
    await failing.life.stop();
    expect(failing.events).toEqual([
      "halt",
      "warn: could not upload everything buffered at stop; it will be read again on the next start",
      "close",
    ]);
    expect(failing.life.stopSignal.aborted).toBe(false);
  });

  it("a fatal error stops without a drain; the first error is the one kept", async () => {
    const h = harness();
    const first = new SinkError("BAD_RECORD", "bad record at t/0@5");
    h.life.fail(first);
    h.life.fail(new Error("later"));
    await h.life.done;
    expect(h.life.fatal).toBe(first);
    expect(h.events).toEqual(["error: sink stopping on a fatal error", "halt", "close"]);
  });
});

describe("config: kafkajs consumer settings and the timer period", () => {
  it("fetch sizes follow the buffer cap within bounds; the heartbeat is a tenth of the session", () => {
    const s = { ...defaultSinkSettings(), bufferMaxBytes: 64 * 1024 * 1024 };
    expect(consumerConfigOf(s)).toMatchObject({
      groupId: s.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: 1024 * 1024,
      maxBytes: 10 * 1024 * 1024,
    });
    const small = consumerConfigOf({ ...s, bufferMaxBytes: 1024 }, 2_000);
    expect(small).toMatchObject({
      heartbeatInterval: 500,
      maxBytesPerPartition: 64 * 1024,
      maxBytes: 256 * 1024,
    });
  });

  it("the tick is an eighth of rotate.schedule.interval.ms, within 50..250 ms; 1 s when the schedule is off", () => {
    expect([tickMsOf(-1), tickMsOf(100), tickMsOf(1_000), tickMsOf(10_000)]).toEqual([1000, 50, 125, 250]);
  });
});
