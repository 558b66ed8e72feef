import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetBucketAclCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3Client as S3ClientType,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type S3Handle, startS3 } from "../src/index";

/**
 * What our code and Kafka Connect's S3 sinks need from an S3 server, checked against whatever backend startS3()
 * picks (so a new local server, MinIO or a real S3 via S3_ENDPOINT must all pass it).
 */
describe("S3 server conformance", () => {
  let s3: S3Handle;
  let client: S3ClientType;

  beforeAll(async () => {
    s3 = await startS3();
    client = s3.client();
  });
  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
  });

  it("PutObject with If-None-Match: * refuses a second PUT of the same key (412) and keeps the first", async () => {
    const put = (body: string) =>
      client.send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: "once.json", Body: body, IfNoneMatch: "*" }),
      );
    await put("first");
    await expect(put("second")).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "once.json" }));
    expect(await got.Body?.transformToString()).toBe("first");
  });

  it("multipart upload: create, two parts, complete gives the concatenation; abort leaves nothing", async () => {
    const partA = Buffer.alloc(5 * 1024 * 1024, "a"); // 5 MiB: the minimum for every part but the last
    const partB = Buffer.from("tail");
    const created = await client.send(
      new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: "mp/whole" }),
    );
    const UploadId = created.UploadId as string;
    const parts = [];
    for (const [i, Body] of [partA, partB].entries()) {
      const up = await client.send(
        new UploadPartCommand({ Bucket: s3.bucket, Key: "mp/whole", UploadId, PartNumber: i + 1, Body }),
      );
      parts.push({ ETag: up.ETag, PartNumber: i + 1 });
    }
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: s3.bucket,
        Key: "mp/whole",
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "mp/whole" }));
    const bytes = Buffer.from((await got.Body?.transformToByteArray()) as Uint8Array);
    expect(bytes.length).toBe(partA.length + partB.length);
    expect(bytes.subarray(-4).toString()).toBe("tail");

    const aborted = await client.send(
      new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: "mp/gone" }),
    );
    await client.send(
      new UploadPartCommand({
        Bucket: s3.bucket,
        Key: "mp/gone",
        UploadId: aborted.UploadId,
        PartNumber: 1,
        Body: "x",
      }),
    );
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: s3.bucket, Key: "mp/gone", UploadId: aborted.UploadId }),
    );
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: "mp/" }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(["mp/whole"]);
    const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: "mp/" }));
    expect(uploads.Uploads ?? []).toEqual([]);
  });

  it("an in-progress multipart upload (created, one part, not completed) is not listed as an object", async () => {
    const Key = "mp/in-progress.json";
    const created = await client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key }));
    const UploadId = created.UploadId as string;
    await client.send(
      new UploadPartCommand({ Bucket: s3.bucket, Key, UploadId, PartNumber: 1, Body: "x".repeat(100) }),
    );
    try {
      const listed = await client.send(
        new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: "mp/in-progress" }),
      );
      expect((listed.Contents ?? []).map((o) => o.Key)).toEqual([]);
      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }));
      expect((uploads.Uploads ?? []).map((u) => u.UploadId)).toContain(UploadId);
    } finally {
      await client.send(new AbortMultipartUploadCommand({ Bucket: s3.bucket, Key, UploadId }));
    }
  });

  it("answers HeadBucket and GetBucketAcl (Kafka Connect's start-up checks)", async () => {
    const head = await client.send(new HeadBucketCommand({ Bucket: s3.bucket }));
    expect(head.$metadata.httpStatusCode).toBe(200);
    const acl = await client.send(new GetBucketAclCommand({ Bucket: s3.bucket }));
    expect(acl.Owner).toBeDefined();
    expect(acl.Grants?.length ?? 0).toBeGreaterThan(0);
  });

  it("pages ListObjectsV2 past 1,000 keys with continuation tokens", async () => {
    const keys = Array.from({ length: 1010 }, (_, i) => `many/${String(i).padStart(5, "0")}`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(
        keys
          .slice(i, i + 50)
          .map((Key) => client.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body: "." }))),
      );
    }
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: "many/", ContinuationToken: token }),
      );
      pageSizes.push(page.Contents?.length ?? 0);
      for (const o of page.Contents ?? []) seen.push(o.Key as string);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token && pageSizes.length < 5);
    expect(pageSizes).toEqual([1000, 10]);
    expect(seen).toEqual(keys);
  });

  it("refuses wrong credentials with 403", async (ctx) => {
    if (s3.backend === "env") ctx.skip("S3_ENDPOINT is set: its credential policy is not ours to check");
    if (s3.backend === "moto")
      ctx.skip("moto accepts any credentials (its IAM emulation is off): see the README");
    const wrong = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.credentials.accessKeyId, secretAccessKey: "not-the-secret" },
      maxAttempts: 1,
    });
    try {
      await expect(wrong.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 403 },
      });
      await expect(
        wrong.send(new PutObjectCommand({ Bucket: s3.bucket, Key: "intruder", Body: "x" })),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    } finally {
      wrong.destroy();
    }
  });
});
