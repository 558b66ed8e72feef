import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { WeblogError } from "@weblog/errors";
import { afterAll, describe, expect, it } from "vitest";
import { createCommand } from "../src/command";
import { CliExit, ExpectedError, UsageError } from "../src/errors";
import { parsers } from "../src/parsers";
import { runMain } from "../src/run-main";

function harness(argv: string[] = []) {
  const out: string[] = [];
  const codes: number[] = [];
  return {
    opts: { argv, exit: (c: number) => void codes.push(c), stderr: { write: (s: string) => out.push(s) } },
    out,
    codes,
  };
}

describe("runMain (injected exit)", () => {
  it("exits with the returned code, 0 for void, and strips a leading --", async () => {
    const h = harness(["--", "--count", "3"]);
    let seen: string[] = [];
    await runMain(
      "t",
      async (argv) => {
        seen = argv;
      },
      h.opts,
    );
    expect(seen).toEqual(["--count", "3"]);
    expect(h.codes).toEqual([0]);
    const h2 = harness();
    await runMain("t", async () => 3, h2.opts);
    expect(h2.codes).toEqual([3]);
  });

  it("UsageError -> one line '<name>: message' and exit 2, no stack", async () => {
    const h = harness();
    await runMain(
      "producer",
      async () => {
        throw new UsageError("--rate takes an integer >= 1.\nsecond line");
      },
      h.opts,
    );
    expect(h.codes).toEqual([2]);
    expect(h.out.join("")).toBe("producer: --rate takes an integer >= 1. second line\n");
  });

  it("an ExpectedError's code picks the exit code (FAILED: 1); another package's WeblogError exits by its code too", async () => {
    const h = harness();
    await runMain(
      "x",
      async () => {
        throw new ExpectedError("the producer failed (exit 3)", { code: "FAILED" });
      },
      h.opts,
    );
    expect(h.codes).toEqual([1]);
    expect(h.out.join("")).toBe("x: the producer failed (exit 3)\n");
    const foreign = new WeblogError("BROKER_UNREACHABLE", "broker unreachable at 127.0.0.1:1");
    const h2 = harness();
    await runMain(
      "x",
      async () => {
        throw foreign;
      },
      h2.opts,
    );
    expect(h2.codes).toEqual([2]);
    expect(h2.out.join("")).toBe("x: broker unreachable at 127.0.0.1:1\n");
  });

  it("an object that only looks expected is a bug (no duck typing): stack, exit 1", async () => {
    const lookAlike = Object.assign(new Error("broker unreachable at 127.0.0.1:1"), {
      expected: true as const,
    });
    const h = harness();
    await runMain(
      "x",
      async () => {
        throw lookAlike;
      },
      h.opts,
    );
    expect(h.codes).toEqual([1]);
    expect(h.out.join("")).toMatch(
      /^x: unexpected error \(a bug; please report it\)\nError: broker unreachable/,
    );
  });

  it.each(["trace", "debug", "info"])(
    "an expected failure never prints a stack, even with WEBLOG_LOG_LEVEL=%s",
    async (level) => {
      const before = process.env.WEBLOG_LOG_LEVEL;
      process.env.WEBLOG_LOG_LEVEL = level;
      try {
        const h = harness();
        await runMain(
          "x",
          async () => {
            throw new ExpectedError("bucket missing", { cause: new Error("NoSuchBucket") });
          },
          h.opts,
        );
        expect(h.codes).toEqual([2]);
        expect(h.out.join("")).toBe("x: bucket missing\n");
      } finally {
        if (before === undefined) delete process.env.WEBLOG_LOG_LEVEL;
        else process.env.WEBLOG_LOG_LEVEL = before;
      }
    },
  );

  it("unexpected errors print the stack and exit 1", async () => {
    const h = harness();
    await runMain(
      "x",
      async () => {
        throw new TypeError("boom");
      },
      h.opts,
    );
    expect(h.codes).toEqual([1]);
    expect(h.out.join("")).toMatch(/unexpected error[\s\S]*TypeError: boom[\s\S]*at /);
  });

  it("CliExit is silent", async () => {
    const h = harness();
    await runMain(
      "x",
      async () => {
        throw new CliExit(0);
      },
      h.opts,
    );
    expect(h.codes).toEqual([0]);
    expect(h.out).toEqual([]);
  });

  it("a bad flag through createCommand becomes one line and exit 2", async () => {
    const h = harness(["--rate", "abc"]);
    await runMain(
      "producer",
      async (argv) => {
        const cmd = createCommand("producer").option("--rate <n>", "rate", parsers.int({ min: 1 }));
        await cmd.parseAsync(argv, { from: "user" });
      },
      h.opts,
    );
    expect(h.codes).toEqual([2]);
    const text = h.out.join("");
    expect(text.split("\n").filter(Boolean)).toHaveLength(1);
    expect(text).toMatch(
      /^producer: option '--rate <n>' argument 'abc' is invalid\. Expected an integer >= 1\. \(see --help\)/,
    );
  });

  it("an unknown flag also exits 2", async () => {
    const h = harness(["--nope"]);
    await runMain(
      "c",
      async (argv) => {
        await createCommand("c").option("--a").parseAsync(argv, { from: "user" });
      },
      h.opts,
    );
    expect(h.codes).toEqual([2]);
    expect(h.out.join("")).toMatch(/unknown option '--nope'/);
  });
});

describe("runMain (real process)", () => {
  const dir = mkdtempSync(join(tmpdir(), "cli-run-main-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const src = resolve(__dirname, "../src/index.ts");
  const tsx = resolve(__dirname, "../../../node_modules/.bin/tsx");

  function run(body: string, args: string[]) {
    const file = join(dir, `s${Math.random().toString(36).slice(2)}.ts`);
    writeFileSync(
      file,
      `import { runMain, UsageError, createCommand } from ${JSON.stringify(src)};\n${body}\n`,
    );
    return spawnSync(tsx, [file, ...args], { encoding: "utf8", timeout: 30_000 });
  }

  it("exit codes and stderr of a spawned script", () => {
    const ok = run(`runMain("s", async (argv) => { process.stdout.write(argv.join(",")); return 0; });`, [
      "--",
      "a",
      "b",
    ]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe("a,b");
    const usage = run(`runMain("s", async () => { throw new UsageError("--x is bad"); });`, []);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toBe("s: --x is bad\n");
    const help = run(
      `runMain("s", async (argv) => { await createCommand("s", "demo").parseAsync(argv, { from: "user" }); });`,
      ["--help"],
    );
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: s/);
  });
});
