import { describe, expect, it } from "vitest";
import { compareExactlyOnce } from "../src/checks/exactly-once";
import { waitFor } from "../src/checks/wait-for";

describe("compareExactlyOnce", () => {
  const expected = new Map([
    [0, ["a", "b", "c"]],
    [1, ["x"]],
  ]);

  it("is empty when every record is there once, in order, across objects", () => {
    const objects = [
      { kafkaPartition: 0, lines: ["a", "b"] },
      { kafkaPartition: 1, lines: ["x"] },
      { kafkaPartition: 0, lines: ["c"] },
    ];
    expect(compareExactlyOnce(objects, expected)).toEqual([]);
  });

  it("names a lost record, a duplicate and a swap", () => {
    expect(compareExactlyOnce([{ kafkaPartition: 0, lines: ["a", "b", "c"] }], expected)).toEqual([
      "partition 1: 0 records in S3, produced 1",
    ]);
    const twice = [
      { kafkaPartition: 0, lines: ["a", "b", "b", "c"] },
      { kafkaPartition: 1, lines: ["x"] },
    ];
    expect(compareExactlyOnce(twice, expected)).toEqual([
      "partition 0: 4 records in S3, produced 3",
      "partition 0 record #2 differs: b vs c",
    ]);
    const swapped = [
      { kafkaPartition: 0, lines: ["b", "a", "c"] },
      { kafkaPartition: 1, lines: ["x"] },
    ];
    expect(compareExactlyOnce(swapped, expected)).toEqual(["partition 0 record #0 differs: b vs a"]);
  });
});

describe("waitFor", () => {
  it("returns the first value the check gives, after errors and undefined", async () => {
    let calls = 0;
    const v = await waitFor(
      "the third call",
      async () => {
        calls += 1;
        if (calls === 1) throw new Error("not yet");
        return calls >= 3 ? calls : undefined;
      },
      5_000,
      1,
    );
    expect(v).toBe(3);
  });

  it("times out naming what it waited for and the last error", async () => {
    await expect(
      waitFor(
        "a bucket",
        async () => {
          throw new Error("NoSuchBucket");
        },
        50,
        10,
      ),
    ).rejects.toThrow("timed out after 50 ms waiting for a bucket (last error: Error: NoSuchBucket)");
  });
});
