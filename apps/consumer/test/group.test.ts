import { describe, expect, it } from "vitest";
import { SinkError } from "../src/sink/errors";
import { createGroupFence, createRestartPolicy, isRebalanceError } from "../src/sink/group";

describe("group fence", () => {
  it("a writer may write only in its own generation and never during a rebalance", () => {
    const fence = createGroupFence();
    const gen = fence.joined();
    expect(fence.mayWrite(gen)).toBe(true);
    fence.beginRebalance();
    expect(fence.mayWrite(gen)).toBe(false);
    const next = fence.joined();
    expect(next).toBe(gen + 1);
    expect(fence.mayWrite(gen)).toBe(false);
    expect(fence.mayWrite(next)).toBe(true);
  });

  it("assertMayWrite throws FENCED with the reason", () => {
    const fence = createGroupFence();
    const gen = fence.joined();
    fence.beginRebalance();
    let thrown: unknown;
    try {
      fence.assertMayWrite(gen, "timer upload abandoned");
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SinkError);
    expect((thrown as SinkError).code).toBe("FENCED");
    expect((thrown as SinkError).message).toBe("timer upload abandoned");
  });

  it("outside uploads are aborted by the next rebalance or join; released ones are not", () => {
    const fence = createGroupFence();
    fence.joined();
    const a = fence.outsideUpload();
    const b = fence.outsideUpload();
    b.release();
    fence.beginRebalance();
    expect(a.signal.aborted).toBe(true);
    expect(b.signal.aborted).toBe(false);
    const c = fence.outsideUpload();
    fence.joined();
    expect(c.signal.aborted).toBe(true);
  });

  it("rebalance errors are told apart from other failures", () => {
    expect(isRebalanceError({ type: "REBALANCE_IN_PROGRESS" })).toBe(true);
    expect(isRebalanceError({ type: "ILLEGAL_GENERATION" })).toBe(true);
    expect(isRebalanceError({ name: "KafkaJSFetcherRebalanceError" })).toBe(true);
    expect(isRebalanceError({ type: "GROUP_COORDINATOR_NOT_AVAILABLE" })).toBe(false);
    expect(isRebalanceError(new Error("boom"))).toBe(false);
    expect(isRebalanceError(null)).toBe(false);
  });
});

describe("restart policy", () => {
  it("restarts with a growing delay, gives up after max within the window, forgets old restarts", () => {
    const p = createRestartPolicy({ max: 2, windowMs: 1000, baseDelayMs: 100 });
    expect(p.next(0)).toEqual({ giveUp: false, attempt: 1, delayMs: 100 });
    expect(p.next(10)).toEqual({ giveUp: false, attempt: 2, delayMs: 200 });
    expect(p.next(20)).toEqual({ giveUp: true, max: 2 });
    expect(p.next(1_015)).toEqual({ giveUp: false, attempt: 1, delayMs: 100 });
  });
});
