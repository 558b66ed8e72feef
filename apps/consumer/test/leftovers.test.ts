/**
 * leftovers.ts: which incomplete uploads a partition's new owner aborts (pure: only keys of its topic-partition, by
 * the contract's key parser), the listing + abort against a real S3 server (the shared stack's, or startS3), and the
 * cleaner's policy on failures (a final S3 error is a warning, a lost fence propagates).
 */
import {
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { DEFAULT_KEY_LAYOUT, formatObjectKey, type KeyLayout } from "@weblog/sink-contract";
import { type S3Handle, startS3, uniqueName } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SinkError } from "../src/sink/errors";
import {
  abortPartitionLeftovers,
  createLeftoverCleaner,
  type ListedUpload,
  uploadsOfPartition,
} from "../src/sink/leftovers";
import type { Attempt } from "../src/sink/multipart";

const keyOf = (topic: string, partition: number, offset: number, dir = `partition=${partition}`) =>
  formatObjectKey({
    topic,
    encodedPartition: dir,
    kafkaPartition: partition,
    startOffset: BigInt(offset),
    compression: "none",
  });
const up = (key: string, uploadId = `id-${key}`): ListedUpload => ({ key, uploadId });

describe("uploadsOfPartition (pure)", () => {
  it("picks exactly the uploads whose key is of the topic-partition, in any encoded-partition directory", () => {
    const listed = [
      up(keyOf("weblogs", 1, 0)),
      up(keyOf("weblogs", 1, 120), "a"),
      up(keyOf("weblogs", 1, 120), "b"), // two uploads of one key: both are leftovers
      up(keyOf("weblogs", 1, 40, "year=2026/month=11/day=25/hour=06")),
      up(keyOf("weblogs", 11, 0)), // partition 11 is not partition 1
      up(keyOf("weblogs", 2, 0)),
      up(keyOf("weblogs2", 1, 0)), // another topic whose name starts with ours
      up("topics/weblogs/partition=1/notes.txt"), // not a sink key
      up("elsewhere/weblogs+1+0000000000.json"), // outside topics.dir
    ];
    expect(uploadsOfPartition(listed, "weblogs", 1)).toEqual([listed[0], listed[1], listed[2], listed[3]]);
    expect(uploadsOfPartition(listed, "weblogs", 11)).toEqual([listed[4]]);
    expect(uploadsOfPartition(listed, "weblogs", 3)).toEqual([]);
    expect(uploadsOfPartition([], "weblogs", 1)).toEqual([]);
  });

  it("reads keys with the sink's layout (topics.dir, delimiters)", () => {
    const layout: KeyLayout = { topicsDir: "raw", directoryDelim: "/", fileDelim: "#", offsetPadWidth: 5 };
    const k = (p: number) =>
      formatObjectKey(
        {
          topic: "t",
          encodedPartition: `partition=${p}`,
          kafkaPartition: p,
          startOffset: 7n,
          compression: "gzip",
        },
        layout,
      );
    const listed = [up(k(0)), up(k(1)), up(keyOf("t", 0, 7))];
    expect(uploadsOfPartition(listed, "t", 0, layout)).toEqual([listed[0]]);
    expect(uploadsOfPartition(listed, "t", 0, DEFAULT_KEY_LAYOUT)).toEqual([listed[2]]);
  });
});

