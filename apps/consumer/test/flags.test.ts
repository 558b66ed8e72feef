import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SINK_FLAGS, sinkFlagTableMarkdown } from "@weblog/sink-contract";
import { describe, expect, it } from "vitest";
import { buildCommand, parseOptions, type SinkMode } from "../src/options";

describe("the sink's flags come from the contract's key table", () => {
  const help = buildCommand().helpInformation();

  it("every key with a flag appears in --help, with its flag", () => {
    expect(SINK_FLAGS.length).toBeGreaterThan(15);
    for (const f of SINK_FLAGS) {
      const line = help.split("\n").find((l) => l.trimStart().startsWith(f.flags));
      expect(line, f.flags).toBeDefined();
      expect(help, f.key).toContain(f.key);
    }
  });

  it("a bad value is one line naming the flag", () => {
    expect(() => parseOptions(["--sink", "--flush-size", "0"], {})).toThrow(/--flush-size/);
    expect(() => parseOptions(["--sink", "--compression", "zstd"], {})).toThrow(/--compression/);
  });

  it("a flag's value reaches its setting", () => {
    const s = (
      parseOptions(
        ["--sink", "--path-style", "false", "--topics", "a,b", "--timezone", "Asia/Seoul"],
        {},
      ) as SinkMode
    ).settings;
    expect([s.pathStyle, s.topics, s.timezone]).toEqual([false, ["a", "b"], "Asia/Seoul"]);
  });

  it("the README's flag table is the key table's (regenerate with sinkFlagTableMarkdown())", () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
    const start = readme.indexOf("<!-- sink-flags:start -->");
    const end = readme.indexOf("<!-- sink-flags:end -->");
    expect(start).toBeGreaterThan(-1);
    expect(readme.slice(start + "<!-- sink-flags:start -->".length, end).trim()).toBe(
      sinkFlagTableMarkdown(),
    );
  });
});
