import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type S3Handle, startS3, uniqueName } from "../src/index";

describe("startS3", () => {
  let s3: S3Handle;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await startS3();
    console.info(`startS3 backend=${s3.backend} endpoint=${s3.endpoint} bucket=${s3.bucket}`);
    client = s3.client();
  });

  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
  });

  it("serves put/get/list on a fresh bucket through the real SDK client", async () => {
    expect(s3.endpoint).toMatch(/^https?:\/\//);
    const empty = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    expect(empty.KeyCount ?? 0).toBe(0);
    await client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: "topics/a/one.json", Body: '{"n":1}\n' }),
    );
    await client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: "topics/b/two.json", Body: '{"n":2}\n' }),
    );
    const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "topics/a/one.json" }));
    expect(await got.Body?.transformToString()).toBe('{"n":1}\n');
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: "topics/" }));
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual(["topics/a/one.json", "topics/b/two.json"]);
  });

  it("lists more objects than one page holds (continuation tokens work)", async () => {
    const keys = Array.from({ length: 25 }, (_, i) => `page/${String(i).padStart(3, "0")}.json`);
    await Promise.all(
      keys.map((Key) => client.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body: Key }))),
    );
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: s3.bucket,
          Prefix: "page/",
          MaxKeys: 10,
          ContinuationToken: token,
        }),
      );
      pages++;
      for (const o of page.Contents ?? []) seen.push(o.Key as string);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(keys);
  });

  it("createBucket makes another bucket usable and tolerates an existing one", async () => {
    const other = uniqueName("wl");
    await s3.createBucket(other);
    await s3.createBucket(other);
    await client.send(new PutObjectCommand({ Bucket: other, Key: "k", Body: "v" }));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: other }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(["k"]);
  });
});

describe("startS3 pause/resume/stop", () => {
  it("pause() makes requests fail, resume() serves the same data on the same endpoint, stop() cleans up", async () => {
    const s3 = await startS3({ dedicated: true });
    expect(s3.backend).not.toBe("env");
    const endpoint = s3.endpoint;
    const client = s3.client();
    try {
      await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: "kept.txt", Body: "still here" }));
      await s3.pause();
      const paused = s3.client();
      await expect(
        paused.send(new ListObjectsV2Command({ Bucket: s3.bucket }), {
          abortSignal: AbortSignal.timeout(5000),
        }),
      ).rejects.toThrow();
      paused.destroy();

      await s3.resume();
      expect(s3.endpoint).toBe(endpoint);
      const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "kept.txt" }));
      expect(await got.Body?.transformToString()).toBe("still here");
    } finally {
      client.destroy();
      await s3.stop();
    }
    const res = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(2000) }).catch((e: Error) => e);
    expect(res).toBeInstanceOf(Error);
    await s3.stop(); // idempotent
  });
});

describe("startS3 with S3_ENDPOINT", () => {
  it("uses the endpoint and S3_* credentials from env and creates a fresh bucket there", async (ctx) => {
    const server = await startS3();
    if (server.backend === "env") {
      await server.stop();
      ctx.skip("S3_ENDPOINT is already set");
    }
    const saved = { ...process.env };
    process.env.S3_ENDPOINT = server.endpoint;
    process.env.S3_ACCESS_KEY_ID = server.credentials.accessKeyId;
    process.env.S3_SECRET_ACCESS_KEY = server.credentials.secretAccessKey;
    try {
      const viaEnv = await startS3();
      expect(viaEnv).toMatchObject({
        backend: "env",
        endpoint: server.endpoint,
        credentials: server.credentials,
      });
      expect(viaEnv.bucket).not.toBe(server.bucket);
      const client = server.client();
      await client.send(new PutObjectCommand({ Bucket: viaEnv.bucket, Key: "k", Body: "v" }));
      client.destroy();
      await expect(viaEnv.pause()).rejects.toThrow(/need the local or Docker backend/);
      await viaEnv.stop();
    } finally {
      for (const k of ["S3_ENDPOINT", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"]) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
      await server.stop();
    }
  });

  it("rejects an invalid bucket name", async () => {
    await expect(startS3({ bucket: "Not_Valid" })).rejects.toThrow(/not a valid S3 bucket name/);
  });
});
