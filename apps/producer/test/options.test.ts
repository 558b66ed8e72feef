import { exitCodeOf } from "@weblog/cli";
import { isExpectedError, type WeblogError } from "@weblog/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseOptions } from "../src/options";

// These tests are about flags, env and defaults: the shared test broker's address (`pnpm test` exports
// KAFKA_BROKERS for every suite) must not leak into them.
beforeEach(() => {
  delete process.env.KAFKA_BROKERS;
});
const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

/** The one-line message of the usage error parseOptions throws. */
function usageError(argv: string[]): { message: string; exitCode: number } {
  try {
    parseOptions(argv, {});
  } catch (err) {
    expect(isExpectedError(err)).toBe(true);
    const e = err as WeblogError;
    return { message: e.message, exitCode: exitCodeOf(e) };
  }
  throw new Error(`parseOptions(${argv.join(" ")}) did not fail`);
}

describe("parseOptions", () => {
  it("has the shared defaults", () => {
    const o = parseOptions([], {});
    expect(o).toMatchObject({
      topic: "weblogs",
      rate: 0,
      count: undefined,
      durationMs: undefined,
      key: "none",
      compression: "none",
      acks: -1,
      format: "json",
      stdin: false,
      partition: undefined,
      json: false,
      quiet: false,
    });
    expect(o.kafka.brokers).toEqual(["localhost:9092"]);
  });

  it("parses every flag", () => {
    const o = parseOptions(
      [
        "--brokers",
        "k1:9092,k2:9093",
        "--topic",
        "t1",
        "--rate",
        "250",
        "--count",
        "1_000",
        "--duration",
        "1m30s",
        "--seed",
        "7",
        "--key",
        "ip",
        "--compression",
        "gzip",
        "--acks",
        "1",
        "--format",
        "clf",
        "--json",
        "--quiet",
      ],
      {},
    );
    expect(o).toMatchObject({
      topic: "t1",
      rate: 250,
      count: 1000,
      durationMs: 90_000,
      seed: 7,
      key: "ip",
      compression: "gzip",
      acks: 1,
      format: "clf",
      json: true,
      quiet: true,
    });
    expect(o.kafka.brokers).toEqual(["k1:9092", "k2:9093"]);
  });

  it("reads flags from WEBLOG_* and KAFKA_BROKERS; flags win", () => {
    process.env.WEBLOG_TOPIC = "from-env";
    process.env.WEBLOG_RATE = "42";
    process.env.WEBLOG_KEY = "ip";
    process.env.WEBLOG_JSON = "1";
    process.env.KAFKA_BROKERS = "envhost:9092";
    const o = parseOptions([], process.env);
    expect(o).toMatchObject({ topic: "from-env", rate: 42, key: "ip", json: true });
    expect(o.kafka.brokers).toEqual(["envhost:9092"]);
    const o2 = parseOptions(["--topic", "flag", "--brokers", "flaghost:1"], process.env);
    expect(o2.topic).toBe("flag");
    expect(o2.kafka.brokers).toEqual(["flaghost:1"]);
  });

  it("stdin mode pins partition 0 unless told", () => {
    expect(parseOptions(["--stdin"], {}).partition).toBe(0);
    expect(parseOptions(["--stdin", "--partition", "3"], {}).partition).toBe(3);
  });

  it("rejects bad values with one line naming the flag, exit 2", () => {
    for (const [argv, flag] of [
      [["--rate", "fast"], "--rate"],
      [["--rate", "-5"], "--rate"],
      [["--count", "0"], "--count"],
      [["--count", "1.5"], "--count"],
      [["--duration", "10"], "--duration"],
      [["--key", "user"], "--key"],
      [["--compression", "brotli"], "--compression"],
      [["--acks", "2"], "--acks"],
      [["--topic", "bad topic"], "--topic"],
      [["--nope"], "--nope"],
      [["--stdin", "--count", "5"], "--count"],
      [["--stdin", "--key", "ip"], "--key"],
    ] as const) {
      const e = usageError([...argv]);
      expect(e.exitCode).toBe(2);
      expect(e.message).toContain(flag);
      expect(e.message).not.toContain("\n");
    }
  });
});
