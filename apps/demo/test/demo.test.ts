import { fileURLToPath } from "node:url";
import { runCli } from "@weblog/testkit";
import { describe, expect, it } from "vitest";

const DEMO = fileURLToPath(new URL("../dist/main.js", import.meta.url));

describe("pnpm demo", () => {
  it("runs producer -> Kafka -> sink -> S3 -> verifier end to end and exits 0", {
    timeout: 150_000,
  }, async () => {
    const r = await runCli(DEMO, [], {
      // Own throwaway broker and S3, whatever the caller's environment points at.
      env: { KAFKA_BROKERS: undefined, S3_ENDPOINT: undefined, S3_BUCKET: undefined },
      timeoutMs: 120_000,
    });
    if (r.code !== 0) console.error(r.stdout, r.stderr);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    for (const step of ["[1/5]", "[2/5]", "[3/5]", "[4/5]", "[5/5]"]) {
      expect(lines.some((l) => l.startsWith(step))).toBe(true);
    }
    expect(r.stdout).toMatch(
      /^OK: 10000 records in \d+ objects over 4 partitions; no gaps, overlaps, duplicates or invalid records; Kafka: 0 missing, 0 not delivered yet\.$/m,
    );
    expect(r.stdout).toMatch(
      /^ {2}s3:\/\/\S+\/topics\/demo-[0-9a-f]{8}\/partition=\d\/demo-[0-9a-f]{8}\+\d\+\d{10}\.json/m,
    );
    expect(r.stdout).toMatch(/^demo finished in /m);
    console.info(`demo took ${(r.durationMs / 1000).toFixed(1)} s`);
  });

  it("--engine connect-iceberg: producer -> Kafka -> Connect (Apache Iceberg's sink) -> table -> verifier OK", {
    timeout: 480_000,
  }, async () => {
    const r = await runCli(DEMO, ["--engine", "connect-iceberg", "--count", "2000"], {
      env: { KAFKA_BROKERS: undefined, S3_ENDPOINT: undefined, S3_BUCKET: undefined },
      timeoutMs: 460_000, // the demo's own delivery deadline (300 s) plus three server starts
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("Kafka Connect (Apache Iceberg sink) -> Iceberg table");
    expect(r.stdout).toMatch(/--iceberg-offsets kafka$/m);
    expect(r.stdout).toMatch(
      /^OK: 2000 records, each Kafka record below the group's committed offsets exactly once$/m,
    );
    expect(r.stdout).toMatch(
      /^demo finished in .*every record produced is in the Iceberg table demo\.logs_/m,
    );
    console.info(`demo --engine connect-iceberg took ${(r.durationMs / 1000).toFixed(1)} s`);
  });
});
