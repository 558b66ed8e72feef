import { Option } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { createCommand } from "../src/command";
import { envName } from "../src/env";
import { CliExit, UsageError } from "../src/errors";
import { parsers } from "../src/parsers";

afterEach(() => {
  delete process.env.WEBLOG_RATE;
});

function cmd() {
  return createCommand("producer", "demo").addOption(
    new Option("--rate <n>", "records per second").env(envName("rate")).argParser(parsers.int({ min: 1 })),
  );
}

async function parseError(argv: string[]): Promise<unknown> {
  return cmd()
    .parseAsync(argv, { from: "user" })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
}

describe("createCommand", () => {
  it("reads a flag, else its WEBLOG_ env variable; the flag wins", async () => {
    process.env.WEBLOG_RATE = "7";
    expect((await cmd().parseAsync([], { from: "user" })).opts().rate).toBe(7);
    expect((await cmd().parseAsync(["--rate", "9"], { from: "user" })).opts().rate).toBe(9);
  });

  it("a bad env value is a one-line UsageError naming the variable", async () => {
    process.env.WEBLOG_RATE = "fast";
    const e = await parseError([]);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).message).toMatch(/WEBLOG_RATE/);
    expect((e as UsageError).message).toMatch(/Expected an integer >= 1\. \(see --help\)$/);
    expect((e as UsageError).message).not.toContain("\n");
  });

  it("excess arguments and missing values are usage errors; --help is a silent exit 0", async () => {
    expect(await parseError(["extra"])).toBeInstanceOf(UsageError);
    expect(await parseError(["--rate"])).toBeInstanceOf(UsageError);
    const out: string[] = [];
    const help = await cmd()
      .configureOutput({ writeOut: (s) => out.push(s), outputError: () => {} })
      .parseAsync(["--help"], { from: "user" })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(help).toBeInstanceOf(CliExit);
    expect((help as CliExit).exitCode).toBe(0);
    expect(out.join("")).toMatch(/--rate <n>\s+records per second \(env: WEBLOG_RATE\)/);
  });
});
