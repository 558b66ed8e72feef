import { defaultSinkSettings } from "@weblog/sink-contract";
import { describe, expect, it } from "vitest";
import { PartitionBuffer } from "../src/sink/partition-buffer";
import { createRotation } from "../src/sink/rotation";

const rotationOf = (changes: Partial<ReturnType<typeof defaultSinkSettings>>) =>
  createRotation({ ...defaultSinkSettings(), ...changes });
const bufferWith = (recordTimeMs: number, nowMs: number) => {
  const b = new PartitionBuffer("t", 0);
  b.append(0n, "partition=0", "r0", -1, recordTimeMs, nowMs);
  return b;
};

describe("rotation", () => {
  it("flush.size: the cut comes when a file holds flush.size records", () => {
    const r = rotationOf({ flushSize: 3 });
    expect(r.afterAppend(2, 0)).toBeNull();
    expect(r.afterAppend(3, 0)).toBe("flush.size");
  });

  it("buffer cap: past bufferMaxBytes over all partitions (flush.size wins when both hold)", () => {
    const r = rotationOf({ flushSize: 10, bufferMaxBytes: 100 });
    expect(r.afterAppend(1, 100)).toBeNull();
    expect(r.afterAppend(1, 101)).toBe("memory");
    expect(r.afterAppend(10, 101)).toBe("flush.size");
  });

  it("rotate.interval.ms: a record at least the interval past the buffer's first record time cuts before it", () => {
    const r = rotationOf({ rotateIntervalMs: 1000 });
    const b = bufferWith(5_000, 0);
    expect(r.beforeAppend(b, 5_999)).toBeNull();
    expect(r.beforeAppend(b, 6_000)).toBe("rotate.interval.ms");
    expect(rotationOf({ rotateIntervalMs: 0 }).beforeAppend(b, 1e12)).toBeNull();
    expect(r.beforeAppend(new PartitionBuffer("t", 0), 1e12)).toBeNull();
  });

  it("rotate.schedule.interval.ms: the wall clock since the first buffered record (idle partitions too)", () => {
    const r = rotationOf({ rotateScheduleIntervalMs: 500 });
    const b = bufferWith(0, 10_000);
    expect(r.shouldCut(b, 10_499)).toBeNull();
    expect(r.shouldCut(b, 10_500)).toBe("rotate.schedule.interval.ms");
    expect(rotationOf({ rotateScheduleIntervalMs: 0 }).shouldCut(b, 1e12)).toBeNull();
    expect(r.shouldCut(new PartitionBuffer("t", 0), 1e12)).toBeNull();
  });
});
