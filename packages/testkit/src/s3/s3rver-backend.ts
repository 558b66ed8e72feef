import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { onProcessExit } from "../cleanup";
import { TestkitError } from "../errors";
import { createBucketIfMissing, makeClient, S3_REGION } from "./client";
import { installS3rverDesShim } from "./des-shim";
import type { S3Handle } from "./types";

const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

function newServer(port: number, directory: string): S3rver {
  return new S3rver({
    address: "127.0.0.1",
    port,
    directory,
    silent: true,
    vhostBuckets: false,
    resetOnClose: false,
  });
}

/** Closes the listener and every open (keep-alive) connection, so clients see the outage at once. */
async function closeServer(server: S3rver): Promise<void> {
  const http = server.httpServer as (Server & { closeAllConnections?: () => void }) | undefined;
  if (!http?.listening) return;
  const closed = server.close();
  http.closeAllConnections?.();
  await closed;
}

async function listenOnSamePort(port: number, directory: string): Promise<S3rver> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const server = newServer(port, directory);
    try {
      await server.run();
      return server;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EADDRINUSE" || Date.now() > deadline) {
        throw new TestkitError(
          "S3_START_FAILED",
          `s3rver could not listen on 127.0.0.1:${port}: ${code ?? err}`,
          {
            cause: err,
          },
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** s3rver 3.7 on 127.0.0.1, a free port and a temporary directory (removed by stop()). */
export async function startS3rver(bucket: string): Promise<S3Handle> {
  installS3rverDesShim();
  const directory = await mkdtemp(join(tmpdir(), "weblog-s3rver-"));
  const forget = onProcessExit(() => rmSync(directory, { recursive: true, force: true }));
  let server = newServer(0, directory);
  let port: number;
  try {
    port = (await server.run()).port;
  } catch (err) {
    await rm(directory, { recursive: true, force: true });
    forget();
    throw new TestkitError("S3_START_FAILED", `s3rver could not start: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const target = { endpoint: `http://127.0.0.1:${port}`, region: S3_REGION, credentials: CREDENTIALS };
  let state: "running" | "paused" | "stopped" = "running";
  const admin = makeClient(target);
  await createBucketIfMissing(admin, bucket);

  return {
    ...target,
    bucket,
    backend: "s3rver",
    directory,
    client: () => makeClient(target),
    createBucket: (name) => createBucketIfMissing(admin, name),
    async pause() {
      if (state !== "running") return;
      state = "paused";
      await closeServer(server);
    },
    async resume() {
      if (state === "stopped") throw new TestkitError("UNSUPPORTED", "startS3: resume() after stop()");
      if (state !== "paused") return;
      server = await listenOnSamePort(port, directory);
      state = "running";
    },
    async stop() {
      if (state === "stopped") return;
      const wasRunning = state === "running";
      state = "stopped";
      admin.destroy();
      if (wasRunning) await closeServer(server);
      await rm(directory, { recursive: true, force: true });
      forget();
    },
  };
}
