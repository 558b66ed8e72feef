import { runCli } from "@weblog/testkit";
import { describe, expect, it } from "vitest";
import { parseCommand } from "../src/options";
import { formatBytes, parseAge, parseBytes } from "../src/units";
import { MAIN } from "./helpers";

describe("units", () => {
  it("reads sizes, binary by default and decimal with B", () => {
    expect(parseBytes("128MiB")).toBe(128 * 1024 * 1024);
    expect(parseBytes("64m")).toBe(64 * 1024 * 1024);
    expect(parseBytes("1MB")).toBe(1_000_000);
    expect(parseBytes("1048576")).toBe(1048576);
    expect(parseBytes("1.5k")).toBe(1536);
    for (const bad of ["", "0", "-1", "12zz", "MiB", "1 TiB"]) expect(parseBytes(bad)).toBeUndefined();
  });
  it("reads ages with days", () => {
    expect(parseAge("1d")).toBe(86_400_000);
    expect(parseAge("1d12h")).toBe(129_600_000);
    expect(parseAge("36h")).toBe(129_600_000);
    expect(parseAge("0s")).toBe(0);
    for (const bad of ["", "1y", "d", "1d2x", "10"]) expect(parseAge(bad)).toBeUndefined();
  });
  it("formats bytes", () => {
    expect(formatBytes(97)).toBe("97 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(128 * 1024 * 1024)).toBe("128.0 MiB");
  });
});

describe("flags", () => {
  it("has the documented defaults", () => {
    expect(parseCommand("compact", [], {})).toMatchObject({
      command: "compact",
      table: "weblog.logs",
      catalogUri: "http://localhost:8181",
      targetFileSizeBytes: 128 * 1024 * 1024,
      minFiles: 2,
      partitions: [],
      dryRun: false,
      auth: {},
    });
    expect(parseCommand("orphans", [], {})).toMatchObject({ olderThanMs: 86_400_000, delete: false });
  });
  it("takes the catalog's secrets from the environment only", () => {
    const o = parseCommand("orphans", ["--iceberg-catalog-scope", "sql"], {
      ICEBERG_CATALOG_CREDENTIAL: "id:secret",
      ICEBERG_CATALOG_TOKEN: "t",
    });
    expect(o.auth).toEqual({ credential: "id:secret", token: "t", scope: "sql" });
    expect(() => parseCommand("orphans", ["--iceberg-catalog-token", "t"], {})).toThrow(/unknown option/);
  });
  it.each([
    [["--target-file-size", "0"], /--target-file-size takes a size/],
    [["--min-files", "1"], /--min-files/],
    [
      ["--target-file-size", "1MiB", "--min-file-size", "2MiB"],
      /--min-file-size is above --target-file-size/,
    ],
    [["--partition", "26-11-25"], /--partition "26-11-25"/],
    [["--iceberg-table", "logs"], /not namespace\.table/],
    [["--iceberg-catalog-uri", "http://u:p@host:8181"], /without user info/],
    [["--endpoint", "ftp://x"], /--endpoint/],
  ])("compact %j: one line naming the flag", (argv, message) => {
    let err: Error | undefined;
    try {
      parseCommand("compact", argv as string[], {});
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toMatch(message);
    expect(err?.message.split("\n")).toHaveLength(1);
    expect((err as { code?: string }).code).toBe("USAGE");
  });
});

describe("the CLI", () => {
  it.each([
    [["compact", "--target-file-size", "zz"], /--target-file-size takes a size/],
    [["orphans", "--older-than", "soon"], /--older-than takes an age/],
    [["vacuum"], /unknown command "vacuum"/],
    [[], /give a command/],
  ])("%j: one line on stderr, exit 2, no stack", async (argv, message) => {
    const r = await runCli(MAIN, argv as string[], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});
