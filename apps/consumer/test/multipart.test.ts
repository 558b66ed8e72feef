/**
 * multipart.ts on its own: the part slicing (pure), and against a real S3 server (the shared stack's, or startS3):
 * an upload completes into one object with the body intact; a fence lost after a part aborts the upload (no object,
 * no incomplete upload). The leftovers cleanup is tested in leftovers.test.ts.
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
} from "@aws-sdk/client-s3";
import { type S3Handle, startS3, uniqueName } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Attempt,
  isNoSuchUpload,
  needsMultipart,
  partRanges,
  uploadMultipart,
} from "../src/sink/multipart";

const MiB = 1024 * 1024;

describe("partRanges (pure)", () => {
  it("cuts a body into part-size slices, the last one the rest, covering every byte once", () => {
    expect(partRanges(12 * MiB + 3, 5 * MiB)).toEqual([
      { start: 0, end: 5 * MiB },
      { start: 5 * MiB, end: 10 * MiB },
      { start: 10 * MiB, end: 12 * MiB + 3 },
    ]);
    expect(partRanges(10, 5)).toEqual([
      { start: 0, end: 5 },
      { start: 5, end: 10 },
    ]);
    expect(partRanges(4, 5)).toEqual([{ start: 0, end: 4 }]);
    expect(partRanges(0, 5)).toEqual([]);
    for (const [len, size] of [
      [1, 1],
      [999, 7],
      [5 * MiB + 1, 5 * MiB],
    ] as const) {
      const r = partRanges(len, size);
      expect(r[0]?.start).toBe(0);
      expect(r.at(-1)?.end).toBe(len);
      for (let i = 1; i < r.length; i++) expect(r[i]?.start).toBe(r[i - 1]?.end);
      for (const p of r.slice(0, -1)) expect(p.end - p.start).toBe(size);
    }
    expect(() => partRanges(10, 0)).toThrow(RangeError);
  });

  it("multipart only above the part size", () => {
    expect(needsMultipart(5 * MiB, 5 * MiB)).toBe(false);
    expect(needsMultipart(5 * MiB + 1, 5 * MiB)).toBe(true);
  });

  it("recognises NoSuchUpload wrapped in causes", () => {
    const inner = Object.assign(new Error("gone"), { name: "NoSuchUpload" });
    expect(isNoSuchUpload(new Error("outer", { cause: new Error("mid", { cause: inner }) }))).toBe(true);
    expect(isNoSuchUpload(new Error("other"))).toBe(false);
  });
});

describe("multipart uploads against real S3", () => {
  let s3: S3Handle;
  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(async () => {
    await s3?.stop();
  });

  /** The writer's model in miniature: the fence check before each attempt, no retries. */
  const attemptWith =
    (check: () => void, seen: string[] = []): Attempt =>
    async (what, send) => {
      check();
      seen.push(what.split(" ")[0] as string);
      return send({});
    };
  const body = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919) % 251));
  const uploads = async (prefix: string) =>
    (await s3.client().send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: prefix })))
      .Uploads ?? [];
  const objects = async (prefix: string) =>
    (await s3.client().send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }))).Contents ?? [];

  it("uploads a body above the part size in parts; the object is the body, byte for byte", async () => {
    const prefix = `${uniqueName("mp")}/`;
    const key = `${prefix}obj.json`;
    const data = body(11 * MiB + 17);
    const seen: string[] = [];
    const parts: number[] = [];
    const result = await uploadMultipart(
      {
        client: s3.client(),
        bucket: s3.bucket,
        key,
        body: data,
        partSize: 5 * MiB,
        contentType: "application/json",
        metadata: { "weblog-records": "1" },
      },
      attemptWith(() => {}, seen),
      (n) => parts.push(n),
    );
    expect(result.parts).toBe(3);
    expect(parts).toEqual([1, 2, 3]);
    expect(seen).toEqual([
      "CreateMultipartUpload",
      "UploadPart",
      "UploadPart",
      "UploadPart",
      "CompleteMultipartUpload",
    ]);
    const got = await s3.client().send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    expect(
      Buffer.from(
        await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      ).equals(data),
    ).toBe(true);
    const head = await s3.client().send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    expect(head.Metadata?.["weblog-records"]).toBe("1");
    expect(await uploads(prefix)).toEqual([]);
  });

  it("a fence lost after the first part aborts the upload: no object, no incomplete upload", async () => {
    const prefix = `${uniqueName("mp")}/`;
    const key = `${prefix}obj.json`;
    let calls = 0;
    const fenced = new Error("fenced");
    await expect(
      uploadMultipart(
        {
          client: s3.client(),
          bucket: s3.bucket,
          key,
          body: body(6 * MiB),
          partSize: 5 * MiB,
          contentType: "application/json",
          metadata: {},
        },
        attemptWith(() => {
          calls += 1;
          if (calls === 3) throw fenced; // Create, UploadPart 1, then the fence is gone
        }),
      ),
    ).rejects.toBe(fenced);
    expect(await objects(prefix)).toEqual([]);
    expect(await uploads(prefix)).toEqual([]);
  });
});
