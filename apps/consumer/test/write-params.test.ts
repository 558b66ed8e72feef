/**
 * Confluent's s3.ssea.name / s3.sse.kms.key.id / s3.sse.customer.key / s3.acl.canned / s3.object.tagging on the
 * sink's uploads, against moto (the server that stores them; S3Proxy refuses SSE and tags, see the testkit
 * README): a small object (PutObject) and a big one (CreateMultipartUpload, UploadParts, Complete) each carry
 * them, and what moto stored is read back (HeadObject, GetObjectTagging, GetObjectAcl). moto ignores SSE-C, so for
 * SSE-C the test reads the headers each request really sent (an SDK middleware on the real client).
 */
import {
  GetObjectAclCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { writeParamsOf } from "@weblog/s3";
import { defaultSinkSettings, keyLayoutOf, type SinkSettings } from "@weblog/sink-contract";
import { type S3Handle, startS3, uniqueName } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createObjectWriter, type UploadControl } from "../src/sink/object-writer";
import type { FlushSet } from "../src/sink/partition-buffer";

const PART = 5 * 1024 * 1024;
const open: UploadControl = { check() {}, onRetry() {} };
const SSE_C = Buffer.alloc(32, 3).toString("base64");

/** One file of `n` lines starting at offset 100, its last record at `100 + n + 4` (5 offsets skipped, as DLQ'd). */
function setOf(topic: string, n: number, pad: number): FlushSet {
  const lines = Array.from({ length: n }, (_, i) => `{"i":${i},"pad":"${"x".repeat(pad)}"}`);
  const bytes = lines.reduce((b, l) => b + Buffer.byteLength(l) + 1, 0);
  return {
    topic,
    kafkaPartition: 0,
    files: [
      { encodedPartition: "partition=0", startOffset: 100n, endOffset: BigInt(100 + n + 4), lines, bytes },
    ],
    commitOffset: BigInt(100 + n + 5),
    records: n,
    bytes,
    reason: "flush.size",
  };
}
const SMALL = { n: 10, pad: 10 };
const BIG = { n: 6_000, pad: 1_000 }; // ~6 MiB: two parts of 5 MiB

