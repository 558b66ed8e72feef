import { GenericContainer, getContainerRuntimeClient, type StartedTestContainer, Wait } from "testcontainers";
import { TestkitError } from "../errors";
import { freePort } from "../ports";
import { createBucketIfMissing, makeClient, S3_REGION } from "./client";
import type { S3Handle } from "./types";

/** Pinned MinIO server release. */
export const MINIO_IMAGE = "minio/minio:RELEASE.2025-09-07T16-13-09Z";
const CREDENTIALS = { accessKeyId: "minioadmin", secretAccessKey: "minioadmin" };

async function waitLive(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${endpoint}/minio/health/live`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      throw new TestkitError(
        "CONTAINER_START_FAILED",
        `MinIO at ${endpoint} not live within ${timeoutMs} ms`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * MinIO via testcontainers on a fixed free host port, so pause()/resume() (docker stop/start of the same
 * container) keep the endpoint and the data in the container's /data.
 */
export async function startMinio(bucket: string): Promise<S3Handle> {
  const runtime = await getContainerRuntimeClient();
  // "localhost" can resolve to ::1 first on Node 20; the published port is surely on 127.0.0.1
  const runtimeHost = runtime.info.containerRuntime.host;
  const host = runtimeHost === "localhost" ? "127.0.0.1" : runtimeHost;
  const hostPort = await freePort();
  let container: StartedTestContainer;
  try {
    container = await new GenericContainer(MINIO_IMAGE)
      .withCommand(["server", "/data"])
      .withEnvironment({
        MINIO_ROOT_USER: CREDENTIALS.accessKeyId,
        MINIO_ROOT_PASSWORD: CREDENTIALS.secretAccessKey,
      })
      .withExposedPorts({ container: 9000, host: hostPort })
      .withWaitStrategy(Wait.forHttp("/minio/health/live", 9000))
      .withStartupTimeout(120_000)
      .start();
  } catch (err) {
    throw new TestkitError(
      "CONTAINER_START_FAILED",
      `could not start ${MINIO_IMAGE} on host port ${hostPort}: ${(err as Error).message?.split("\n")[0]}`,
      { cause: err },
    );
  }
  const target = { endpoint: `http://${host}:${hostPort}`, region: S3_REGION, credentials: CREDENTIALS };
  const admin = makeClient(target);
  await createBucketIfMissing(admin, bucket);
  const docker = runtime.container.getById(container.getId());
  let state: "running" | "paused" | "stopped" = "running";

  return {
    ...target,
    bucket,
    backend: "testcontainers",
    server: `${MINIO_IMAGE} (container)`,
    client: () => makeClient(target),
    createBucket: (name) => createBucketIfMissing(admin, name),
    async pause() {
      if (state !== "running") return;
      state = "paused";
      await runtime.container.stop(docker, { timeout: 5 });
    },
    async resume() {
      if (state === "stopped") throw new TestkitError("UNSUPPORTED", "startS3: resume() after stop()");
      if (state !== "paused") return;
      await runtime.container.start(docker);
      await waitLive(target.endpoint, 30_000);
      state = "running";
    },
    async stop() {
      if (state === "stopped") return;
      state = "stopped";
      admin.destroy();
      await container.stop();
    },
  };
}
