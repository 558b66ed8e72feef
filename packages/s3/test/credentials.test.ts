/**
 * Credentials from the connector file (credentials.ts) and the request parameters (write-params.ts): assume-role
 * goes through the AWS SDK's own fromTemporaryCredentials to a real STS (moto's, by AWS_ENDPOINT_URL_STS), and the
 * parameters each request gets follow Confluent's rules.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { defaultSinkSettings } from "@weblog/sink-contract";
import { type S3Handle, startS3, uniqueName } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Client, credentialSourceFor } from "../src/client";
import { credentialsFromSettings } from "../src/credentials";
import { completeParams, createParams, uploadPartParams, writeParamsOf } from "../src/write-params";

const ROLE = "arn:aws:iam::123456789012:role/weblog-sink";
const SSE_C = Buffer.alloc(32, 5).toString("base64");

describe("credentials from the connector file", () => {
  let s3: S3Handle;
  let saved: string | undefined;
  beforeAll(async () => {
    s3 = await startS3({ server: "moto" }); // moto also answers STS AssumeRole
    saved = process.env.AWS_ENDPOINT_URL_STS;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
    else process.env.AWS_ENDPOINT_URL_STS = saved;
    await s3?.stop();
  });

  const settings = { ...defaultSinkSettings(), region: "us-east-1" };

  it("static keys: used as given", () => {
    const c = credentialsFromSettings({ ...settings, awsAccessKeyId: "AKIA1", awsSecretAccessKey: "s" });
    expect(c).toEqual({ kind: "static", credentials: { accessKeyId: "AKIA1", secretAccessKey: "s" } });
    expect(credentialsFromSettings(settings)).toBeUndefined();
  });

  it("assume-role: STS AssumeRole gives session credentials the S3 client signs with", async () => {
    process.env.AWS_ENDPOINT_URL_STS = s3.endpoint;
    const c = credentialsFromSettings({
      ...settings,
      credentialsProvider: "assume-role",
      stsRoleArn: ROLE,
      stsRoleSessionName: "weblog-test",
      awsAccessKeyId: "AKIAEXAMPLE",
      awsSecretAccessKey: "secret",
    });
    if (c?.kind !== "assume-role") throw new Error(`expected assume-role, got ${c?.kind}`);
    const session = await c.provider();
    expect(session.accessKeyId).toMatch(/^ASIA/); // temporary credentials, not the keys we passed
    expect(session.sessionToken).toBeTruthy();
    const client = createS3Client({
      endpoint: s3.endpoint,
      region: "us-east-1",
      pathStyle: true,
      credentialProvider: c.provider,
    });
    expect(
      credentialSourceFor({ region: "us-east-1", pathStyle: true, credentialProvider: c.provider }),
    ).toBe("assume-role");
    try {
      const put = await client.send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: uniqueName("k"), Body: "x" }),
      );
      expect(put.$metadata.httpStatusCode).toBe(200);
    } finally {
      client.destroy();
    }
  });

  it("assume-role with STS unreachable fails the request (the provider is in the path)", async () => {
    process.env.AWS_ENDPOINT_URL_STS = "http://127.0.0.1:9"; // discard port: refused
    const c = credentialsFromSettings({ ...settings, credentialsProvider: "assume-role", stsRoleArn: ROLE });
    if (c?.kind !== "assume-role") throw new Error("expected assume-role");
    const client = createS3Client({
      endpoint: s3.endpoint,
      region: "us-east-1",
      pathStyle: true,
      credentialProvider: c.provider,
      maxAttempts: 1,
    });
    try {
      await expect(
        client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: "never", Body: "x" })),
      ).rejects.toThrow();
    } finally {
      client.destroy();
    }
  });
});

describe("request parameters per request (Confluent's S3OutputStream rules)", () => {
  const base = defaultSinkSettings();
  it("SSE-KMS with its key id, ACL and tags on the create requests; nothing on parts and Complete", () => {
    const p = writeParamsOf({
      ...base,
      sseAlgorithm: "aws:kms",
      sseKmsKeyId: "alias/k",
      cannedAcl: "bucket-owner-full-control",
      objectTagging: true,
      objectTaggingPairs: ["team:web", "a b:c&d"],
    });
    expect(createParams(p, { startOffset: "0" })).toEqual({
      ServerSideEncryption: "aws:kms",
      SSEKMSKeyId: "alias/k",
      ACL: "bucket-owner-full-control",
      Tagging: "team=web&a+b=c%26d&startOffset=0",
    });
    expect(uploadPartParams(p)).toEqual({});
    expect(completeParams(p)).toEqual({});
  });

  it("AES256 with a customer key is SSE-C alone, on every request; without it SSE-S3", () => {
    const c = writeParamsOf({ ...base, sseAlgorithm: "AES256", sseCustomerKey: SSE_C });
    const sseC = { SSECustomerAlgorithm: "AES256", SSECustomerKey: SSE_C };
    expect([createParams(c), uploadPartParams(c), completeParams(c)]).toEqual([sseC, sseC, sseC]);
    expect(createParams(writeParamsOf({ ...base, sseAlgorithm: "AES256" }))).toEqual({
      ServerSideEncryption: "AES256",
    });
    expect(createParams(writeParamsOf(base))).toEqual({});
  });
});
