import { describe, expect, it } from "vitest";
import { PartitionBuffer } from "../src/sink/partition-buffer";

describe("PartitionBuffer", () => {
  const add = (
    b: PartitionBuffer,
    offset: number,
    encodedPartition = "partition=0",
    recordTimeMs = 0,
    nowMs = 0,
  ) => b.append(BigInt(offset), encodedPartition, `r${offset}`, -1, recordTimeMs, nowMs);

  it("a file starts at its first record's offset; takeAll commits after the last processed offset", () => {
    const b = new PartitionBuffer("t", 3);
    add(b, 5, "a");
    add(b, 6, "b");
    b.skip(7n); // e.g. sent to the DLQ
    add(b, 8, "a");
    b.skip(9n);
    const set = b.takeAll("flush.size");
    expect(set?.files.map((f) => [f.encodedPartition, f.startOffset, f.lines])).toEqual([
      ["a", 5n, ["r5", "r8"]],
      ["b", 6n, ["r6"]],
    ]);
    expect(set?.commitOffset).toBe(10n);
    expect(set?.records).toBe(3);
    expect(b.isEmpty).toBe(true);
    expect(b.takeAll("flush.size")).toBeNull();
    add(b, 10, "b");
    expect(b.takeAll("memory")?.files[0]?.startOffset).toBe(10n);
  });

  it("record-time and wall-clock rotation are measured from the first buffered record", () => {
    const b = new PartitionBuffer("t", 0);
    expect(b.wallClockExceeded(10_000, 1000)).toBe(false);
    add(b, 0, "p", 1_000, 50_000);
    add(b, 1, "p", 1_500, 50_900);
    expect(b.recordTimeExceeded(1_999, 1000)).toBe(false);
    expect(b.recordTimeExceeded(2_000, 1000)).toBe(true);
    expect(b.recordTimeExceeded(9_999, -1)).toBe(false);
    expect(b.wallClockExceeded(50_999, 1000)).toBe(false);
    expect(b.wallClockExceeded(51_000, 1000)).toBe(true);
    b.takeAll("rotate.schedule.interval.ms");
    expect(b.wallClockExceeded(99_000, 1000)).toBe(false);
  });

  it("counts bytes (line + newline) and reset forgets the position", () => {
    const b = new PartitionBuffer("t", 0);
    add(b, 0);
    expect(b.bytes).toBe(3);
    b.reset();
    expect(b.bytes).toBe(0);
    expect(b.nextOffset).toBeNull();
  });
});
