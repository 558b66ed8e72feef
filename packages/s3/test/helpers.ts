// Shared by the suites that talk to a real S3 server (s3.test.ts, errors.test.ts).
import type { S3Handle } from "@weblog/testkit";
import { expect } from "vitest";
import { createS3Client } from "../src/client";
import { S3SideError } from "../src/errors";

/** A client of `server` that does not retry, so an error reaches the test as S3 answered it. */
export function makeS3Client(server: S3Handle, credentials = server.credentials) {
  return createS3Client({
    endpoint: server.endpoint,
    region: server.region,
    credentials,
    pathStyle: true,
    maxAttempts: 1,
  });
}

/** Awaits `promise`, which must reject with a one-line S3SideError; returns it. */
export async function expectS3Error(promise: Promise<unknown>): Promise<S3SideError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(S3SideError);
    expect((err as Error).message).not.toContain("\n");
    return err as S3SideError;
  }
  throw new Error("expected an S3SideError");
}