describe("SSE, canned ACL and tags on every upload (moto)", () => {
  let s3: S3Handle;
  let client: S3Client;
  beforeAll(async () => {
    s3 = await startS3({ server: "moto" });
    client = s3.client();
  });
  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
  });

  const writerFor = (
    settings: Partial<SinkSettings>,
    c = client,
    extra: Partial<Parameters<typeof createObjectWriter>[0]> = {},
  ) =>
    createObjectWriter({
      ...extra,
      client: c,
      bucket: s3.bucket,
      compression: "none",
      layout: keyLayoutOf(defaultSinkSettings()),
      partSize: PART,
      writeParams: writeParamsOf({ ...defaultSinkSettings(), ...settings }),
      minBackoffMs: 10,
      maxBackoffMs: 50,
    });

  it.each([
    ["PutObject", SMALL],
    ["a multipart upload", BIG],
  ])(
    "%s: SSE-KMS with its key id, the ACL's grants and Confluent's tags are what S3 stored",
    async (_, size) => {
      const writer = writerFor({
        sseAlgorithm: "aws:kms",
        sseKmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/weblog-1",
        cannedAcl: "authenticated-read",
        objectTagging: true,
        objectTaggingPairs: ["team:web"],
      });
      const { keys } = await writer.upload(setOf(uniqueName("t"), size.n, size.pad), open);
      const Key = keys[0] as string;
      const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key }));
      expect([head.ServerSideEncryption, head.SSEKMSKeyId]).toEqual([
        "aws:kms",
        "arn:aws:kms:us-east-1:111122223333:key/weblog-1",
      ]);
      expect(head.ContentLength).toBeGreaterThan(size === BIG ? PART : 0);
      const tags = await client.send(new GetObjectTaggingCommand({ Bucket: s3.bucket, Key }));
      expect(Object.fromEntries((tags.TagSet ?? []).map((t) => [t.Key, t.Value]))).toEqual({
        startOffset: "100",
        endOffset: String(100 + size.n + 4),
        recordCount: String(size.n),
        team: "web",
      });
      const acl = await client.send(new GetObjectAclCommand({ Bucket: s3.bucket, Key }));
      expect(acl.Grants?.map((g) => `${g.Grantee?.URI ?? g.Grantee?.Type}:${g.Permission}`).sort()).toEqual([
        "CanonicalUser:FULL_CONTROL",
        "http://acs.amazonaws.com/groups/global/AuthenticatedUsers:READ",
      ]);
    },
  );

  it("companion objects (store.kafka.keys / headers) carry the value object's SSE-KMS key id, grants and tags", async () => {
    const order: string[] = [];
    const writer = writerFor(
      {
        sseAlgorithm: "aws:kms",
        sseKmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/weblog-2",
        cannedAcl: "bucket-owner-full-control",
        objectTagging: true,
      },
      client,
      { companions: ["keys", "headers"], onCompanionsUploaded: () => order.push("companions") },
    );
    const set = setOf(uniqueName("t"), SMALL.n, SMALL.pad);
    const file = set.files[0] as FlushSet["files"][number];
    file.keys = file.lines.map((_, i) => JSON.stringify(`k${i}`));
    file.headers = file.lines.map((_, i) => JSON.stringify({ headers: [{ key: "n", value: String(i) }] }));
    const { keys } = await writer.upload(set, open);
    const value = keys[0] as string;
    const stem = value.slice(0, -".json".length);
    const companions = [`${stem}.keys.json`, `${stem}.headers.json`];
    const values = await Promise.all(
      [value, ...companions].map(async (Key) => {
        const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key }));
        const tags = await client.send(new GetObjectTaggingCommand({ Bucket: s3.bucket, Key }));
        const acl = await client.send(new GetObjectAclCommand({ Bucket: s3.bucket, Key }));
        return {
          sse: [head.ServerSideEncryption, head.SSEKMSKeyId],
          tags: Object.fromEntries((tags.TagSet ?? []).map((t) => [t.Key, t.Value])),
          grants: acl.Grants?.map((g) => g.Permission).sort(),
        };
      }),
    );
    expect(values[0]?.sse).toEqual(["aws:kms", "arn:aws:kms:us-east-1:111122223333:key/weblog-2"]);
    expect(values[0]?.tags).toEqual({ startOffset: "100", endOffset: "114", recordCount: "10" });
    for (const v of values.slice(1)) expect(v).toEqual(values[0]);
    expect(order).toEqual(["companions"]);
  });

  it("SSE-S3 (s3.ssea.name=AES256) on a multipart upload", async () => {
    const { keys } = await writerFor({ sseAlgorithm: "AES256" }).upload(
      setOf(uniqueName("t"), BIG.n, BIG.pad),
      open,
    );
    const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: keys[0] as string }));
    expect([head.ServerSideEncryption, head.SSEKMSKeyId]).toEqual(["AES256", undefined]);
  });

  it("without the keys: no encryption header, no tags, only the owner's grant", async () => {
    const { keys } = await writerFor({}).upload(setOf(uniqueName("t"), SMALL.n, SMALL.pad), open);
    const Key = keys[0] as string;
    const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key }));
    expect(head.SSEKMSKeyId).toBeUndefined();
    expect(head.ServerSideEncryption === undefined || head.ServerSideEncryption === "AES256").toBe(true);
    expect((await client.send(new GetObjectTaggingCommand({ Bucket: s3.bucket, Key }))).TagSet).toEqual([]);
    const acl = await client.send(new GetObjectAclCommand({ Bucket: s3.bucket, Key }));
    expect(acl.Grants?.map((g) => g.Permission)).toEqual(["FULL_CONTROL"]);
  });

  it("SSE-C: the customer key's headers go on CreateMultipartUpload, every UploadPart and the Complete", async () => {
    const sent: { op: string; headers: Record<string, string> }[] = [];
    const recording = s3.client();
    recording.middlewareStack.add(
      (next, context) => async (args) => {
        const req = args.request as { headers: Record<string, string> };
        sent.push({ op: String(context.commandName), headers: { ...req.headers } });
        return next(args);
      },
      { step: "finalizeRequest", name: "recordHeaders" },
    );
    try {
      const writer = writerFor({ sseAlgorithm: "AES256", sseCustomerKey: SSE_C }, recording);
      await writer.upload(setOf(uniqueName("t"), BIG.n, BIG.pad), open);
      const md5 = (await import("node:crypto"))
        .createHash("md5")
        .update(Buffer.from(SSE_C, "base64"))
        .digest("base64");
      const ops = sent.map((s) => s.op);
      expect(ops).toEqual([
        "CreateMultipartUploadCommand",
        "UploadPartCommand",
        "UploadPartCommand",
        "CompleteMultipartUploadCommand",
      ]);
      for (const { op, headers } of sent) {
        expect(headers["x-amz-server-side-encryption-customer-algorithm"], op).toBe("AES256");
        expect(headers["x-amz-server-side-encryption-customer-key-md5"], op).toBe(md5);
        expect(headers["x-amz-server-side-encryption"], op).toBeUndefined(); // SSE-C alone, as S3 requires
      }
    } finally {
      recording.destroy();
    }
  });
});
