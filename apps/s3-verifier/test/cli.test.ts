import { encode } from "@weblog/log-schema";
import type { S3Handle } from "@weblog/testkit";
import { runCli, startS3, uniqueName } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanObjects, confluentKey, putAll, record, s3Env, VERIFIER } from "./fixtures";

let s3: S3Handle;

beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.stop();
});

async function bucketWith(objects: Parameters<typeof putAll>[2]): Promise<string> {
  const bucket = uniqueName("v");
  await s3.createBucket(bucket);
  await putAll(s3.client(), bucket, objects);
  return bucket;
}

const verify = (args: string[]) => runCli(VERIFIER, args, { env: s3Env(s3), timeoutMs: 60_000 });

describe("s3-verifier CLI against S3 (objects written by hand in Confluent's layout)", () => {
  it("verifies JSON-lines objects with and without .gz the same way: exit 0 with correct counts", async () => {
    // 3 partitions x 45 records in objects of 10 (the last one of each holds 5); every other object gzipped.
    const objects = cleanObjects("weblogs", 3, 45, 10, { gzip: (_p, start) => (start / 10) % 2 === 1 });
    expect(objects.some((o) => o.key.endsWith(".json.gz"))).toBe(true);
    const bucket = await bucketWith(objects);
    const r = await verify(["--bucket", bucket, "--flush-size", "10", "--expect-count", "135", "--json"]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.totals).toMatchObject({ objects: 15, records: 135, invalidRecords: 0, unparsableKeys: 0 });
    expect(
      doc.partitions.map(
        (p: { partition: number; records: number; firstOffset: number; lastOffset: number }) => [
          p.partition,
          p.records,
          p.firstOffset,
          p.lastOffset,
        ],
      ),
    ).toEqual([
      [0, 45, 0, 44],
      [1, 45, 0, 44],
      [2, 45, 0, 44],
    ]);
    expect(doc.latency.samples).toBe(15);

    const text = await verify(["--bucket", bucket]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/weblogs\/2\s+5\s+45\s+0\.\.44/);
    expect(text.stdout.trim().split("\n").at(-1)).toMatch(/^OK: 135 records in 15 objects over 3 partitions/);
  });

  it("names every planted fault and exits 1", async () => {
    const objects = cleanObjects("weblogs", 2, 40, 10);
    const gapKey = confluentKey("weblogs", 0, 10);
    const planted = objects.filter((o) => o.key !== gapKey); // gap: partition 0 offsets 10..19
    planted.push({
      key: confluentKey("weblogs", 1, 35),
      lines: [35, 36, 37, 38, 39, 40].map((i) => encode(record(i, 1))),
    }); // overlap 35..39
    const bad = planted.find((o) => o.key === confluentKey("weblogs", 0, 20));
    if (!bad) throw new Error("fixture");
    bad.lines[2] = '{"ip":"10.0.0.1","timestamp":"yesterday"}'; // invalid record at line 3
    planted.push({
      key: confluentKey("weblogs", 0, 40),
      lines: Array.from({ length: 12 }, (_, i) => encode(record(40 + i, 0))),
    }); // > flush.size
    // A record of partition 0 again, at partition 1's next offset: without Kafka that is twins (each offset held
    // once, so no record twice): a note, not a fault (test/twins.test.ts has the --brokers side).
    planted.push({ key: confluentKey("weblogs", 1, 41), lines: [encode(record(3, 0))] });
    planted.push({ key: "topics/weblogs/partition=0/notes.txt", lines: ["hello"] }); // unparsable key
    const bucket = await bucketWith(planted);
    const r = await verify(["--bucket", bucket, "--flush-size", "10", "--json"]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    const kinds = doc.findings.map((f: { kind: string }) => f.kind).sort();
    expect(kinds).toEqual(["gap", "invalid-record", "over-flush-size", "overlap", "unparsable-key"]);
    const invalid = doc.findings.find((f: { kind: string }) => f.kind === "invalid-record");
    expect(invalid).toMatchObject({ keys: [confluentKey("weblogs", 0, 20)], line: 3 });
    expect(doc.findings.find((f: { kind: string }) => f.kind === "gap").range).toEqual({ from: 10, to: 19 });
    expect(doc.notes.map((n: { kind: string }) => n.kind)).toContain("twin-records");

    const text = await verify(["--bucket", bucket, "--flush-size", "10"]);
    expect(text.code).toBe(1);
    expect(text.stdout.trim().split("\n").at(-1)).toMatch(/^FAIL: 5 discrepancies/);
    expect(text.stdout).toContain("[unparsable-key] topics/weblogs/partition=0/notes.txt");
  });

  it("exits 2 with one line for a missing bucket, a bad flag and an unreachable endpoint", async () => {
    const missing = await verify(["--bucket", "no-such-bucket-here"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr).toMatch(/^s3-verifier: bucket 'no-such-bucket-here' does not exist/);

    const badFlag = await verify(["--flush-size", "zero"]);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr.trim().split("\n")).toHaveLength(1);
    expect(badFlag.stderr).toContain("--flush-size");

    const down = await runCli(VERIFIER, ["--endpoint", "http://127.0.0.1:9", "--bucket", "weblogs"], {
      env: { ...s3Env(s3), S3_ENDPOINT: undefined },
      timeoutMs: 60_000,
    });
    expect(down.code).toBe(2);
    expect(down.stderr.trim().split("\n")).toHaveLength(1);
    expect(down.stderr).toMatch(/unreachable/);
    expect(down.stderr).not.toContain(s3.credentials.secretAccessKey);
  });

  it("--help lists the options and exits 0", async () => {
    const r = await verify(["--help"]);
    expect(r.code).toBe(0);
    for (const flag of [
      "--bucket",
      "--endpoint",
      "--prefix",
      "--topic",
      "--brokers",
      "--group",
      "--flush-size",
      "--expect-count",
      "--json",
      "--config",
      "--concurrency",
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });
});
