import { dockerAvailable } from "../docker";
import { TestkitError } from "../errors";
import { uniqueName } from "../names";
import type { S3Handle } from "./types";

export type StartS3Options = {
  /** Bucket to create (default: a fresh unique `wl-xxxxxxxx`). */
  bucket?: string;
  /**
   * A server of this test's own, never the shared one from `S3_ENDPOINT`: for tests that pause it (an S3 outage)
   * or add latency.
   */
  dedicated?: boolean;
  /**
   * Which server: "moto" always starts a moto server of this test's own (for what only moto stores: SSE-KMS key
   * ids, SSE-C, tags, ACL grants); "s3proxy" always starts S3Proxy. Default: the selection below.
   */
  server?: "moto" | "s3proxy";
};

/** `TESTKIT_S3`: "moto" makes moto the default server, "s3proxy" S3Proxy (over Docker's MinIO); unset: below. */
export function s3ServerFromEnv(): "moto" | "s3proxy" | undefined {
  const v = process.env.TESTKIT_S3?.trim().toLowerCase();
  if (!v) return undefined;
  if (v === "moto" || v === "s3proxy") return v;
  throw new TestkitError("INVALID_OPTION", `TESTKIT_S3="${v}": use moto or s3proxy (or leave it unset)`);
}

function envCredentials() {
  const env = process.env;
  if (env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY) {
    return { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY };
  }
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
  }
  return { accessKeyId: "minioadmin", secretAccessKey: "minioadmin" };
}

/**
 * An S3 for tests, first match wins:
 * 0. `server` is given: that server, started here for this test (a fresh one, whatever S3_ENDPOINT says);
 * 1. `S3_ENDPOINT` is set (and `dedicated` is not): that endpoint ("env"; credentials from S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY, else
 *    AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else minioadmin/minioadmin);
 * 2. `TESTKIT_S3=moto`: moto's server, started here on 127.0.0.1 ("moto"; installed by `bash scripts/setup.sh`);
 * 3. a Docker engine answers (and `TESTKIT_S3` is not "s3proxy"): MinIO via testcontainers;
 * 4. else S3Proxy, started here on 127.0.0.1 with a temporary directory ("local"; installed by
 *    `bash scripts/setup.sh`, see ./install.ts). It never skips: a missing install is an error naming the fix.
 * The returned bucket exists and is fresh unless `bucket` names an existing one.
 */
export async function startS3(options: StartS3Options = {}): Promise<S3Handle> {
  const bucket = options.bucket ?? uniqueName("wl");
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new TestkitError("INVALID_OPTION", `startS3: bucket "${bucket}" is not a valid S3 bucket name`);
  }
  if (options.server) {
    const { startLocalS3 } = await import("./local-backend");
    return startLocalS3(bucket, options.server);
  }
  // backends load on demand, so a Kafka-only test never pays for the S3 SDK, S3Proxy or testcontainers
  const endpoint = options.dedicated ? undefined : process.env.S3_ENDPOINT?.trim();
  if (endpoint) {
    const { S3_REGION, createBucketIfMissing, makeClient } = await import("./client");
    const target = {
      endpoint,
      region: process.env.S3_REGION || process.env.AWS_REGION || S3_REGION,
      credentials: envCredentials(),
    };
    const admin = makeClient(target);
    await createBucketIfMissing(admin, bucket);
    const unsupported = async () => {
      throw new TestkitError(
        "UNSUPPORTED",
        "pause()/resume() need the local or Docker backend (S3_ENDPOINT is set)",
      );
    };
    return {
      ...target,
      bucket,
      backend: "env",
      server: "the S3 that S3_ENDPOINT names",
      client: () => makeClient(target),
      createBucket: (name) => createBucketIfMissing(admin, name),
      pause: unsupported,
      resume: unsupported,
      stop: async () => {
        admin.destroy();
      },
    };
  }
  const fromEnv = s3ServerFromEnv();
  if (fromEnv === "moto") {
    const { startLocalS3 } = await import("./local-backend");
    return startLocalS3(bucket, "moto");
  }
  if (fromEnv !== "s3proxy" && (await dockerAvailable())) {
    const { startMinio } = await import("./minio-container");
    return startMinio(bucket);
  }
  const { startLocalS3 } = await import("./local-backend");
  return startLocalS3(bucket);
}
