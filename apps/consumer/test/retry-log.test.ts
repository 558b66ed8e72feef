import type { Logger } from "@weblog/cli";
import { describe, expect, it } from "vitest";
import { createRetryLog, createRetryLogs } from "../src/sink/retry-log";

describe("retry log (pure, with a clock of its own)", () => {
  it("warns at the first failure and then at least once a minute; every attempt at debug", () => {
    const lines: string[] = [];
    const at = (level: string) => (fields: { attempt: number; waitingMs: number }, msg: string) =>
      lines.push(`${level} #${fields.attempt} ${fields.waitingMs}ms ${msg}`);
    const logger = {
      warn: at("warn"),
      debug: at("debug"),
      info: at("info"),
      error: at("error"),
    } as unknown as Logger;
    let t = 1_000;
    const log = createRetryLog({ logger, message: "S3 upload failed; retrying", now: () => t });
    // An attempt every 20 s (a request that times out): attempts 1, 4 and 7 are a minute apart.
    for (let attempt = 1; attempt <= 7; attempt++) {
      log({ message: "connect ECONNREFUSED", code: "UNREACHABLE" }, attempt);
      t += 20_000;
    }
    expect(lines).toEqual([
      "warn #1 0ms S3 upload failed; retrying",
      "debug #2 20000ms S3 upload failed; retrying",
      "debug #3 40000ms S3 upload failed; retrying",
      "warn #4 60000ms S3 upload failed; retrying",
      "debug #5 80000ms S3 upload failed; retrying",
      "debug #6 100000ms S3 upload failed; retrying",
      "warn #7 120000ms S3 upload failed; retrying",
    ]);
  });

  it("names what failed, each with its own warning (the catalog's failures are not called S3's)", () => {
    const lines: string[] = [];
    const logger = {
      warn: (_f: unknown, msg: string) => lines.push(`warn ${msg}`),
      debug: (_f: unknown, msg: string) => lines.push(`debug ${msg}`),
    } as unknown as Logger;
    const log = createRetryLogs({
      logger,
      now: () => 0,
      fallback: "S3 upload",
      message: (what) => `${what} failed; partition paused`,
    });
    log({ message: "ECONNREFUSED" }, 1);
    log({ message: "catalog unreachable", what: "Iceberg REST catalog request" }, 2);
    log({ message: "ECONNREFUSED" }, 3);
    expect(lines).toEqual([
      "warn S3 upload failed; partition paused",
      "warn Iceberg REST catalog request failed; partition paused",
      "debug S3 upload failed; partition paused",
    ]);
  });
});
