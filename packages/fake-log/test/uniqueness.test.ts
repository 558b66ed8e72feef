import { encode } from "@weblog/log-schema";
import { describe, expect, it } from "vitest";
import { createFakeLog } from "../src";

// A verifier treats two identical lines in a bucket as one record delivered twice, so a stream must never repeat a
// record byte for byte, even at rates where many records share a millisecond.
describe("no two records of a stream are identical", () => {
  for (const rate of [1_000, 5_000, 50_000]) {
    it(`100k records at ${rate}/s have 100k distinct JSON lines`, () => {
      const log = createFakeLog({ seed: 7, startTime: "2026-11-25T06:00:00.000Z", rate });
      const seen = new Set<string>();
      for (let i = 0; i < 100_000; i++) seen.add(encode(log.next()));
      expect(seen.size).toBe(100_000);
    });
  }

  it("a tiny visitor pool at a huge rate still never repeats (cache-busting query as the last resort)", () => {
    const log = createFakeLog({ seed: 3, startTime: 0, rate: 1_000_000, visitors: 10, jitter: 0 });
    const lines = log.batch(20_000).map(encode);
    expect(new Set(lines).size).toBe(lines.length);
  });
});
