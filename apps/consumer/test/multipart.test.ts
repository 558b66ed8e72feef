/**
 * Big objects on their own (the part cutter's pure tests are in part-stream.test.ts; the leftovers cleanup is tested
 * in leftovers.test.ts): against a real S3 server (the shared stack's, or startS3) the streamed upload: plain, gzip
 * and Parquet bodies of several parts come back byte for byte what the whole-body encoders write; parts in flight
 * together complete in part order; a fence lost with parts in flight, or one part's refused attempt, aborts the
 * upload (no object, no incomplete upload).
 */
import { randomBytes } from "node:crypto";
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
} from "@aws-sdk/client-s3";
import { type BodyEncoding, encodeObjectBody } from "@weblog/object-format";
import { defaultSinkSettings, keyLayoutOf } from "@weblog/sink-contract";
import { type S3Handle, startS3, uniqueName, waitFor } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Attempt, isNoSuchUpload, uploadBody } from "../src/sink/multipart";
import { createObjectWriter, fitsOnePart, type UploadControl } from "../src/sink/object-writer";
import type { FlushSet } from "../src/sink/partition-buffer";

const MiB = 1024 * 1024;
const PART = 5 * MiB;

async function* chunksOf(body: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  for (let at = 0, i = 0; at < body.length; i++) {
    const n = sizes[i % sizes.length] as number;
    yield body.subarray(at, at + n);
    at += n;
  }
}
const pattern = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919) % 251));

describe("multipart helpers (pure)", () => {
  it("JSON bodies are encoded whole only when they surely fit one part, even gzipped", () => {
    expect(fitsOnePart(1000, PART)).toBe(true);
    expect(fitsOnePart(PART, PART)).toBe(false);
    expect(fitsOnePart(PART - 2 * 1024 - Math.ceil(PART / 1024), PART)).toBe(true);
  });

  it("recognises NoSuchUpload wrapped in causes", () => {
    const inner = Object.assign(new Error("gone"), { name: "NoSuchUpload" });
    expect(isNoSuchUpload(new Error("outer", { cause: new Error("mid", { cause: inner }) }))).toBe(true);
    expect(isNoSuchUpload(new Error("other"))).toBe(false);
  });
});

