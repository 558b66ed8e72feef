// The S3 error explanations against a real S3 server and a real gateway in front of it (split from s3.test.ts).
import { ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { exitCodeOf } from "@weblog/cli";
import {
  refuseListMultipartUploads,
  type S3Handle,
  startS3,
  startS3Gateway,
  uniqueName,
} from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkBucket, createS3Client, credentialSourceFor } from "../src/client";
import { bucketVanished, describeEndpoint, explainS3Error, isNotImplemented } from "../src/errors";
import { putRecordLines } from "../src/objects";
import { expectS3Error, makeS3Client } from "./helpers";

let s3: S3Handle;

beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.stop();
});

function client(credentials = s3.credentials) {
  return makeS3Client(s3, credentials);
}

describe("an S3-compatible server without an operation (a real gateway in front of the S3 server)", () => {
  // Issue 25, item 8: a 501 NotImplemented was called a retriable server error, so the sink retried for ever.
  it("501 NotImplemented for ListMultipartUploads is REQUEST, not retriable, and says the server lacks it", async () => {
    const gateway = await startS3Gateway({ target: s3.endpoint, refuse: refuseListMultipartUploads });
    try {
      const c = createS3Client({
        endpoint: gateway.endpoint,
        region: s3.region,
        credentials: s3.credentials,
        pathStyle: true,
        maxAttempts: 1,
      });
      // Everything else goes through to the real server (signed requests included).
      await expect(checkBucket(c, s3.bucket, gateway.endpoint)).resolves.toBeUndefined();
      let caught: unknown;
      try {
        await c.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: "topics/" }));
      } catch (e) {
        caught = e;
      }
      expect(gateway.refused).toBe(1);
      const err = explainS3Error(caught, { bucket: s3.bucket, endpoint: gateway.endpoint });
      expect(err.code).toBe("REQUEST");
      expect(err.retriable).toBe(false);
      expect(isNotImplemented(err)).toBe(true);
      expect(err.message).toMatch(/does not implement/);
      expect(err.message).toMatch(/NotImplemented.*501/);
    } finally {
      await gateway.close();
    }
  });

  it("405 MethodNotAllowed is not retriable either; a 500 still is", () => {
    const e405 = explainS3Error(
      { name: "MethodNotAllowed", $metadata: { httpStatusCode: 405 } },
      { bucket: "b" },
    );
    expect([e405.code, e405.retriable, isNotImplemented(e405)]).toEqual(["REQUEST", false, true]);
    const e500 = explainS3Error(
      { name: "InternalError", $metadata: { httpStatusCode: 500 } },
      { bucket: "b" },
    );
    expect([e500.code, e500.retriable, isNotImplemented(e500)]).toEqual(["SERVER", true, false]);
  });
});

describe("a bucket that vanishes while running (real S3 server)", () => {
  // Issue 25, item 9: a bucket deleted mid-run got the message of a bucket missing at start.
  it("says it vanished while running and that committed objects may be gone; missing at start is unchanged", async () => {
    const bucket = uniqueName("vanish");
    await s3.createBucket(bucket);
    const c = client();
    await putRecordLines(c, bucket, "topics/t/partition=0/t+0+0000000000.json", ['{"a":1}'], "none", {
      endpoint: s3.endpoint,
    });
    const { DeleteBucketCommand, DeleteObjectCommand } = await import("@aws-sdk/client-s3");
    await c.send(
      new DeleteObjectCommand({ Bucket: bucket, Key: "topics/t/partition=0/t+0+0000000000.json" }),
    );
    await c.send(new DeleteBucketCommand({ Bucket: bucket }));
    const missing = await expectS3Error(
      putRecordLines(c, bucket, "topics/t/partition=0/t+0+0000000001.json", ['{"a":2}'], "none", {
        endpoint: s3.endpoint,
      }),
    );
    expect(missing.code).toBe("BUCKET_MISSING");
    expect(missing.message).toMatch(/does not exist/);
    const vanished = bucketVanished(missing, { bucket, endpoint: s3.endpoint });
    expect(vanished.code).toBe("BUCKET_MISSING");
    expect(exitCodeOf(vanished)).toBe(2);
    expect(vanished.message).toMatch(new RegExp(`bucket '${bucket}' .*vanished while the sink was running`));
    expect(vanished.message).toMatch(/objects already committed .*may be gone/);
    expect(vanished.message).not.toContain("\n");
    // Any other error passes through unchanged.
    const other = explainS3Error({ name: "InternalError", $metadata: { httpStatusCode: 500 } }, { bucket });
    expect(bucketVanished(other, { bucket })).toBe(other);
  });
});

