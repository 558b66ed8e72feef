import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../src/logger";
import { onShutdown } from "../src/shutdown";

describe("onShutdown", () => {
  it("first signal runs the handler once, second exits 130 at once", async () => {
    const target = new EventEmitter();
    const calls: string[] = [];
    const exits: number[] = [];
    let release!: () => void;
    const off = onShutdown(
      (sig) => {
        calls.push(sig);
        return new Promise<void>((r) => {
          release = r;
        });
      },
      { logger: silentLogger(), exit: (c) => void exits.push(c), target },
    );
    target.emit("SIGINT", "SIGINT");
    await Promise.resolve();
    expect(calls).toEqual(["SIGINT"]);
    expect(exits).toEqual([]);
    target.emit("SIGTERM", "SIGTERM");
    expect(exits).toEqual([130]);
    expect(calls).toEqual(["SIGINT"]);
    release();
    off();
    expect(target.listenerCount("SIGINT")).toBe(0);
    expect(target.listenerCount("SIGTERM")).toBe(0);
  });

  it("the same signal again within repeatWindowMs is one press (Ctrl-C under pnpm: the terminal's and pnpm's copy)", async () => {
    const target = new EventEmitter();
    const calls: string[] = [];
    const exits: number[] = [];
    let t = 1000;
    onShutdown((sig) => void calls.push(sig), {
      logger: silentLogger(),
      exit: (c) => void exits.push(c),
      target,
      now: () => t,
    });
    target.emit("SIGINT", "SIGINT");
    t += 5; // pnpm's forwarded copy of the same Ctrl-C
    target.emit("SIGINT", "SIGINT");
    await Promise.resolve();
    expect(calls).toEqual(["SIGINT"]);
    expect(exits).toEqual([]);
    t += 2000; // a real second Ctrl-C
    target.emit("SIGINT", "SIGINT");
    expect(exits).toEqual([130]);
  });

  it("a failing handler exits 1", async () => {
    const target = new EventEmitter();
    const exits: number[] = [];
    onShutdown(
      async () => {
        throw new Error("drain failed");
      },
      { logger: silentLogger(), exit: (c) => void exits.push(c), target },
    );
    target.emit("SIGTERM", "SIGTERM");
    await new Promise((r) => setTimeout(r, 10));
    expect(exits).toEqual([1]);
  });
});
