/**
 * The dashboard's S3 side against a real S3 server: an error names the endpoint the dashboard was given, not
 * "AWS S3 (default endpoint for the region)".
 */
import { type S3Handle, startS3, uniqueName } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Watcher } from "../src/server/s3-view";

describe("createS3Watcher (real S3)", () => {
  let s3: S3Handle;
  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it("a missing bucket at a local endpoint: the error names that endpoint and the bucket", async () => {
    const bucket = uniqueName("gone");
    const watcher = createS3Watcher({ client: s3.client(), endpoint: s3.endpoint, bucket, topic: "weblogs" });
    const err = await watcher.poll().then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err?.message).toContain(s3.endpoint);
    expect(err?.message).toContain(bucket);
    expect(err?.message).not.toContain("AWS S3 (default endpoint");
  });
});
