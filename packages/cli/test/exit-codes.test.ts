import { WeblogError } from "@weblog/errors";
import { describe, expect, it } from "vitest";
import { CliExit, ExpectedError, UsageError } from "../src/errors";
import { EXIT_CODES, exitCodeOf } from "../src/exit-codes";

const err = (code: string, cause?: unknown) => new WeblogError(code, `${code} happened`, { cause });

describe("the code -> exit-code table", () => {
  it("bad input and the environment exit 2; a failed run exits 1", () => {
    expect(exitCodeOf(new UsageError("--rate takes an integer"))).toBe(2);
    expect(exitCodeOf(new ExpectedError("bucket missing"))).toBe(2);
    expect(exitCodeOf(new ExpectedError("the sink exited 1", { code: "FAILED" }))).toBe(1);
    for (const code of [
      "BROKER_UNREACHABLE",
      "AUTH",
      "BAD_CONFIG",
      "BUCKET_MISSING",
      "KEY_SETTINGS_CHANGED",
      "DLQ_REFUSED",
    ]) {
      expect([code, exitCodeOf(err(code))]).toEqual([code, 2]);
    }
    for (const code of [
      "SERVER",
      "THROTTLED",
      "NOT_FOUND",
      "REQUEST",
      "BAD_RECORD",
      "KAFKA_FATAL",
      "FENCED",
    ]) {
      expect([code, exitCodeOf(err(code))]).toEqual([code, 1]);
    }
  });

  it("holds only 1 and 2 (0 is success, CliExit carries its own; a verdict is the verifier's return value)", () => {
    expect(new Set(Object.values(EXIT_CODES))).toEqual(new Set([1, 2]));
    expect(Object.hasOwn(EXIT_CODES, "EXIT")).toBe(false);
    expect(new CliExit(0).exitCode).toBe(0);
  });

  it("a code without a row ends the run as the first known code of its cause chain", () => {
    // the sink's S3_FATAL wraps the S3 error: a missing bucket is the user's (2), a refused request the run's (1)
    expect(exitCodeOf(err("S3_FATAL", err("BUCKET_MISSING")))).toBe(2);
    expect(exitCodeOf(err("S3_FATAL", err("REQUEST")))).toBe(1);
    // the outermost known code wins: the verifier wraps any S3 failure as ENVIRONMENT (2) before a verdict
    expect(exitCodeOf(new ExpectedError("S3 failed", { cause: err("SERVER") }))).toBe(2);
    expect(exitCodeOf(err("KAFKA_FATAL", err("AUTH")))).toBe(1);
    // through non-weblog links (kafkajs's originalError) too
    const kafkajs = Object.assign(new Error("retries exhausted"), { originalError: err("NOT_FOUND") });
    expect(exitCodeOf(err("S3_FATAL", kafkajs))).toBe(1);
  });

  it("no known code anywhere: 2", () => {
    expect(exitCodeOf(err("NO_SUCH_CODE"))).toBe(2);
    expect(exitCodeOf(err("S3_FATAL", new Error("ECONNRESET")))).toBe(2);
  });
});
