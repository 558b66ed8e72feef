/**
 * A connector file's key that an environment variable overrides is said at start-up, one line per key (root README
 * "Defaults": flag > env > file). A real sink start: the file names another bucket and an endpoint with a password
 * in it, the shell (as after `eval "$(pnpm -s stack up)"`) sets S3_BUCKET and S3_ENDPOINT; the sink writes where the
 * env says, says so for each key, and never prints the password.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KafkaHandle, type S3Handle, startKafka, startS3, uniqueName, waitFor } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { produce, readObjects, startSink, webLogLines } from "./helpers";

describe("consumer --sink --config with env overrides (real broker and S3)", () => {
  let kafka: KafkaHandle;
  let s3: S3Handle;
  beforeAll(async () => {
    [kafka, s3] = await Promise.all([startKafka(), startS3({ bucket: uniqueName("env-bucket") })]);
  });
  afterAll(async () => {
    await Promise.allSettled([kafka?.stop(), s3?.stop()]);
  });

  it("logs 'key: <file value> in <file>, overridden by VAR=<value>' per key, redacted, and writes where env says", async () => {
    const topic = uniqueName("env-over");
    const lines = webLogLines(10);
    await produce(
      kafka.bootstrap,
      topic,
      lines.map((value, i) => ({ partition: i % 2, value })),
    );
    const file = join(tmpdir(), `${uniqueName("my")}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        name: "my-sink",
        config: {
          "connector.class": "io.confluent.connect.s3.S3SinkConnector",
          topics: topic,
          "s3.bucket.name": "my-bucket",
          "store.url": "http://user:hunter2-in-url@minio.example:9000",
          "flush.size": "5",
          "s3.region": s3.region,
        },
      }),
    );
    // sinkEnv sets S3_BUCKET, S3_ENDPOINT and S3_REGION (the region equals the file's: no line for it).
    const sink = startSink(kafka, s3, ["--config", file, "--from-beginning"]);
    try {
      await sink.waitForOutput(/"msg":"sink running"/, 60_000);
      const notes = sink
        .stderr()
        .split("\n")
        .filter((l) => l.includes("overridden by"))
        .map((l) => (JSON.parse(l) as { msg: string }).msg);
      expect(notes.sort()).toEqual(
        [
          `s3.bucket.name: my-bucket in ${file}, overridden by S3_BUCKET=${s3.bucket}`,
          `store.url: http://user:***@minio.example:9000 in ${file}, overridden by S3_ENDPOINT=${s3.endpoint}`,
        ].sort(),
      );
      expect(sink.stderr()).not.toContain("hunter2");
      // The env won: both objects (flush.size 5 from the file, 5 records per partition) are in the env's bucket.
      await waitFor(
        "two objects in the env's bucket",
        async () => ((await readObjects(s3.client(), s3.bucket, topic)).length === 2 ? true : undefined),
        60_000,
      );
    } finally {
      sink.kill("SIGTERM");
      const res = await sink.waitForExit(30_000);
      expect(res.code).toBe(0);
    }
  });
});
