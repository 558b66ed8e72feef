import { runCli, type S3Handle, startS3 } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanObjects, plantMany, s3Env, VERIFIER } from "./fixtures";

const OBJECTS = 20_000;
let s3: S3Handle;

beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.stop();
});

describe("a bucket of 20,000 small objects", () => {
  it("is listed page by page and verified record by record", { timeout: 480_000 }, async () => {
    // 4 partitions x 5,000 objects of 10 records: 200,000 records.
    const objects = cleanObjects("weblogs", 4, (OBJECTS / 4) * 10, 10);
    expect(objects).toHaveLength(OBJECTS);
    await plantMany(s3, s3.bucket, objects);
    const r = await runCli(
      VERIFIER,
      ["--bucket", s3.bucket, "--flush-size", "10", "--expect-count", "200000", "--json"],
      {
        env: s3Env(s3),
        timeoutMs: 200_000,
      },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.totals).toMatchObject({ objects: OBJECTS, records: 200_000, unparsableKeys: 0 });
    expect(doc.partitions.map((p: { lastOffset: number }) => p.lastOffset)).toEqual([
      49_999, 49_999, 49_999, 49_999,
    ]);
    console.info(`20,000 objects verified in ${(r.durationMs / 1000).toFixed(1)} s (backend ${s3.backend})`);
  });
});
