import { TestkitError } from "../errors";
import { createBucketIfMissing, makeClient } from "./client";
import { S3PROXY_VERSION } from "./install";
import { type LocalS3Server, startLocalS3Server } from "./local-server";
import { MOTO_VERSION } from "./moto-install";
import { startTcpProxy } from "./tcp-proxy";
import type { S3Handle } from "./types";

/** The local S3 servers the testkit starts itself. */
export type LocalS3Kind = "s3proxy" | "moto";

/**
 * The "local" backend (S3Proxy) or "moto": a server started by the testkit, behind a TCP proxy in this process
 * whose address is the endpoint, so pause() refuses connections while the server and its data stay up.
 */
export async function startLocalS3(bucket: string, kind: LocalS3Kind = "s3proxy"): Promise<S3Handle> {
  let server: LocalS3Server;
  if (kind === "moto") {
    const { startMotoServer } = await import("./moto-server");
    server = await startMotoServer();
  } else server = await startLocalS3Server();
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  try {
    proxy = await startTcpProxy({ target: { host: "127.0.0.1", port: server.port } });
  } catch (err) {
    await server.stop();
    throw err;
  }
  const target = { ...server, endpoint: `http://127.0.0.1:${proxy.port}` };
  const admin = makeClient(target);
  let state: "running" | "paused" | "stopped" = "running";
  const stop = async () => {
    if (state === "stopped") return;
    state = "stopped";
    admin.destroy();
    await proxy.close();
    await server.stop();
  };
  try {
    await createBucketIfMissing(admin, bucket);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    endpoint: target.endpoint,
    region: target.region,
    credentials: target.credentials,
    bucket,
    backend: kind === "moto" ? "moto" : "local",
    server:
      kind === "moto"
        ? `moto ${MOTO_VERSION} (local Python server, in memory)`
        : `S3Proxy ${S3PROXY_VERSION} (local JVM, filesystem store)`,
    client: () => makeClient(target),
    createBucket: (name) => createBucketIfMissing(admin, name),
    async pause() {
      if (state !== "running") return;
      state = "paused";
      await proxy.pause();
    },
    async resume() {
      if (state === "stopped") throw new TestkitError("UNSUPPORTED", "startS3: resume() after stop()");
      if (state !== "paused") return;
      await proxy.resume();
      state = "running";
    },
    setLatency: (ms) => proxy.setDelay(ms),
    stop,
  };
}
