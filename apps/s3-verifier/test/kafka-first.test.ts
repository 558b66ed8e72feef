/**
 * The verifier talks to Kafka before it reads the bucket: a broker that accepts connections and never answers
 * fails the run with the one-line Kafka error, and no object is listed or read first.
 */
import { createServer, type Server, type Socket } from "node:net";
import { runCli, type S3Handle, startS3, uniqueName } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanObjects, putAll, s3Env, VERIFIER } from "./fixtures";
import { type S3Proxy, startS3Proxy } from "./s3-proxy";

let s3: S3Handle;
let proxy: S3Proxy;
let silent: Server;
const sockets = new Set<Socket>();
const connections: number[] = [];

beforeAll(async () => {
  s3 = await startS3();
  proxy = await startS3Proxy(s3.endpoint);
  // Accepts, reads, never answers: a hung broker (or something else listening on its port).
  silent = createServer((socket) => {
    connections.push(Date.now());
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => (silent ? silent.close(() => r()) : r()));
  await proxy?.stop();
  await s3?.stop();
});

describe("s3-verifier contacts Kafka before reading the bucket", () => {
  it("a broker that never answers: one line naming it, exit 2, and no object listed or read", async () => {
    const bucket = uniqueName("vfirst");
    await s3.createBucket(bucket);
    await putAll(s3.client(), bucket, cleanObjects("weblogs", 2, 200, 10));
    const port = (silent.address() as { port: number }).port;
    const r = await runCli(
      VERIFIER,
      ["--bucket", bucket, "--endpoint", proxy.endpoint, "--brokers", `127.0.0.1:${port}`, "--group", "g"],
      { env: s3Env(s3), timeoutMs: 60_000 },
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        new RegExp(`^s3-verifier: Kafka broker unreachable at 127\\.0\\.0\\.1:${port}\\b`),
      ),
    ]);
    expect(connections.length).toBeGreaterThan(0); // it did try Kafka
    const reads = proxy.requests.filter((q) => q.kind !== "other" && q.url.startsWith(`/${bucket}`));
    expect(reads).toEqual([]); // ...and read nothing of the bucket before failing
  });
});
