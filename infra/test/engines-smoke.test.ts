/**
 * The side-by-side bench's smallest leg, in every `pnpm test` (so CI runs Kafka Connect with Aiven's S3 sink next to
 * our sink, the plugin installed): both engines sink the same 300 records (flush.size 10, S3 25 ms away) into
 * their own bucket, the verifier passes each, and the ratio table names both. Figures are printed, never asserted.
 */
import { pluginStatus } from "@weblog/testkit";
import { describe, expect, it } from "vitest";
import { runBench } from "../bench/run";

describe("engines bench, smallest leg (bench:smoke)", () => {
  it("both engines deliver the same topic, verified, and the table compares them", async () => {
    const plugin = pluginStatus("aiven-s3");
    if (!plugin.installed) throw new Error(plugin.reason); // a setup step: an error with the fix, not a skip
    const { results, table } = await runBench({
      legs: ["flush10"],
      flush10Records: 300,
      flush10kRecords: 0,
      killRecords: 0,
      killRate: 1,
      trickleSamples: 0,
      latencyMs: 25,
    });
    process.stderr.write(`${table}\n`);
    for (const r of results) {
      // nothing missing, nothing written twice (identical twins the producer may emit are not the sink's doing)
      expect(r.flush10?.verdict, r.name).toMatchObject({ missing: 0, duplicates: 0 });
      expect(r.flush10?.objects, r.name).toBeGreaterThanOrEqual(30); // 300 records, at most 10 per object
    }
    expect(table).toContain("ours (consumer --sink)");
    expect(table).toContain("Kafka Connect + Aiven S3 sink");
    expect(table).toMatch(/flush\.size 10, 300 records: records\/s .* \| \d+\.\d\dx \|/);
  }, 400_000);
});