describe("abortPartitionLeftovers against real S3", () => {
  let s3: S3Handle;
  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(async () => {
    await s3?.stop();
  });
  const seen: string[] = [];
  const plain: Attempt = async (what, send) => {
    seen.push(what.split(" ")[0] as string);
    return send({});
  };
  const target = () => ({ client: s3.client(), bucket: s3.bucket, layout: DEFAULT_KEY_LAYOUT });
  const create = async (key: string) => {
    const client = s3.client();
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key }));
    await client.send(
      new UploadPartCommand({
        Bucket: s3.bucket,
        Key: key,
        UploadId,
        PartNumber: 1,
        Body: Buffer.alloc(1024, 1),
      }),
    );
  };
  const uploads = async (topic: string) =>
    (
      (
        await s3
          .client()
          .send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: `topics/${topic}/` }))
      ).Uploads ?? []
    )
      .map((u) => u.Key)
      .sort();

  it("aborts the partition's uploads only; other partitions' and other topics' stay", async () => {
    const topic = uniqueName("lo");
    const other = `${topic}x`;
    const keys = [keyOf(topic, 0, 0), keyOf(topic, 0, 500), keyOf(topic, 1, 0), keyOf(other, 0, 0)];
    for (const k of keys) await create(k);
    seen.length = 0;
    expect(await abortPartitionLeftovers(target(), topic, 0, plain)).toBe(2);
    expect(seen).toEqual(["ListMultipartUploads", "AbortMultipartUpload", "AbortMultipartUpload"]);
    expect(await uploads(topic)).toEqual([keys[2]]);
    expect(await uploads(other)).toEqual([keys[3]]);
    expect(await abortPartitionLeftovers(target(), topic, 0, plain)).toBe(0);
    expect(await abortPartitionLeftovers(target(), topic, 1, plain)).toBe(1);
    expect(await abortPartitionLeftovers(target(), other, 0, plain)).toBe(1);
    expect(await uploads(topic)).toEqual([]);
    expect(await uploads(other)).toEqual([]);
  });

  it("every request goes through attempt: a lost fence before the abort leaves the upload and propagates", async () => {
    const topic = uniqueName("lo");
    await create(keyOf(topic, 2, 0));
    const fenced = new SinkError("FENCED", "partition no longer owned");
    const fencedAtAbort: Attempt = async (what, send) => {
      if (what.startsWith("AbortMultipartUpload")) throw fenced;
      return send({});
    };
    await expect(abortPartitionLeftovers(target(), topic, 2, fencedAtAbort)).rejects.toBe(fenced);
    expect(await uploads(topic)).toEqual([keyOf(topic, 2, 0)]);
    expect(await abortPartitionLeftovers(target(), topic, 2, plain)).toBe(1);
  });
});

describe("createLeftoverCleaner (policy)", () => {
  const logs: { level: string; obj: unknown; msg: string }[] = [];
  const logger = {
    info: (obj: unknown, msg: string) => logs.push({ level: "info", obj, msg }),
    warn: (obj: unknown, msg: string) => logs.push({ level: "warn", obj, msg }),
  } as unknown as Parameters<typeof createLeftoverCleaner>[0]["logger"];
  const control = { check: () => {}, onRetry: () => {} };

  it("logs and counts what was aborted per partition; nothing when there was nothing", async () => {
    logs.length = 0;
    const counted: number[] = [];
    const clean = createLeftoverCleaner({
      abort: async (_t, p) => (p === 3 ? 2 : 0),
      logger,
      onAborted: (n) => counted.push(n),
    });
    expect(await clean("t", 3, control)).toBe(2);
    expect(await clean("t", 4, control)).toBe(0);
    expect(counted).toEqual([2]);
    expect(logs).toEqual([
      {
        level: "info",
        obj: { topic: "t", partition: 3, aborted: 2 },
        msg: "aborted incomplete multipart uploads left by a crash or a previous owner",
      },
    ]);
  });

  it("a final S3 error (no permission to list) is one warning, not a crash; a lost fence propagates", async () => {
    logs.length = 0;
    const denied = new SinkError("S3_FATAL", "ListMultipartUploads: AccessDenied");
    const clean = createLeftoverCleaner({
      abort: async () => {
        throw denied;
      },
      logger,
    });
    expect(await clean("t", 0, control)).toBe(0);
    expect(logs.map((l) => [l.level, l.msg])).toEqual([
      ["warn", "could not clean up incomplete multipart uploads; trying again at the next assignment"],
    ]);
    const fenced = new SinkError("FENCED", "partition no longer owned");
    const cleanFenced = createLeftoverCleaner({
      abort: async () => {
        throw fenced;
      },
      logger,
    });
    await expect(cleanFenced("t", 0, control)).rejects.toBe(fenced);
  });
});