describe("streamed multipart uploads against real S3", () => {
  let s3: S3Handle;
  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(async () => {
    await s3?.stop();
  });

  const uploads = async (prefix: string) =>
    (await s3.client().send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: prefix })))
      .Uploads ?? [];
  const objects = async (prefix: string) =>
    (await s3.client().send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }))).Contents ?? [];
  const getBody = async (key: string) => {
    const got = await s3.client().send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    return Buffer.from(
      await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
  };
  /** Lines that compress little (a random url each), so a few MiB of gzip take a few MiB of lines. */
  const noisyLines = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        ip: `10.0.${i % 250}.${(i * 7) % 250}`,
        timestamp: new Date(1_700_000_000_000 + i * 1000).toISOString(),
        method: "GET",
        url: `/p/${randomBytes(96).toString("base64url")}`,
        status_code: 200,
        user_agent: "curl/8.5.0",
      }),
    );
  const repetitiveLines = (n: number) =>
    Array.from({ length: n }, (_, i) => `{"n":${i % 10},"pad":"${"x".repeat(240)}"}`);
  const setOf = (topic: string, lines: string[]): FlushSet => {
    const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    return {
      topic,
      kafkaPartition: 0,
      files: [{ encodedPartition: "partition=0", startOffset: 0n, lines, bytes }],
      commitOffset: BigInt(lines.length),
      records: lines.length,
      bytes,
      reason: "flush.size",
    };
  };
  const open: UploadControl = { check() {}, onRetry() {} };
  const writerFor = (enc: BodyEncoding, partsInFlight: number, onPartUploaded?: () => void) =>
    createObjectWriter({
      client: s3.client(),
      bucket: s3.bucket,
      compression: enc.format === "json" ? enc.compression : "none",
      parquet: enc.format === "parquet" ? enc.codec : undefined,
      layout: keyLayoutOf(defaultSinkSettings()),
      partSize: PART,
      partsInFlight,
      minBackoffMs: 10,
      maxBackoffMs: 50,
      ...(onPartUploaded ? { onPartUploaded } : {}),
    });

  it.each([
    ["plain", { format: "json", compression: "none" }, 50_000],
    ["gzip", { format: "json", compression: "gzip" }, 70_000],
    ["Parquet (none)", { format: "parquet", codec: "none" }, 50_000],
  ] as const)(
    "%s: a body of several parts is byte for byte the whole-body encoding",
    async (_, enc, n) => {
      const topic = uniqueName("mp");
      const lines = noisyLines(n);
      const whole = await encodeObjectBody(lines, enc);
      expect(whole.length, "the body needs several parts").toBeGreaterThan(PART);
      let stored = 0;
      const writer = writerFor(enc, 3, () => {
        stored += 1;
      });
      const set = setOf(topic, lines);
      const { keys, bytes } = await writer.upload(set, open);
      expect(bytes).toBe(whole.length);
      const key = keys[0] as string;
      expect((await getBody(key)).equals(whole)).toBe(true);
      const head = await s3.client().send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
      const parts = Math.ceil(whole.length / PART);
      expect(head.ETag, "a multipart ETag names its part count").toMatch(new RegExp(`-${parts}"$`));
      expect(head.Metadata).toMatchObject({ "weblog-records": String(n), "weblog-cut-reason": "flush.size" });
      expect(stored).toBe(parts);
      expect(await uploads(`topics/${topic}/`)).toEqual([]);
    },
    120_000,
  );

  it.each([
    // ~6 MiB of lines that gzip far below the part size: not surely one part, so streamed; then one PUT.
    ["gzip", { format: "json", compression: "gzip" }, () => repetitiveLines(24_000)],
    // Parquet is always streamed; a small file is one PUT.
    ["Parquet (snappy)", { format: "parquet", codec: "snappy" }, () => noisyLines(2_000)],
  ] as const)(
    "%s: a streamed body that ends within one part is one PutObject, as before",
    async (_, enc, make) => {
      const topic = uniqueName("mp");
      const lines = make();
      if (enc.format === "json") expect(fitsOnePart(setOf(topic, lines).bytes, PART)).toBe(false);
      const { keys, bytes } = await writerFor(enc, 3).upload(setOf(topic, lines), open);
      const whole = await encodeObjectBody(lines, enc);
      expect(bytes).toBe(whole.length);
      const head = await s3
        .client()
        .send(new HeadObjectCommand({ Bucket: s3.bucket, Key: keys[0] as string }));
      expect(head.ETag, "one PutObject: a plain MD5 ETag").not.toMatch(/-\d+"$/);
      expect((await getBody(keys[0] as string)).equals(whole)).toBe(true);
    },
    60_000,
  );

  it("parts in flight together, finishing out of order, complete in part order", async () => {
    const key = `${uniqueName("mp")}/obj.json`;
    const body = pattern(4 * PART + 1234);
    let inFlight = 0;
    let most = 0;
    const finished: number[] = [];
    const attempt: Attempt = async (what, send) => {
      const part = what.startsWith("UploadPart") ? Number(what.split(" ")[1]) : 0;
      inFlight += 1;
      most = Math.max(most, inFlight);
      try {
        // Part 1 answers only after part 2 did: the Complete must still list the parts by number.
        if (part === 1)
          await waitFor("part 2 stored", async () => (finished.includes(2) ? true : undefined), 30_000);
        const answer = await send({});
        if (part > 0) finished.push(part);
        return answer;
      } finally {
        inFlight -= 1;
      }
    };
    const result = await uploadBody(
      {
        client: s3.client(),
        bucket: s3.bucket,
        key,
        partSize: PART,
        partsInFlight: 3,
        contentType: "application/json",
        metadata: { "weblog-records": "1" },
      },
      () => chunksOf(body, [256 * 1024]),
      attempt,
      async () => {
        throw new Error("a multipart body must not be PUT whole");
      },
    );
    expect(result).toEqual({ multipart: true, parts: 5, bytes: body.length });
    expect(finished.indexOf(2)).toBeLessThan(finished.indexOf(1));
    expect(most).toBe(3);
    expect((await getBody(key)).equals(body)).toBe(true);
  }, 60_000);

  it("a fence lost with parts in flight aborts them and the upload: no object, no incomplete upload", async () => {
    const topic = uniqueName("mp");
    const lines = noisyLines(50_000); // ~14 MiB plain: three parts
    const ac = new AbortController();
    let lost = false;
    let checks = 0;
    const control: UploadControl = {
      check() {
        checks += 1;
        if (lost) throw new Error("fence lost");
      },
      onRetry() {},
      signal: ac.signal,
    };
    // The first stored part loses the fence: the other two are in flight (partsInFlight 3) and get aborted.
    const writer = writerFor({ format: "json", compression: "none" }, 3, () => {
      if (lost) return;
      lost = true;
      ac.abort(new Error("rebalance"));
    });
    await expect(writer.upload(setOf(topic, lines), control)).rejects.toMatchObject({ code: "FENCED" });
    expect(checks).toBe(4); // Create + the three parts; nothing was attempted after the loss
    expect(await objects(`topics/${topic}/`)).toEqual([]);
    expect(await uploads(`topics/${topic}/`)).toEqual([]);
  }, 60_000);

  it("one part's failure stops the others (the shared stop) and aborts the upload, whatever fails", async () => {
    const topic = uniqueName("mp");
    const fenced = new Error("partition given up");
    let checks = 0;
    const control: UploadControl = {
      check() {
        checks += 1;
        if (checks === 3) throw fenced; // Create, part 1 in flight, then part 2's attempt is refused
      },
      onRetry() {},
    };
    const writer = writerFor({ format: "json", compression: "none" }, 3);
    await expect(writer.upload(setOf(topic, noisyLines(50_000)), control)).rejects.toBe(fenced);
    expect(await objects(`topics/${topic}/`)).toEqual([]);
    expect(await uploads(`topics/${topic}/`)).toEqual([]);
  }, 60_000);
});
