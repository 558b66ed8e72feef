import type { S3Client } from "@aws-sdk/client-s3";

/** "local": S3Proxy started here; "moto": moto's server started here (`TESTKIT_S3=moto` or `server: "moto"`). */
export type S3Backend = "env" | "testcontainers" | "local" | "moto";

export type S3Handle = {
  /** e.g. http://127.0.0.1:PORT (path-style). */
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** A bucket created for this handle (unique name unless one was asked for). */
  bucket: string;
  backend: S3Backend;
  /** What runs there, for humans: "S3Proxy 4.1.0 (local JVM)". */
  server: string;
  /** A real S3Client for this endpoint (forcePathStyle, no retries beyond the SDK default). */
  client(): S3Client;
  createBucket(name: string): Promise<void>;
  /** Takes the server down: connections refused; port and data kept. Not available for "env". */
  pause(): Promise<void>;
  /** Brings it back on the same endpoint with the same data. */
  resume(): Promise<void>;
  /** "local" and "moto" only: adds a fixed delay (ms) to every request the client sends; 0 removes it. */
  setLatency?(ms: number): void;
  /** Stops the server and deletes its data (a no-op for "env"). Safe to call twice. */
  stop(): Promise<void>;
};
