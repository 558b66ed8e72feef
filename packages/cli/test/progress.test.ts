import { afterEach, describe, expect, it, vi } from "vitest";
import type { Logger } from "../src/logger";
import { createProgress } from "../src/progress";

function sink(isTTY: boolean, columns?: number) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns, write: (s: string) => chunks.push(s) } };
}

afterEach(() => vi.useRealTimers());

describe("createProgress", () => {
  it("on a TTY rewrites one line in place and ends it with a newline on stop", () => {
    vi.useFakeTimers();
    const s = sink(true);
    let n = 0;
    const p = createProgress({
      label: "producing",
      render: () => `sent ${++n}`,
      stream: s.stream,
      intervalMs: 100,
    });
    p.start();
    vi.advanceTimersByTime(250);
    p.stop();
    expect(s.chunks[0]).toBe("\r\x1b[2Kproducing sent 1");
    expect(s.chunks.length).toBeGreaterThanOrEqual(4); // first draw, two timer draws, final draw, newline
    expect(s.chunks.at(-1)).toBe("\n");
    expect(s.chunks.slice(0, -1).every((c) => c.startsWith("\r\x1b[2K") && !c.includes("\n"))).toBe(true);
  });

  it("cuts the line to the terminal width", () => {
    const s = sink(true, 10);
    const p = createProgress({ label: "x", render: () => "a".repeat(50), stream: s.stream });
    p.start();
    p.stop();
    expect(s.chunks[0]).toBe(`\r\x1b[2Kx ${"a".repeat(7)}`);
  });

  it("off a TTY writes nothing to the stream; with a logger it logs structured lines periodically", () => {
    vi.useFakeTimers();
    const s = sink(false);
    const logs: unknown[][] = [];
    const logger = { info: (...a: unknown[]) => logs.push(a) } as unknown as Logger;
    const p = createProgress({
      label: "producing",
      render: () => "sent 5",
      fields: () => ({ sent: 5 }),
      stream: s.stream,
      logger,
      logIntervalMs: 1000,
    });
    expect(p.isTTY).toBe(false);
    p.start();
    p.tick();
    vi.advanceTimersByTime(3500);
    p.stop();
    vi.advanceTimersByTime(5000);
    expect(s.chunks).toEqual([]);
    expect(logs).toEqual([
      [{ progress: { sent: 5 } }, "producing sent 5"],
      [{ progress: { sent: 5 } }, "producing sent 5"],
      [{ progress: { sent: 5 } }, "producing sent 5"],
    ]);
  });

  it("off a TTY without a logger does nothing at all", () => {
    const s = sink(false);
    const p = createProgress({ label: "x", render: () => "y", stream: s.stream });
    p.start();
    p.tick();
    p.stop();
    expect(s.chunks).toEqual([]);
  });

  it("isTTY overrides the stream", () => {
    const s = sink(false);
    const p = createProgress({ label: "x", render: () => "y", stream: s.stream, isTTY: true });
    p.start();
    p.clear();
    p.stop();
    expect(s.chunks).toEqual(["\r\x1b[2Kx y", "\r\x1b[2K", "\r\x1b[2Kx y", "\n"]);
  });
});
