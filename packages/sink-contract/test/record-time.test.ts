import { describe, expect, it } from "vitest";
import { DLQ_HEADERS, deadLetterHeaders, deadLetterOrigin } from "../src/dlq-headers";
import { recordTimeMs } from "../src/record-time";

describe("recordTimeMs (the sink's and the verifier's one reading of a record's time)", () => {
  const at = Date.parse("2026-11-25T06:42:17.123Z");
  it("reads ISO strings, epoch ms and numeric strings, nested with dots", () => {
    expect(recordTimeMs({ timestamp: "2026-11-25T06:42:17.123Z" }, "timestamp")).toBe(at);
    expect(recordTimeMs({ timestamp: at }, "timestamp")).toBe(at);
    expect(recordTimeMs({ timestamp: String(at) }, "timestamp")).toBe(at);
    expect(recordTimeMs({ meta: { ts: at } }, "meta.ts")).toBe(at);
  });
  it("is undefined when there is no time to read", () => {
    expect(recordTimeMs({}, "timestamp")).toBeUndefined();
    expect(recordTimeMs({ timestamp: "yesterday" }, "timestamp")).toBeUndefined();
    expect(recordTimeMs(null, "timestamp")).toBeUndefined();
    expect(recordTimeMs({ timestamp: { at } }, "timestamp")).toBeUndefined();
  });
});

describe("dead-letter headers", () => {
  it("the origin the sink writes is the origin the verifier reads", () => {
    const headers = deadLetterHeaders(
      { topic: "weblogs", partition: 3, offset: "120", reason: "NOT_JSON", message: "not JSON" },
      "weblogs-s3-sink",
    );
    expect(headers[DLQ_HEADERS.connector]).toBe("weblogs-s3-sink");
    expect(headers[DLQ_HEADERS.issues]).toBeUndefined();
    expect(deadLetterOrigin((name) => headers[name])).toEqual({
      topic: "weblogs",
      partition: 3,
      offset: 120n,
    });
    expect(deadLetterOrigin(() => undefined)).toBeUndefined();
    expect(deadLetterOrigin((name) => ({ ...headers, [DLQ_HEADERS.offset]: "x" })[name])).toBeUndefined();
  });
});
