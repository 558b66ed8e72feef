import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * The CLI and pack tests run the built package. `pnpm test` (turbo) builds first; when a test is run directly
 * (`npx vitest run`), build here if dist/ is missing or older than the sources.
 */
const root = join(import.meta.dirname, "..");
const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
    const p = join(dir, e.name);
    return Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }, 0);

export default function setup(): void {
  const schemaDist = join(root, "../log-schema/dist/index.js");
  if (!existsSync(schemaDist) || statSync(schemaDist).mtimeMs < newest(join(root, "../log-schema/src"))) {
    execFileSync("pnpm", ["--filter", "@weblog/log-schema", "build"], { cwd: root, stdio: "ignore" });
  }
  const cli = join(root, "dist/cli.js");
  const sources = Math.max(newest(join(root, "src")), statSync(join(root, "tsup.config.ts")).mtimeMs);
  if (!existsSync(cli) || statSync(cli).mtimeMs < sources) {
    execFileSync("pnpm", ["run", "build"], { cwd: root, stdio: "ignore" });
  }
}
