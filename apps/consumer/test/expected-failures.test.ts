/**
 * An expected failure is one line on stderr and exit 2, at any log level (root README): no kafkajs warning before
 * it, no start-up chatter, never a stack. At debug level the debug lines are asked for, so there the claim is: no
 * stack, no warning, and the last line is the one-line error.
 */

import { fileURLToPath } from "node:url";
import { type KafkaHandle, runCli, type S3Handle, startKafka, startS3, uniqueName } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAIN, sinkEnv } from "./helpers";

const CONNECTOR_JSON = fileURLToPath(new URL("../../../infra/connect/s3-sink.json", import.meta.url));
const STACK = /\n\s+at |"stack"/;
/** Lines at warn level or above (JSON logs: level >= 40), i.e. anything but the error line and debug/info logs. */
const warnings = (stderr: string) =>
  stderr.split("\n").filter((l) => /^\{.*"level":(4|5|6)\d/.test(l) || /\bWARN\b/.test(l));

describe("consumer: expected failures are one line, exit 2 (real broker)", () => {
  let kafka: KafkaHandle;
  let s3: S3Handle;
  beforeAll(async () => {
    [kafka, s3] = await Promise.all([startKafka(), startS3({ bucket: uniqueName("one-line") })]);
  });
  afterAll(async () => {
    await Promise.allSettled([kafka?.stop(), s3?.stop()]);
  });

  it("--sink --config infra/connect/s3-sink.json with SASL against a broker without SASL: one line at info", async () => {
    // The compose file's connector JSON: a dozen Connect-only keys (each a debug note now) and errors.tolerance=all
    // (a dead-letter producer, whose kafkajs partitioner notice is debug now): they used to print ~13 lines first.
    const res = await runCli(
      MAIN,
      // Flags (not S3_BUCKET / S3_ENDPOINT) point it at the test's S3: an env override of the file is an info line.
      [
        ...["--sink", "--config", CONNECTOR_JSON, "--group", uniqueName("sasl")],
        ...["--store-url", s3.endpoint, "--bucket", s3.bucket],
      ],
      {
        env: sinkEnv(kafka, s3, {
          S3_BUCKET: undefined,
          S3_ENDPOINT: undefined,
          KAFKA_SASL_MECHANISM: "plain",
          KAFKA_SASL_USERNAME: "alice",
          KAFKA_SASL_PASSWORD: "wonderland-secret",
        }),
        timeoutMs: 60_000,
      },
    );
    expect(res.code).toBe(2);
    const lines = res.stderr.trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^consumer: Kafka at \S+ does not accept SASL plain on this listener/),
    ]);
  });

  for (const level of ["info", "debug"]) {
    it(`--print --topic 'bad topic!' at ${level}: one line naming --topic`, async () => {
      const res = await runCli(MAIN, ["--print", "--topic", "bad topic!"], {
        env: { KAFKA_BROKERS: kafka.bootstrap, WEBLOG_LOG_LEVEL: level },
        timeoutMs: 30_000,
      });
      expect(res.code).toBe(2);
      expect(res.stderr).not.toMatch(STACK);
      const lines = res.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^consumer: --topic: 'bad topic!' is not a valid topic name/);
    });

    it(`--sink with SASL against a broker without SASL at ${level}: one line naming the listener`, async () => {
      const res = await runCli(MAIN, ["--sink", "--group", uniqueName("sasl")], {
        env: sinkEnv(kafka, s3, {
          WEBLOG_LOG_LEVEL: level,
          KAFKA_SASL_MECHANISM: "scram-sha-256",
          KAFKA_SASL_USERNAME: "alice",
          KAFKA_SASL_PASSWORD: "wonderland-secret",
        }),
        timeoutMs: 60_000,
      });
      expect(res.code).toBe(2);
      expect(res.stderr).not.toMatch(STACK);
      expect(res.stderr).not.toContain("wonderland-secret");
      expect(warnings(res.stderr)).toEqual([]);
      const lines = res.stderr.trim().split("\n");
      if (level === "info") expect(lines).toHaveLength(1);
      expect(lines.at(-1)).toMatch(
        /^consumer: Kafka at \S+ does not accept SASL scram-sha-256 on this listener .*unset KAFKA_SASL_MECHANISM/,
      );
    });
  }
});
