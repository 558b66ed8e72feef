import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { parseDuration, parsers } from "../src/parsers";

describe("parsers.int", () => {
  it("accepts integers within range, with _ separators", () => {
    const p = parsers.int({ min: 1, max: 1_000_000 });
    expect(p("5")).toBe(5);
    expect(p(" 10_000 ")).toBe(10000);
  });
  it("rejects non-integers and out-of-range values with a message naming the range", () => {
    const p = parsers.int({ min: 1 });
    expect(() => p("1.5")).toThrow(InvalidArgumentError);
    expect(() => p("abc")).toThrow(/an integer >= 1/);
    expect(() => p("0")).toThrow(/an integer >= 1/);
    expect(() => p("")).toThrow(InvalidArgumentError);
  });
  it("names the flag when given one", () => {
    expect(() => parsers.int("--rate", { min: 1, max: 10 })("11")).toThrow(
      "--rate takes an integer from 1 to 10.",
    );
  });
});

describe("parsers.number", () => {
  it("accepts finite decimals", () => {
    expect(parsers.number()("0.25")).toBe(0.25);
    expect(parsers.number({ min: 0 })("1e3")).toBe(1000);
  });
  it("rejects NaN, infinity, empty and out of range", () => {
    const p = parsers.number({ min: 0, max: 1 });
    for (const bad of ["", "x", "Infinity", "1.5", "-0.1"])
      expect(() => p(bad)).toThrow(InvalidArgumentError);
  });
});

describe("parsers.duration / parseDuration", () => {
  it("parses units to milliseconds", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("10s")).toBe(10_000);
    expect(parseDuration("2m")).toBe(120_000);
    expect(parseDuration("1h")).toBe(3_600_000);
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(parseDuration("1.5s")).toBe(1500);
  });
  it("rejects a bare number or an unknown unit", () => {
    expect(parseDuration("10")).toBeUndefined();
    expect(parseDuration("10d")).toBeUndefined();
    expect(() => parsers.duration()("10")).toThrow(/duration with a unit/);
  });
  it("checks the range in ms", () => {
    expect(() => parsers.duration("--linger", { max: 1000 })("2s")).toThrow(
      /--linger takes a duration <= 1000ms/,
    );
    expect(parsers.duration({ min: 1 })("1s")).toBe(1000);
  });
});

describe("parsers.oneOf", () => {
  it("accepts listed words only", () => {
    const p = parsers.oneOf(["ip", "none"]);
    expect(p("ip")).toBe("ip");
    expect(() => p("IP")).toThrow("Expected one of: ip, none.");
    expect(() => parsers.oneOf("--key", ["ip", "none"])("x")).toThrow("--key takes one of: ip, none.");
  });
});
