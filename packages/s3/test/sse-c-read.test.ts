/**
 * SSE-C reads (getObjectBody's `sseCustomerKey`): the verifier and the query read objects the sink wrote with
 * `s3.sse.customer.key`. moto accepts SSE-C but does not enforce it (testkit README), so the test reads the headers
 * the GET really sent (a middleware on the real client that only records them, against moto), and S3's two refusals
 * (no key, wrong key: the exceptions the SDK builds from real S3's answers, given to the pure explainer, since no
 * local server refuses an SSE-C read) become one line naming how to give the key, never the key.
 */
import { createHash } from "node:crypto";
import { PutObjectCommand, S3ServiceException } from "@aws-sdk/client-s3";
import { type S3Handle, startS3, uniqueName } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explainSseCustomerKeyRefusal, sseCustomerKeyRefusal } from "../src/errors";
import { getObjectBody } from "../src/objects";

const SSE_C = Buffer.alloc(32, 7).toString("base64");
const MD5 = createHash("md5").update(Buffer.from(SSE_C, "base64")).digest("base64");

/** What the SDK throws for S3's answer (its own exception class, as its XML error parser builds it). */
const s3Answer = (status: number, name: string, message: string) =>
  new S3ServiceException({ name, $fault: "client", $metadata: { httpStatusCode: status }, message });
const NO_KEY = s3Answer(
  400,
  "InvalidRequest",
  "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.",
);
const WRONG_KEY = s3Answer(
  403,
  "AccessDenied",
  "The calculated MD5 hash of the key did not match the hash that was provided.",
);

describe("SSE-C reads", () => {
  let s3: S3Handle;
  beforeAll(async () => {
    s3 = await startS3({ server: "moto" });
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it("the GET carries the customer key's headers (algorithm, key, MD5) only when a key is given", async () => {
    const Key = `topics/${uniqueName("t")}/partition=0/t+0+0000000000.json`;
    const writer = s3.client();
    await writer.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key,
        Body: '{"a":1}\n',
        SSECustomerAlgorithm: "AES256",
        SSECustomerKey: SSE_C,
      }),
    );
    const sent: Record<string, string>[] = [];
    const reader = s3.client();
    reader.middlewareStack.add(
      (next) => async (args) => {
        sent.push({ ...(args.request as { headers: Record<string, string> }).headers });
        return next(args);
      },
      { step: "finalizeRequest", name: "recordHeaders" },
    );
    try {
      const body = await getObjectBody(reader, s3.bucket, Key, { sseCustomerKey: SSE_C });
      expect(body.toString()).toBe('{"a":1}\n');
      await getObjectBody(reader, s3.bucket, Key);
    } finally {
      reader.destroy();
      writer.destroy();
    }
    expect(sent[0]?.["x-amz-server-side-encryption-customer-algorithm"]).toBe("AES256");
    expect(sent[0]?.["x-amz-server-side-encryption-customer-key"]).toBe(SSE_C);
    expect(sent[0]?.["x-amz-server-side-encryption-customer-key-md5"]).toBe(MD5);
    expect(sent[1]?.["x-amz-server-side-encryption-customer-algorithm"]).toBeUndefined();
  });

  it("tells S3's SSE-C refusals from other errors: missing key, wrong key", () => {
    expect(sseCustomerKeyRefusal(NO_KEY, false)).toBe("missing");
    expect(sseCustomerKeyRefusal(WRONG_KEY, true)).toBe("wrong");
    expect(sseCustomerKeyRefusal(s3Answer(403, "AccessDenied", "Access Denied"), false)).toBeNull();
    expect(
      sseCustomerKeyRefusal(s3Answer(404, "NoSuchKey", "The specified key does not exist."), true),
    ).toBeNull();
  });

  it("a refused read is one line naming how to give the key, never the key", () => {
    const where = { bucket: "b", key: "k.json", hint: "--sse-customer-key" };
    const noKey = explainSseCustomerKeyRefusal(NO_KEY, { ...where, keySent: false });
    expect(noKey?.message).toBe(
      "k.json in bucket 'b' is encrypted with a customer key (SSE-C): S3 returns it only with that key; give it with --sse-customer-key",
    );
    const wrong = explainSseCustomerKeyRefusal(WRONG_KEY, { ...where, keySent: true });
    expect(wrong?.message).toMatch(/S3 refused the SSE-C key given .*--sse-customer-key$/);
    expect(wrong?.message.split("\n")).toHaveLength(1);
    expect(wrong?.cause).toBe(WRONG_KEY);
    expect(
      explainSseCustomerKeyRefusal(s3Answer(404, "NoSuchKey", "no"), { ...where, keySent: true }),
    ).toBeNull();
  });
});
