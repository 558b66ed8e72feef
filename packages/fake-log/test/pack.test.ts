import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The published artefact, used the way a stranger would: `pnpm pack`, then `npm install <tarball>` in a scratch
 * project outside the workspace (os.tmpdir(), so no workspace node_modules can leak in), then `import`, `require`
 * and the `fake-log` bin. The package has no runtime dependencies (log-schema, faker and commander are bundled),
 * so the install needs no registry.
 */
const pkgDir = join(import.meta.dirname, "..");
let work: string;
let project: string;
let tarball: string;

function node(file: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [file], { cwd: project, encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "fake-log-pack-"));
  execFileSync("pnpm", ["pack", "--pack-destination", work], { cwd: pkgDir, stdio: "pipe" });
  const file = readdirSync(work).find((f) => f.endsWith(".tgz"));
  if (!file) throw new Error(`pnpm pack wrote no tarball into ${work}`);
  tarball = join(work, file);
  project = join(work, "scratch");
  mkdirSync(project);
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "scratch", version: "1.0.0", private: true }),
  );
  execFileSync(
    "npm",
    ["install", tarball, "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
    {
      cwd: project,
      stdio: "pipe",
      timeout: 120_000,
    },
  );
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("packed @weblog/fake-log in a project outside the workspace", () => {
  it("ships only dist, README and package.json, with types-first exports and no runtime dependencies", () => {
    const installed = join(project, "node_modules/@weblog/fake-log");
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    expect(Object.keys(manifest.exports["."])[0]).toBe("types");
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.bin).toEqual({ "fake-log": "./dist/cli.js" });
    expect(readdirSync(installed).sort()).toEqual(["README.md", "dist", "package.json"]);
    const dts = readFileSync(join(installed, "dist/index.d.ts"), "utf8");
    expect(dts).toContain("createFakeLog");
    expect(dts).not.toMatch(/from ["']@weblog\/log-schema["']|@sinclair\/typebox|@faker-js/); // types self-contained
    expect(readdirSync(join(project, "node_modules")).sort()).toEqual([
      ".bin",
      ".package-lock.json",
      "@weblog",
    ]);
  });

  it("works through import (ESM)", () => {
    writeFileSync(
      join(project, "use.mjs"),
      `import { createFakeLog, encode, FakeLogOptionsError, formatRecord, realtime } from "@weblog/fake-log";
const log = createFakeLog({ seed: 42, startTime: "2026-11-25T06:00:00Z" });
const records = log.batch(3);
let field = "";
try { createFakeLog({ rate: -1 }); } catch (e) { if (e instanceof FakeLogOptionsError) field = e.field; }
const featured = createFakeLog({ seed: 1, format: "elb", profile: "diurnal", lateShare: 0.1, late: { max: 0.5 }, badShare: 0.1, incidents: [{ kind: "scanner-sweep" }] });
const messages = featured.messages(200);
const timed = [];
for await (const m of realtime(createFakeLog({ seed: 1 }), { speed: 1e9, count: 3 })) timed.push(m.record);
console.log(JSON.stringify({ records, field, line: encode(records[0]), elb: formatRecord(records[0], "elb"),
  stats: featured.stats(), sweep: messages.filter((m) => m.incident === "scanner-sweep").length, timed: timed.length }));
`,
    );
    const r = node("use.mjs");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.field).toBe("rate");
    expect(out.records).toHaveLength(3);
    expect(out.records[0].timestamp).toBe("2026-11-25T06:00:00.000Z");
    expect(JSON.parse(out.line)).toEqual(out.records[0]);
    expect(out.elb).toMatch(/^https 2026-11-25T06:00:00\.\d{6}Z app\//);
    expect(out.stats.records).toBe(200);
    expect(out.stats.late).toBeGreaterThan(0);
    expect(out.stats.badTotal).toBeGreaterThan(0);
    expect(out.sweep).toBeGreaterThan(0);
    expect(out.timed).toBe(3);
  });

  it("works through require (CJS) and gives the same records as ESM", () => {
    writeFileSync(
      join(project, "use.cjs"),
      `const { createFakeLog, encode, formatCombined, formatRecord } = require("@weblog/fake-log");
const records = createFakeLog({ seed: 42, startTime: "2026-11-25T06:00:00Z" }).batch(3);
const elb = formatRecord(records[0], "elb");
const bad = createFakeLog({ seed: 1, badShare: 1 }).messages(50).filter((m) => m.bad).length;
console.log(JSON.stringify({ records, line: encode(records[0]), clf: formatCombined(records[0]), elb, bad }));
`,
    );
    const cjs = node("use.cjs");
    expect(cjs.stderr).toBe("");
    expect(cjs.code).toBe(0);
    const fromCjs = JSON.parse(cjs.stdout);
    const fromEsm = JSON.parse(node("use.mjs").stdout);
    expect(fromCjs.records).toEqual(fromEsm.records);
    expect(fromCjs.line).toBe(fromEsm.line);
    expect(fromCjs.elb).toBe(fromEsm.elb);
    expect(fromCjs.bad).toBe(50);
    expect(fromCjs.clf).toMatch(
      /^\S+ - - \[25\/Nov\/2026:06:00:00 \+0000\] "[A-Z]+ \/\S* HTTP\/1\.1" \d{3} - "-" ".+"$/,
    );
  });

  it("installs the fake-log bin", () => {
    const r = spawnSync(
      join(project, "node_modules/.bin/fake-log"),
      ["--count", "2", "--seed", "1", "--format", "clf"],
      {
        encoding: "utf8",
        timeout: 30_000,
      },
    );
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(2);
    expect(r.stdout).toMatch(/^\S+ - - \[\d{2}\/\w{3}\/\d{4}:/);
  });
});
