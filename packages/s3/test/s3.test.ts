import { randomUUID } from "node:crypto";
import { PassThrough } from "node:stream";
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { exitCodeOf } from "@weblog/cli";
import { encodeRecordLines, formatObjectKey } from "@weblog/sink-contract";
import { type S3Handle, startS3, uniqueName, waitFor } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkBucket } from "../src/client";
import {
  getObjectBody,
  isWriteInFlight,
  listAllObjects,
  listSinkObjects,
  putRecordLines,
  readRecordsFromObject,
  type SinkObject,
} from "../src/objects";
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

describe("checkBucket against a real S3 server", () => {
  it("passes for the bucket that exists", async () => {
    await expect(checkBucket(client(), s3.bucket, s3.endpoint)).resolves.toBeUndefined();
  });

  it("names a missing bucket, the endpoint and the fix; exit 2, not retriable", async () => {
    const err = await expectS3Error(checkBucket(client(), "no-such-bucket-here", s3.endpoint));
    expect(err.code).toBe("BUCKET_MISSING");
    expect(exitCodeOf(err)).toBe(2);
    expect(err.retriable).toBe(false);
    expect(err.message).toBe(
      `bucket 'no-such-bucket-here' does not exist at ${s3.endpoint}: create it (docker compose up creates 'weblogs') or set S3_BUCKET`,
    );
  });

  it("reports rejected credentials without the secret", async () => {
    const secret = `sekrit-${randomUUID()}`;
    const err = await expectS3Error(
      checkBucket(client({ accessKeyId: "WRONGKEY", secretAccessKey: secret }), s3.bucket, s3.endpoint),
    );
    expect(err.code).toBe("ACCESS_DENIED");
    expect(exitCodeOf(err)).toBe(2);
    expect(err.message).toContain(s3.endpoint);
    expect(err.message).not.toContain(secret);
  });

  it("reports an endpoint that is down as UNREACHABLE (retriable), and works again after", async () => {
    const own = await startS3({ dedicated: true }); // a server this test may take down
    const ownClient = () => makeS3Client(own);
    try {
      await own.pause();
      try {
        const err = await expectS3Error(checkBucket(ownClient(), own.bucket, own.endpoint));
        expect(err.code).toBe("UNREACHABLE");
        expect(err.retriable).toBe(true);
        expect(err.message).toContain(own.endpoint);
      } finally {
        await own.resume();
      }
      await expect(checkBucket(ownClient(), own.bucket, own.endpoint)).resolves.toBeUndefined();
    } finally {
      await own.stop();
    }
  });
});