describe("pure helpers", () => {
  it("an endpoint's user info (a password in the URL) is never printed", () => {
    const endpoint = "http://minio:s3cr3t-pw@127.0.0.1:1";
    expect(describeEndpoint(endpoint)).toBe("http://minio:***@127.0.0.1:1");
    expect(describeEndpoint("https://key:a@b:c@s3.example.com:9000/base")).toBe(
      "https://key:***@s3.example.com:9000/base",
    );
    expect(describeEndpoint("http://127.0.0.1:9000")).toBe("http://127.0.0.1:9000");
    const unreachable = explainS3Error(Object.assign(new Error("x"), { code: "ECONNREFUSED" }), {
      bucket: "b",
      endpoint,
    });
    expect(unreachable.message).not.toContain("s3cr3t-pw");
    expect(unreachable.message).toContain("http://minio:***@127.0.0.1:1");
    const denied = explainS3Error(
      { name: "AccessDenied", $metadata: { httpStatusCode: 403 } },
      { bucket: "b", endpoint },
    );
    expect(denied.message).not.toContain("s3cr3t-pw");
  });

  it("credentials: MinIO dev creds only for a local endpoint with no AWS creds in env", () => {
    const base = { region: "us-east-1", pathStyle: true };
    expect(credentialSourceFor({ ...base, endpoint: "http://localhost:9000", env: {} })).toBe(
      "minio-dev-fallback",
    );
    expect(credentialSourceFor({ ...base, endpoint: "http://127.0.0.1:9000", env: {} })).toBe(
      "minio-dev-fallback",
    );
    expect(
      credentialSourceFor({
        ...base,
        endpoint: "http://localhost:9000",
        env: { AWS_ACCESS_KEY_ID: "k", AWS_SECRET_ACCESS_KEY: "s" },
      }),
    ).toBe("aws-chain");
    expect(
      credentialSourceFor({ ...base, endpoint: "http://localhost:9000", env: { AWS_PROFILE: "dev" } }),
    ).toBe("aws-chain");
    expect(credentialSourceFor({ ...base, endpoint: "http://minio:9000", env: {} })).toBe("aws-chain");
    expect(credentialSourceFor({ ...base, env: {} })).toBe("aws-chain");
    expect(
      credentialSourceFor({
        ...base,
        endpoint: "http://localhost:9000",
        credentials: { accessKeyId: "a", secretAccessKey: "b" },
      }),
    ).toBe("explicit");
  });

  it("explainS3Error classifies throttling and server errors as retriable", () => {
    const slow = explainS3Error(
      Object.assign(new Error("slow"), { name: "SlowDown", $metadata: { httpStatusCode: 503 } }),
      {
        bucket: "b",
        endpoint: "http://e",
      },
    );
    expect([slow.code, slow.retriable]).toEqual(["THROTTLED", true]);
    const five = explainS3Error(
      Object.assign(new Error("boom"), { name: "InternalError", $metadata: { httpStatusCode: 500 } }),
      {
        bucket: "b",
      },
    );
    expect([five.code, five.retriable]).toEqual(["SERVER", true]);
    expect(five.message).toContain("AWS S3");
    const noKey = explainS3Error(
      Object.assign(new Error("x"), { name: "NoSuchKey", $metadata: { httpStatusCode: 404 } }),
      {
        bucket: "b",
      },
    );
    expect([noKey.code, noKey.retriable]).toEqual(["NOT_FOUND", false]);
    const headMissing = { name: "NotFound", $metadata: { httpStatusCode: 404 } };
    expect(explainS3Error(headMissing, { bucket: "b" }).code).toBe("NOT_FOUND");
    expect(explainS3Error(headMissing, { bucket: "b", head: "bucket" }).code).toBe("BUCKET_MISSING");
    const bad = explainS3Error(
      Object.assign(new Error("bad arg"), { name: "InvalidArgument", $metadata: { httpStatusCode: 400 } }),
      {
        bucket: "b",
      },
    );
    expect([bad.code, bad.retriable, exitCodeOf(bad)]).toEqual(["REQUEST", false, 1]);
    const refused = explainS3Error(Object.assign(new Error("x"), { cause: { code: "ECONNREFUSED" } }), {
      bucket: "b",
    });
    expect(refused.code).toBe("UNREACHABLE");
  });
});
