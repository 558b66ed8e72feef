import { describe, expect, it } from "vitest";
import { causes, findCause, isExpectedError, isWeblogError, WeblogError } from "../src";
import { redactUrlPasswords } from "../src/redact-url";

type DemoCode = "BROKEN" | "SLOW";
class DemoError extends WeblogError<DemoCode> {
  override readonly name = "DemoError";
}

describe("WeblogError", () => {
  it("carries code, retriable, expected and cause, and keeps its subclass", () => {
    const root = new Error("ECONNREFUSED");
    const e = new DemoError("SLOW", "the demo is slow", { cause: root, retriable: true });
    expect(e).toBeInstanceOf(DemoError);
    expect(e).toBeInstanceOf(WeblogError);
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.code, e.message, e.retriable, e.expected, e.cause]).toEqual([
      "DemoError",
      "SLOW",
      "the demo is slow",
      true,
      true,
      root,
    ]);
    expect(String(e)).toBe("DemoError: the demo is slow");
  });

  it("defaults: not retriable, expected, no cause property", () => {
    const e = new WeblogError("X", "m");
    expect([e.retriable, e.expected, "cause" in e]).toEqual([false, true, false]);
    expect(new WeblogError("X", "m", { expected: false }).expected).toBe(false);
  });

  it("the guards tell WeblogErrors from look-alikes", () => {
    const lookAlike = Object.assign(new Error("m"), { code: "X", expected: true, retriable: false });
    expect(isWeblogError(lookAlike)).toBe(false);
    expect(isExpectedError(lookAlike)).toBe(false);
    expect(isWeblogError(new DemoError("BROKEN", "m"))).toBe(true);
    expect(isExpectedError(new DemoError("BROKEN", "m"))).toBe(true);
    expect(isExpectedError(new DemoError("BROKEN", "m", { expected: false }))).toBe(false);
    for (const v of [undefined, null, "BROKEN", 2, {}]) expect(isWeblogError(v)).toBe(false);
  });
});

describe("causes", () => {
  it("walks cause, originalError and aggregate members, outermost first, each once", () => {
    const a = new Error("a");
    const b = new Error("b");
    const agg = new AggregateError([a, b], "both");
    const kafkajs = Object.assign(new Error("retries exhausted"), { originalError: agg });
    const top = new DemoError("BROKEN", "broker unreachable", { cause: kafkajs });
    expect(causes(top).map((e) => (e as Error).message)).toEqual([
      "broker unreachable",
      "retries exhausted",
      "both",
      "a",
      "b",
    ]);
  });

  it("ends on a cycle and at the limit", () => {
    const a: { cause?: unknown } = {};
    const b = { cause: a };
    a.cause = b;
    expect(causes(a)).toEqual([a, b]);
    let deep: object = { leaf: true };
    for (let i = 0; i < 50; i += 1) deep = { cause: deep };
    expect(causes(deep)).toHaveLength(20);
    expect(causes(deep, 5)).toHaveLength(5);
    expect(causes("a string")).toEqual([]);
  });

  it("findCause returns the first error of the chain that passes the test", () => {
    const inner = new DemoError("SLOW", "inner");
    const outer = new Error("outer", { cause: new Error("middle", { cause: inner }) });
    expect(findCause(outer, isWeblogError)).toBe(inner);
    expect(findCause(outer, (e) => (e as Error).message === "nope")).toBeUndefined();
  });
});

describe("redactUrlPasswords", () => {
  it("masks the password of every URL in a text, keeps the user, the host and the rest", () => {
    expect(redactUrlPasswords("S3 endpoint http://minio:s3cr3t@127.0.0.1:9000 is unreachable")).toBe(
      "S3 endpoint http://minio:***@127.0.0.1:9000 is unreachable",
    );
    expect(redactUrlPasswords("a https://u:p@ss:w@h/x?y and s3://k:v@b")).toBe(
      "a https://u:***@h/x?y and s3://k:***@b",
    );
    expect(redactUrlPasswords("SASL_SSL://alice:pw@k:9093")).toBe("SASL_SSL://alice:***@k:9093");
    // Nothing to mask: no password, or not a URL.
    for (const text of ["http://127.0.0.1:9000", "http://user@host:1/p", "user:pw@host", "mailto:a@b"]) {
      expect(redactUrlPasswords(text)).toBe(text);
    }
  });
});
