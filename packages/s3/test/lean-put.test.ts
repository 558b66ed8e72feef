import { randomUUID } from "node:crypto";
import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { exitCodeOf } from "@weblog/cli";
import { encodeRecordLines } from "@weblog/sink-contract";
import { type S3Handle, startS3, startS3Gateway } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Client } from "../src/client";
import { createObjectPut } from "../src/lean-put";
import { putObjectBody } from "../src/objects";
import { expectS3Error, makeS3Client } from "./helpers";

let s3: S3Handle;

beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.stop();
});

/** A client that counts the PutObjects that went through the SDK's middleware stack (the lean path skips it). */
function countingClient(credentials = s3.credentials): { client: S3Client; sdkPuts: () => number } {
  const client = makeS3Client(s3, credentials);
  let n = 0;
  client.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === "PutObjectCommand") n += 1;
      return next(args);
    },
    { step: "initialize", name: "countSdkPuts" },
  );
  return { client, sdkPuts: () => n };
}

async function stored(client: S3Client, key: string) {
  const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
  const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
  const body = Buffer.from((await got.Body?.transformToByteArray()) ?? []);
  return { body, contentType: head.ContentType, metadata: head.Metadata, length: head.ContentLength };
}

describe("createObjectPut against a real S3 server", () => {
  it("stores what the SDK's PutObject stores (body, content type, metadata) without the SDK's stack", async () => {
    const { client, sdkPuts } = countingClient();
    const put = createObjectPut(client, s3.bucket);
    const lines = ['{"a":1}', '{"b":"é ü 日本"}'];
    const body = encodeRecordLines(lines, "none");
    const metadata = { "weblog-cut-reason": "flush.size", "weblog-records": "2" };
    const dir = `topics/t-${randomUUID().slice(0, 8)}`;
    // the sink's layouts: '+' and '=' in keys, the time partitioner's quotes, a space and non-ASCII
    const keys = [
      `${dir}/partition=3/t+3+0000000120.json`,
      `${dir}/'year'=2026/'month'=12/t+0+0000000000.json`,
      `${dir}/a b(1)*!/é+日本+0000000007.json`,
    ];
    for (const key of keys) {
      await put(key, body, "none", { metadata, contentType: "application/json", endpoint: s3.endpoint });
      await putObjectBody(client, s3.bucket, `${key}.sdk`, body, "none", {
        metadata,
        contentType: "application/json",
      });
    }
    expect(sdkPuts()).toBe(keys.length); // only the reference PUTs went through the SDK
    for (const key of keys) {
      const lean = await stored(client, key);
      const sdk = await stored(client, `${key}.sdk`);
      expect(lean.body.equals(body)).toBe(true);
      expect(lean).toEqual(sdk);
      expect(lean.metadata).toEqual(metadata);
    }
  });

  it("a failure goes through the SDK's PUT, so it is explained as before (missing bucket, wrong credentials)", async () => {
    const { client, sdkPuts } = countingClient();
    const missing = createObjectPut(client, "no-such-bucket-here");
    const err = await expectS3Error(
      missing("k/x.json", Buffer.from("{}\n"), "none", { endpoint: s3.endpoint }),
    );
    expect(err.code).toBe("BUCKET_MISSING");
    expect(exitCodeOf(err)).toBe(2);
    expect(sdkPuts()).toBe(1);

    const secret = `sekrit-${randomUUID()}`;
    const wrong = countingClient({ accessKeyId: "WRONGKEY", secretAccessKey: secret });
    const denied = await expectS3Error(
      createObjectPut(wrong.client, s3.bucket)("k/y.json", Buffer.from("{}\n"), "none", {
        endpoint: s3.endpoint,
      }),
    );
    expect(denied.code).toBe("ACCESS_DENIED");
    expect(denied.message).not.toContain(secret);
    expect(wrong.sdkPuts()).toBe(1);
  });

  it("an aborted PUT rejects with the abort and is not sent again through the SDK", async () => {
    const { client, sdkPuts } = countingClient();
    const put = createObjectPut(client, s3.bucket);
    await put("k/warm.json", Buffer.from("{}\n"), "none", {}); // the endpoint and signer are resolved
    const ac = new AbortController();
    ac.abort(new Error("fenced"));
    const key = `k/aborted-${randomUUID().slice(0, 8)}.json`;
    await expect(put(key, Buffer.from("{}\n"), "none", { abortSignal: ac.signal })).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(sdkPuts()).toBe(0);
    await expect(stored(client, key)).rejects.toMatchObject({ name: "NotFound" });
  });

  it("signs with the client's clock offset: once the SDK corrected a skewed clock, lean PUTs succeed again", async () => {
    const { client, sdkPuts } = countingClient();
    const put = createObjectPut(client, s3.bucket);
    await put("k/warm-skew.json", Buffer.from("{}\n"), "none", {});
    client.config.systemClockOffset = -60 * 60 * 1000; // an hour behind: S3 refuses the signature's date
    // the lean PUT is refused, the SDK's PUT is refused too and corrects the client's offset from S3's answer
    await put("k/skewed.json", Buffer.from("{}\n"), "none", {}).catch(() => undefined);
    expect(sdkPuts()).toBe(1);
    expect(Math.abs(client.config.systemClockOffset)).toBeLessThan(5 * 60 * 1000);
    const key = `k/after-skew-${randomUUID().slice(0, 8)}.json`;
    await put(key, Buffer.from("{}\n"), "none", {});
    expect(sdkPuts()).toBe(1); // the lean path, with the corrected offset
    expect((await stored(client, key)).body.toString()).toBe("{}\n");
  });

  it("turns itself off after three 4xx refusals in a row that the SDK's PUT got past (a real gateway refuses them)", async () => {
    let puts = 0;
    // the 1st, 3rd and 5th PUT the gateway sees (the lean attempts of the first three objects) get a 400
    const gateway = await startS3Gateway({
      target: s3.endpoint,
      refuse: (req) =>
        req.method === "PUT" && [0, 2, 4].includes(puts++)
          ? { status: 400, code: "InvalidRequest", message: "this gateway wants the SDK" }
          : null,
    });
    try {
      const client = createS3Client({
        endpoint: gateway.endpoint,
        region: s3.region,
        credentials: s3.credentials,
        pathStyle: true,
        maxAttempts: 1,
      });
      let sdk = 0;
      client.middlewareStack.add(
        (next, context) => (args) => {
          if (context.commandName === "PutObjectCommand") sdk += 1;
          return next(args);
        },
        { step: "initialize", name: "countSdkPuts" },
      );
      const put = createObjectPut(client, s3.bucket);
      for (let i = 0; i < 3; i++) await put(`k/gw-${i}.json`, Buffer.from("{}\n"), "none", {});
      expect(gateway.refused).toBe(3);
      expect(sdk).toBe(3);
      await put("k/gw-3.json", Buffer.from("{}\n"), "none", {});
      expect(sdk).toBe(4); // straight to the SDK: the lean request would have passed the gateway (its 7th PUT)
      expect(puts).toBe(7);
      expect(gateway.refused).toBe(3);
    } finally {
      await gateway.close();
    }
  });

  it("a 4xx that the SDK's PUT gets past once leaves the lean path on", async () => {
    let puts = 0;
    const gateway = await startS3Gateway({
      target: s3.endpoint,
      refuse: (req) =>
        req.method === "PUT" && puts++ === 0
          ? { status: 400, code: "InvalidRequest", message: "once" }
          : null,
    });
    try {
      const client = createS3Client({
        endpoint: gateway.endpoint,
        region: s3.region,
        credentials: s3.credentials,
        pathStyle: true,
        maxAttempts: 1,
      });
      const put = createObjectPut(client, s3.bucket);
      for (let i = 0; i < 4; i++) await put(`k/gw1-${i}.json`, Buffer.from("{}\n"), "none", {});
      expect(puts).toBe(5); // the first object twice (lean refused, then the SDK), then one request each
    } finally {
      await gateway.close();
    }
  });

  it("SSE-C is left to the SDK (its key MD5)", async () => {
    const { client, sdkPuts } = countingClient();
    const put = createObjectPut(client, s3.bucket);
    const key = `k/ssec-${randomUUID().slice(0, 8)}.json`;
    // S3Proxy's filesystem store refuses SSE-C: the answer is the SDK's error, which shows the SDK sent it
    await put(key, Buffer.from("{}\n"), "none", {
      params: { SSECustomerAlgorithm: "AES256", SSECustomerKey: Buffer.alloc(32, 7).toString("base64") },
    }).catch(() => undefined);
    expect(sdkPuts()).toBe(1);
  });
});
