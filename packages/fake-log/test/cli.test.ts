import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { decode } from "@weblog/log-schema";
import { describe, expect, it } from "vitest";

const CLI = join(import.meta.dirname, "../dist/cli.js");

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const COMBINED =
  /^(\S+) - - \[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}:\d{2}:\d{2}) \+0000\] "([A-Z]+) (\/\S*) HTTP\/1\.1" (\d{3}) - "-" "((?:[^"\\]|\\.)*)"$/;

describe("fake-log CLI", () => {
  it("--count 5 --seed 42 prints 5 valid NDJSON records, the same on every run", () => {
    const args = ["--count", "5", "--seed", "42", "--start", "2026-11-25T06:00:00Z"];
    const a = run(args);
    expect(a.code).toBe(0);
    expect(a.stderr).toBe("");
    const lines = a.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(decode(line).ok).toBe(true);
    expect(decode(lines[0]!)).toMatchObject({ ok: true, record: { timestamp: "2026-11-25T06:00:00.000Z" } });
    expect(run(args).stdout).toBe(a.stdout);
  });

  it("--seed without --start: two runs print the same bytes, starting at the documented 2026-01-01T00:00:00Z", () => {
    const a = run(["--count", "1000", "--seed", "42"]);
    const b = run(["--count", "1000", "--seed", "42"]);
    expect(a.code).toBe(0);
    expect(a.stdout.split("\n")).toHaveLength(1001);
    expect(Buffer.from(b.stdout).equals(Buffer.from(a.stdout))).toBe(true);
    expect(JSON.parse(a.stdout.slice(0, a.stdout.indexOf("\n"))).timestamp).toBe("2026-01-01T00:00:00.000Z");
    expect(run(["--help"]).stdout).toMatch(/with --seed: 2026-01-01T00:00:00Z/);
  });

  it("defaults: 10 records starting about now", () => {
    const before = Date.now();
    const r = run([]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(10);
    const first = decode(lines[0]!);
    expect(first.ok).toBe(true);
    if (first.ok) expect(Math.abs(Date.parse(first.record.timestamp) - before)).toBeLessThan(10_000);
  });

  it("--format clf prints Apache combined lines matching the JSON records of the same seed", () => {
    const base = ["-n", "200", "-s", "7", "--start", "2026-11-25T06:00:00Z", "--rate", "20"];
    const clf = run([...base, "--format", "clf"]);
    const json = run([...base, "--format", "json"]);
    expect(clf.code).toBe(0);
    const clfLines = clf.stdout.trimEnd().split("\n");
    const records = json.stdout
      .trimEnd()
      .split("\n")
      .map((l) => decode(l));
    expect(clfLines).toHaveLength(200);
    clfLines.forEach((line, i) => {
      const m = COMBINED.exec(line);
      expect(m, line).not.toBeNull();
      const r = records[i]!;
      if (!r.ok || !m) throw new Error("unreachable");
      expect(m[1]).toBe(r.record.ip);
      expect(m[6]).toBe(r.record.method);
      expect(m[7]).toBe(r.record.url);
      expect(Number(m[8])).toBe(r.record.status_code);
    });
  });

  it("--format elb / syslog / apache-error print one line per record; clf is combined", () => {
    const base = ["-n", "20", "-s", "4"];
    expect(run([...base, "--format", "clf"]).stdout).toBe(run([...base, "--format", "combined"]).stdout);
    expect(run([...base, "--format", "elb"]).stdout).toMatch(/^https \S+Z app\/weblog-alb\//);
    expect(run([...base, "--format", "syslog"]).stdout).toMatch(
      /^<\d+>1 2026-01-01T00:00:00\.000Z web-\d httpd /,
    );
    const err = run([...base, "--format", "apache-error"])
      .stdout.trimEnd()
      .split("\n");
    expect(err).toHaveLength(20);
    for (const line of err) expect(line).toMatch(/^\[\w{3} \w{3} \d{2} [\d:.]+ \d{4}\] \[/);
  });

  it("--bytes stops before the budget (whole lines); --duration stops at that much log time", () => {
    const r = run(["--bytes", "5000", "--seed", "1"]);
    expect(r.code).toBe(0);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(5000);
    expect(Buffer.byteLength(r.stdout)).toBeGreaterThan(4000);
    expect(r.stdout.endsWith("\n")).toBe(true);
    for (const line of r.stdout.trimEnd().split("\n")) expect(decode(line).ok).toBe(true);
    const d = run(["--duration", "30s", "--rate", "10", "--seed", "1"]);
    const times = d.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l).timestamp as string);
    expect(times.length).toBeGreaterThan(250);
    expect(times.length).toBeLessThan(350);
    expect(times.every((t) => t < "2026-01-01T00:00:30.000Z")).toBe(true);
  });

  it("--summary counts late, bad (by kind) and incident records on stderr; the bytes and lines match the counts", () => {
    const args = ["-n", "3000", "-s", "2", "--late-share", "0.1", "--late-max", "2s", "--bad-share", "0.02"];
    const r = spawnSync(process.execPath, [CLI, ...args, "--incident", "scanner-sweep@5s/20s", "--summary"], {
      timeout: 30_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stderr.toString("utf8"));
    expect(summary).toMatchObject({ records: 3000, seed: 2, start: "2026-01-01T00:00:00.000Z" });
    expect(summary.bytes).toBe(r.stdout.length);
    const lines = r.stdout.toString("utf8").split("\n").slice(0, -1);
    expect(lines).toHaveLength(3000);
    const invalid = lines.filter((l) => !decode(l).ok || l.includes("\uFFFD")).length;
    expect(invalid).toBe(summary.bad);
    expect(summary.bad).toBeGreaterThan(30);
    expect(summary.badKinds.tombstone).toBeUndefined();
    expect(summary.late).toBeGreaterThan(200);
    // A sweep record made bad may have lost its user agent; every line with the sweep's agent is counted.
    const sweepLines = lines.filter((l) => l.includes("Nuclei")).length;
    expect(summary.incidents["scanner-sweep"]).toBeGreaterThanOrEqual(sweepLines);
    expect(summary.incidents["scanner-sweep"]).toBeLessThanOrEqual(sweepLines + summary.bad);
  });

  it("--speed releases records at their log time (10 records at 20/s, 100x: well under a second), same bytes as without", () => {
    const fast = run(["-n", "10", "-s", "3", "--rate", "20", "--speed", "100"]);
    expect(fast.code).toBe(0);
    expect(fast.stdout).toBe(run(["-n", "10", "-s", "3", "--rate", "20"]).stdout);
  });

  it("--count 0 prints nothing", () => {
    const r = run(["--count", "0"]);
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("--help and --version exit 0 on stdout", () => {
    const help = run(["--help"]);
    expect(help.code).toBe(0);
    for (const flag of ["--count", "--seed", "--format", "--rate", "--start"])
      expect(help.stdout).toContain(flag);
    const version = run(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("a leading literal -- (as pnpm passes) is ignored", () => {
    const r = run(["--", "--count", "2"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(2);
  });

  it.each([
    [["--cout", "3"], /unknown option '--cout'/],
    [["--count", "-1"], /--count.*integer >= 0/],
    [["--count", "ten"], /--count.*"ten"/],
    [["--seed", "1.5"], /--seed.*integer/],
    [["--format", "xml"], /--format.*json, combined, common, syslog, bsd-syslog, elb, apache-error, clf/],
    [["--profile", "wavy"], /--profile.*steady, diurnal, bursty/],
    [["--profile", "diurnal", "--timezone", "Mars/Base"], /--timezone.*IANA time zone/],
    [["--profile", "diurnal", "--peak-ratio", "0.5"], /--peak-ratio.*>= 1/],
    [["--incident", "flood@1m"], /--incident.*KIND\[@AT\]/],
    [["--incident", "5xx-storm:nowhere"], /--incident.*service must be one of checkout/],
    [["--late-share", "1.5"], /--late-share.*0 to 1/],
    [["--late-max", "soon"], /--late-max.*duration/],
    [["--bad-share", "-0.1"], /--bad-share.*0 to 1/],
    [["--bad-kinds", "tombstone"], /--bad-kinds.*tombstone.*producer/],
    [["--bad-kinds", "gibberish"], /--bad-kinds.*unknown kind "gibberish"/],
    [["--bytes", "lots"], /--bytes.*integer/],
    [["--duration", "forever"], /--duration.*duration/],
    [["--speed", "0"], /--speed.*> 0/],
    [["--rate", "0"], /--rate.*rate must be a number > 0/],
    [["--rate", "fast"], /--rate.*"fast"/],
    [["--start", "yesterday"], /--start.*"yesterday"/],
    [["--bot-share", "2"], /--bot-share.*0 to 1/],
    [["--visitors", "3"], /--visitors.*10 to 1000000/],
    [["--count"], /--count.*argument missing/],
    [["surplus"], /too many arguments/],
  ])("%j -> one line on stderr naming the flag, exit 2, nothing on stdout", (args, pattern) => {
    const r = run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
  });

  it("stops quietly with exit 0 when the reader goes away (piped to head)", async () => {
    const child = spawn(process.execPath, [CLI, "--count", "5000000"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const firstChunk = await new Promise<string>((resolve) =>
      child.stdout.once("data", (d) => resolve(String(d))),
    );
    child.stdout.destroy(); // like `head -1` exiting: the next writes get EPIPE
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    expect(firstChunk.length).toBeGreaterThan(0);
    expect(code).toBe(0);
    expect(stderr).toBe("");
  });

  it("writes a large output completely through a reader that stalls first (pipe full, drain awaited)", () => {
    const r = spawnSync(
      "sh",
      ["-c", `"${process.execPath}" "${CLI}" --count 100000 --seed 3 | (sleep 1; wc -l)`],
      {
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe("100000");
  });
});
