import { describe, expect, it } from "vitest";
import { CONNECT_ICEBERG_TIMEOUT_MS, CONNECT_TIMEOUT_MS, parseOptions } from "../src/options";

describe("demo options", () => {
  it("--engine connect waits longer for delivery unless --timeout is given", () => {
    expect(parseOptions([]).timeout).toBe(45_000);
    expect(parseOptions(["--engine", "connect"]).timeout).toBe(CONNECT_TIMEOUT_MS);
    expect(parseOptions(["--engine", "connect", "--timeout", "10s"]).timeout).toBe(10_000);
    expect(parseOptions(["--engine", "connect-iceberg"]).timeout).toBe(CONNECT_ICEBERG_TIMEOUT_MS);
  });
});
