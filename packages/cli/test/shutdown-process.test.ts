import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "cli-shutdown-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const src = resolve(__dirname, "../src/index.ts");
const tsx = resolve(__dirname, "../../../node_modules/.bin/tsx");

/** A tiny app: "ready" on stdout, then a slow graceful stop (1.5 s) on the first signal, summary, exit 0. */
const script = join(dir, "app.ts");
writeFileSync(
  script,
  `import { onShutdown, runMain } from ${JSON.stringify(src)};
runMain("app", async () => {
  let stop!: () => void;
  const stopped = new Promise<void>((r) => { stop = r; });
  onShutdown(async (signal) => {
    process.stdout.write("draining " + signal + "\\n");
    await new Promise((r) => setTimeout(r, 1500));
    stop();
  });
  const keepAlive = setInterval(() => {}, 1000);
  process.stdout.write("ready\\n");
  await stopped;
  clearInterval(keepAlive);
  process.stdout.write("summary\\n");
  return 0;
});
`,
);

function start() {
  const child = spawn(tsx, [script], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const waitFor = async (text: string) => {
    const deadline = Date.now() + 20_000;
    while (!out.includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (!out.includes(text)) throw new Error(`no "${text}" in ${JSON.stringify(out)}`);
  };
  return { child, exited, waitFor, output: () => out };
}

describe("onShutdown in a real process", () => {
  it("one SIGINT: graceful stop runs to the end, exit 0", async () => {
    const app = start();
    try {
      await app.waitFor("ready");
      app.child.kill("SIGINT");
      expect(await app.exited).toBe(0);
      expect(app.output()).toBe("ready\ndraining SIGINT\nsummary\n");
    } finally {
      app.child.kill("SIGKILL");
    }
  });

  it("a second signal during the graceful stop exits 130 at once", async () => {
    const app = start();
    try {
      await app.waitFor("ready");
      app.child.kill("SIGTERM");
      await app.waitFor("draining SIGTERM");
      app.child.kill("SIGINT");
      expect(await app.exited).toBe(130);
      expect(app.output()).not.toContain("summary");
    } finally {
      app.child.kill("SIGKILL");
    }
  });
});