describe("objects", () => {
  it("lists every object across pages with ContinuationToken, in key order", async () => {
    const c = client();
    const prefix = `topics/${uniqueName("t")}/`;
    const keys: string[] = [];
    for (let i = 0; i < 25; i++) {
      const key = formatObjectKey({
        topic: prefix.split("/")[1] as string,
        encodedPartition: `partition=${i % 2}`,
        kafkaPartition: i % 2,
        startOffset: BigInt(i * 10),
        compression: "none",
      });
      keys.push(key);
      await c.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: `{"i":${i}}\n` }));
    }
    const pages: number[] = [];
    const listed: string[] = [];
    for await (const o of listAllObjects(c, s3.bucket, prefix, {
      pageSize: 7,
      endpoint: s3.endpoint,
      onPage: (p) => pages.push(p.count),
    })) {
      listed.push(o.key);
      expect(o.size).toBeGreaterThan(0);
    }
    expect(listed).toEqual([...keys].sort());
    expect(pages).toEqual([7, 7, 7, 4]);
    const none: string[] = [];
    for await (const o of listAllObjects(c, s3.bucket, "nothing-here/")) none.push(o.key);
    expect(none).toEqual([]);
  });

  it("listSinkObjects reads each key in the sink's layout, and says why a stray key does not fit", async () => {
    const c = client();
    const topic = `t-${randomUUID().slice(0, 8)}`;
    const good = formatObjectKey({
      topic,
      encodedPartition: "partition=3",
      kafkaPartition: 3,
      startOffset: 120n,
      compression: "gzip",
    });
    const stray = `topics/${topic}/notes.txt`;
    for (const key of [good, stray])
      await c.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: "x" }));
    const seen: SinkObject[] = [];
    for await (const o of listSinkObjects(c, s3.bucket, `topics/${topic}/`)) seen.push(o);
    expect(seen.map((o) => o.key)).toEqual([stray, good].sort());
    expect(seen.find((o) => o.key === good)?.parts).toMatchObject({
      kafkaPartition: 3,
      startOffset: 120n,
      compression: "gzip",
    });
    const bad = seen.find((o) => o.key === stray);
    expect(bad?.parts).toBeUndefined();
    expect(bad && "reason" in bad ? bad.reason : "").toContain(".json");
  });

  it("isWriteInFlight: a key that ends in -<UUID v4>, ETag or not; never a sink layout's key", () => {
    const uuid = "72ab6cb5-481a-4440-a9e4-2a88a9f3d1fc";
    expect(isWriteInFlight({ Key: `topics/t/partition=3/t+3+00000000000000000040.json-${uuid}` })).toBe(true);
    expect(isWriteInFlight({ Key: `k-${uuid}`, ETag: '"abc"' } as { Key: string })).toBe(true);
    expect(isWriteInFlight({ Key: "topics/t/partition=0/t+0+0000000000.json" })).toBe(false);
    expect(isWriteInFlight({ Key: `t/${uuid}.json` })).toBe(false);
  });

  it("leaves out a write still in flight (S3Proxy lists it as <key>-<uuid>), then lists the object once written", async () => {
    const bucket = `wl-${randomUUID().slice(0, 8)}`;
    await s3.createBucket(bucket);
    const c = client();
    const raw = (prefix: string) =>
      c.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix })).then((r) => r.Contents ?? []);
    const keys = async (prefix: string) => {
      const out: string[] = [];
      for await (const o of listAllObjects(c, bucket, prefix)) out.push(o.key);
      return out;
    };
    const body = new PassThrough();
    const put = c.send(
      new PutObjectCommand({ Bucket: bucket, Key: "t/slow.json", Body: body, ContentLength: 1000 }),
    );
    try {
      body.write("a".repeat(500)); // half the body: the server is writing it now
      // what the server lists meanwhile: S3Proxy its temp file, a store that hides writes nothing; never the key
      const during = await waitFor(
        "the half-written body on the server",
        async () => {
          const listed = await raw("t/");
          return listed.length > 0 ? listed : undefined;
        },
        10_000,
      ).catch(() => []); // a server that lists nothing for a write in flight is fine too
      if (s3.server.startsWith("S3Proxy")) expect(during).toHaveLength(1); // the case the filter is for
      for (const o of during) {
        expect(o.Key).not.toBe("t/slow.json");
        expect(isWriteInFlight(o), JSON.stringify(o)).toBe(true);
      }
      expect(await keys("t/")).toEqual([]);
      body.end("b".repeat(500));
      await put;
      expect(await keys("t/")).toEqual(["t/slow.json"]);
      expect(isWriteInFlight((await raw("t/"))[0] ?? {})).toBe(false);
    } finally {
      body.destroy();
      await put.catch(() => {});
      c.destroy();
    }
  });

  it("writes and reads JSON lines, plain and gzip, exactly as written", async () => {
    const c = client();
    const lines = ['{"a":1}', '{"b":"é"}', '{"c":[1,2]}'];
    for (const compression of ["none", "gzip"] as const) {
      const key = `x/${randomUUID()}${compression === "gzip" ? ".json.gz" : ".json"}`;
      await putRecordLines(c, s3.bucket, key, lines, compression);
      expect(await readRecordsFromObject(c, s3.bucket, key)).toEqual(lines);
      const raw = await getObjectBody(c, s3.bucket, key);
      expect(raw.equals(encodeRecordLines(lines, compression))).toBe(true);
    }
  });

  it("reports a missing object as NOT_FOUND (not retriable)", async () => {
    const err = await expectS3Error(
      getObjectBody(client(), s3.bucket, "no/such/key.json", { endpoint: s3.endpoint }),
    );
    expect([err.code, err.retriable]).toEqual(["NOT_FOUND", false]);
  });

  it("explains a listing of a missing bucket", async () => {
    const iterate = async () => {
      for await (const _ of listAllObjects(client(), "missing-bucket-x", "", { endpoint: s3.endpoint })) {
        // none
      }
    };
    expect((await expectS3Error(iterate())).code).toBe("BUCKET_MISSING");
  });
});
