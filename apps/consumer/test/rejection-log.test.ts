import { describe, expect, it } from "vitest";
import { createRateLimiter, createRejectionLog } from "../src/sink/rejection-log";

describe("createRateLimiter (fixed window, pure)", () => {
  it("allows `burst` per window, then suppresses, and the next allowed line carries the suppressed count", () => {
    const limit = createRateLimiter({ burst: 2, windowMs: 1000 });
    expect(limit.take(0)).toEqual({ allowed: true, suppressed: 0 });
    expect(limit.take(10)).toEqual({ allowed: true, suppressed: 0 });
    expect(limit.take(20)).toEqual({ allowed: false, suppressed: 0 });
    expect(limit.take(999)).toEqual({ allowed: false, suppressed: 0 });
    expect(limit.take(1000)).toEqual({ allowed: true, suppressed: 2 }); // new window: the 2 before are counted
    expect(limit.take(1001)).toEqual({ allowed: true, suppressed: 0 });
    expect(limit.take(1002)).toEqual({ allowed: false, suppressed: 0 });
    expect(limit.drain()).toBe(1);
    expect(limit.drain()).toBe(0);
  });
});

describe("createRejectionLog", () => {
  const capture = () => {
    const lines: { fields: Record<string, unknown>; msg: string }[] = [];
    const at = (fields: object | string, msg?: string) => {
      if (typeof fields === "string") lines.push({ fields: {}, msg: fields });
      else lines.push({ fields: fields as Record<string, unknown>, msg: msg ?? "" });
    };
    const logger = { debug: at, info: at, warn: at, error: at, child: () => logger };
    return { logger, lines };
  };

  it("one line per rejected record: topic/partition@offset and the reason, never the value", () => {
    const { logger, lines } = capture();
    const log = createRejectionLog({ logger, burst: 10, windowMs: 1000, now: () => 0 });
    log.rejected({ topic: "weblogs", partition: 2, offset: "41", reason: "NOT_JSON", destination: "dlq" });
    log.rejected({
      topic: "weblogs",
      partition: 2,
      offset: "42",
      reason: "INVALID_FIELDS",
      issues: [
        { field: "status_code", reason: "must be an integer 100..599" },
        { field: "secret-from-the-value", reason: "unknown field" },
      ],
      destination: "dlq",
    });
    expect(lines.map((l) => l.msg)).toEqual([
      "record rejected: weblogs/2@41 NOT_JSON, sent to the dead-letter topic",
      "record rejected: weblogs/2@42 INVALID_FIELDS (status_code, 1 unknown field), sent to the dead-letter topic",
    ]);
    expect(lines[0]?.fields).toEqual({ topic: "weblogs", partition: 2, offset: "41", reason: "NOT_JSON" });
    // Field names of the schema only: an unknown field's name comes from the record, so it is only counted.
    expect(JSON.stringify(lines)).not.toContain("secret-from-the-value");
  });

  it("rate-limited: past the burst lines are counted, and the count is logged with the next line and at close", () => {
    const { logger, lines } = capture();
    let t = 0;
    const log = createRejectionLog({ logger, burst: 3, windowMs: 1000, now: () => t });
    for (let i = 0; i < 200; i++)
      log.rejected({ topic: "t", partition: 0, offset: String(i), reason: "NOT_JSON", destination: "dlq" });
    expect(lines).toHaveLength(3);
    t = 1000;
    log.rejected({ topic: "t", partition: 0, offset: "200", reason: "NOT_JSON", destination: "dlq" });
    expect(lines).toHaveLength(4);
    expect(lines[3]?.fields.suppressed).toBe(197);
    expect(lines[3]?.msg).toContain("(197 similar lines suppressed)");
    for (let i = 201; i < 210; i++)
      log.rejected({ topic: "t", partition: 0, offset: String(i), reason: "NOT_JSON", destination: "dlq" });
    log.close();
    expect(lines.at(-1)?.fields).toEqual({ suppressed: 7 });
    expect(lines.at(-1)?.msg).toBe("7 more rejected-record lines suppressed (rate limit 3 per 1000 ms)");
    log.close();
    expect(lines.filter((l) => l.fields.suppressed === 7)).toHaveLength(1);
  });
});
