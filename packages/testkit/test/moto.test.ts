import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  GetObjectAclCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type S3Handle, startMotoServer, startS3 } from "../src/index";
import { pollUntil } from "../src/local/wait";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const SSEC_KEY = Buffer.alloc(32, 7);
const SSEC = {
  SSECustomerAlgorithm: "AES256",
  SSECustomerKey: SSEC_KEY.toString("base64"),
  SSECustomerKeyMD5: createHash("md5").update(SSEC_KEY).digest("base64"),
};

/**
 * What each local server really stores of the request parameters the sink sends for Confluent's s3.ssea.name,
 * s3.sse.kms.key.id, s3.sse.customer.key, s3.acl.canned and s3.object.tagging (the table in the README).
 */
describe.each(["moto", "s3proxy"] as const)("what %s stores of SSE, tags and canned ACLs", (server) => {
  let s3: S3Handle;
  let client: S3Client;
  beforeAll(async () => {
    s3 = await startS3({ server });
    client = s3.client();
  });
  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
  });
  const put = (Key: string, extra: Partial<ConstructorParameters<typeof PutObjectCommand>[0]>) =>
    client.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body: "x", ...extra }));

  it("SSE-S3 and SSE-KMS with a key id: moto shows them on HeadObject, S3Proxy refuses them (NotImplemented)", async () => {
    const kms = {
      ServerSideEncryption: "aws:kms",
      SSEKMSKeyId: "arn:aws:kms:us-east-1:111122223333:key/k1",
    } as const;
    if (server === "s3proxy") {
      await expect(put("kms", kms)).rejects.toMatchObject({ name: "NotImplemented" });
      await expect(put("aes", { ServerSideEncryption: "AES256" })).rejects.toMatchObject({
        name: "NotImplemented",
      });
      return;
    }
    await put("kms", kms);
    await put("aes", { ServerSideEncryption: "AES256" });
    const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: "kms" }));
    expect([head.ServerSideEncryption, head.SSEKMSKeyId]).toEqual(["aws:kms", kms.SSEKMSKeyId]);
    const aes = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: "aes" }));
    expect(aes.ServerSideEncryption).toBe("AES256");
  });

  it("SSE-C: moto accepts the headers and stores nothing (a GET without the key works), S3Proxy refuses them", async () => {
    if (server === "s3proxy") {
      await expect(put("c", SSEC)).rejects.toMatchObject({ name: "NotImplemented" });
      return;
    }
    await put("c", SSEC);
    const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "c" }));
    expect(got.SSECustomerAlgorithm).toBeUndefined(); // real S3 would answer 400 without the key
    expect(await got.Body?.transformToString()).toBe("x");
  });

  it("object tags: moto returns them from GetObjectTagging, S3Proxy refuses the x-amz-tagging header", async () => {
    if (server === "s3proxy") {
      await expect(put("t", { Tagging: "a=1" })).rejects.toMatchObject({ name: "NotImplemented" });
      return;
    }
    await put("t", { Tagging: "a=1&b=two" });
    const tags = await client.send(new GetObjectTaggingCommand({ Bucket: s3.bucket, Key: "t" }));
    expect(tags.TagSet).toEqual([
      { Key: "a", Value: "1" },
      { Key: "b", Value: "two" },
    ]);
  });

  it("a canned ACL: both store its grants (public-read adds AllUsers READ)", async () => {
    await put("p", { ACL: "public-read" });
    const acl = await client.send(new GetObjectAclCommand({ Bucket: s3.bucket, Key: "p" }));
    expect(acl.Grants?.map((g) => `${g.Grantee?.URI ?? g.Grantee?.Type}:${g.Permission}`).sort()).toEqual([
      "CanonicalUser:FULL_CONTROL",
      "http://acs.amazonaws.com/groups/global/AllUsers:READ",
    ]);
  });
});

describe("moto's server under the testkit", () => {
  it("startS3({ server: 'moto' }) is a moto of its own with pause/resume", async () => {
    const s3 = await startS3({ server: "moto" });
    const client = s3.client();
    try {
      expect(s3.backend).toBe("moto");
      expect(s3.server).toMatch(/^moto 5\.2\.6/);
      await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: "k", Body: "v" }));
      await s3.pause();
      await expect(
        client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "k" }), {
          abortSignal: AbortSignal.timeout(5000),
        }),
      ).rejects.toThrow();
      await s3.resume();
      const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "k" }));
      expect(await got.Body?.transformToString()).toBe("v");
    } finally {
      client.destroy();
      await s3.stop();
    }
  });

  it("a missing install says to run scripts/setup.sh", async () => {
    const empty = mkdtempSync(join(tmpdir(), "weblog-cache-"));
    const saved = process.env.WEBLOG_CACHE_DIR;
    process.env.WEBLOG_CACHE_DIR = empty;
    try {
      await expect(startMotoServer()).rejects.toThrow(
        /moto 5\.2\.6\) is not installed in .*: run `bash scripts\/setup\.sh`/,
      );
    } finally {
      if (saved === undefined) delete process.env.WEBLOG_CACHE_DIR;
      else process.env.WEBLOG_CACHE_DIR = saved;
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("leaves no moto and no temp dir behind when its parent is SIGKILLed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "weblog-orphan-"));
    const script = join(dir, "start.mjs");
    const entry = join(__dirname, "..", "dist", "index.js");
    writeFileSync(
      script,
      `import { startMotoServer } from ${JSON.stringify(entry)};
const m = await startMotoServer();
const { execSync } = await import("node:child_process");
const py = execSync("pgrep -g " + m.pid + " -f moto.server").toString().trim().split("\\n").map(Number).filter((p) => p !== m.pid);
process.stdout.write(JSON.stringify({ py: py[0], dataDir: m.dataDir }) + "\\n");
setInterval(() => {}, 1000);
`,
    );
    const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (c: string) => {
      out += c;
    });
    try {
      const started = await pollUntil(async () => (out.includes("\n") ? out : undefined), {
        timeoutMs: 60_000,
        failed: () => (child.exitCode !== null ? `starter exited ${child.exitCode}` : undefined),
      });
      expect(started).toHaveProperty("value");
      const { py, dataDir } = JSON.parse(out) as { py: number; dataDir: string };
      expect(alive(py)).toBe(true);
      expect(existsSync(dataDir)).toBe(true);
      child.kill("SIGKILL");
      const gone = await pollUntil(async () => (alive(py) || existsSync(dataDir) ? undefined : true), {
        timeoutMs: 20_000,
      });
      expect(gone).toEqual({ value: true });
    } finally {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
