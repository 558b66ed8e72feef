import { runCli, type S3Handle, startS3 } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanObjects, plantMany, s3Env, VERIFIER } from "./fixtures";

// Four listing pages (ListObjectsV2 returns at most 1,000 keys): enough to prove paging, small enough for CI.
// The 20,000-object scale is the verifier's benchmark (pnpm bench).
const OBJECTS = 4_000;
let s3: S3Handle;

beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.stop();
});

describe("a bucket of 4,000 small objects", () => {
  it("is listed page by page and verified record by record", { timeout: 240_000 }, async () => {
    // 4 partitions x 1,000 objects of 10 records: 40,000 records.
    const objects = cleanObjects("weblogs", 4, (OBJECTS / 4) * 10, 10);
    expect(objects).toHaveLength(OBJECTS);
    await plantMany(s3, s3.bucket, objects);
    const r = await runCli(
      VERIFIER,
      ["--bucket", s3.bucket, "--flush-size", "10", "--expect-count", "40000", "--json"],
      {
        env: s3Env(s3),
        timeoutMs: 120_000,
      },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.totals).toMatchObject({ objects: OBJECTS, records: 40_000, unparsableKeys: 0 });
    expect(doc.partitions.map((p: { lastOffset: number }) => p.lastOffset)).toEqual([
      9_999, 9_999, 9_999, 9_999,
    ]);
    console.info(
      `${OBJECTS} objects verified in ${(r.durationMs / 1000).toFixed(1)} s (backend ${s3.backend})`,
    );
  });
});
