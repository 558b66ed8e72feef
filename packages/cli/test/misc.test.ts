import { describe, expect, it } from "vitest";
import { envFlag, envName } from "../src/env";
import { formatCount, formatDuration, formatRate } from "../src/format";
import { createLogger, formatPrettyLine } from "../src/logger";

describe("env", () => {
  it("maps flags to WEBLOG_ variables", () => {
    expect(envName("--max-in-flight")).toBe("WEBLOG_MAX_IN_FLIGHT");
    expect(envName("topic")).toBe("WEBLOG_TOPIC");
    expect(envFlag("rate", { WEBLOG_RATE: "50" })).toBe("50");
    expect(envFlag("rate", { WEBLOG_RATE: "" })).toBeUndefined();
    expect(() => envName("--")).toThrow(TypeError);
  });
});

describe("format", () => {
  it("counts, rates, durations", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatRate(850)).toBe("850/s");
    expect(formatRate(12_345)).toBe("12.3k/s");
    expect(formatRate(2_500_000)).toBe("2.50M/s");
    expect(formatDuration(850)).toBe("850ms");
    expect(formatDuration(12_345)).toBe("12.3s");
    expect(formatDuration(125_000)).toBe("2m05s");
    expect(formatDuration(3_723_000)).toBe("1h02m03s");
  });
});

describe("createLogger", () => {
  it("writes JSON lines with secrets masked", () => {
    const lines: string[] = [];
    const log = createLogger({ name: "t", level: "info", stream: { write: (s: string) => lines.push(s) } });
    log.info({ sasl: { username: "u", password: "hunter2" } }, "connecting");
    log.debug("hidden");
    expect(lines).toHaveLength(1);
    const o = JSON.parse(lines[0] as string);
    expect(o).toMatchObject({ name: "t", msg: "connecting", sasl: { username: "u", password: "***" } });
    expect(lines[0]).not.toContain("hunter2");
  });
  it("pretty mode prints a compact human line", () => {
    const lines: string[] = [];
    const log = createLogger({ name: "p", pretty: true, stream: { write: (s: string) => lines.push(s) } });
    log.warn({ topic: "weblogs", n: 3 }, "slow broker");
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}p: slow broker topic=weblogs n=3\n$/);
    expect(formatPrettyLine("not json")).toBe("not json\n");
  });
});
