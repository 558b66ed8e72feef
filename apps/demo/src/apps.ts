/** The apps the demo runs, as child processes: `node <repo>/apps/<name>/dist/main.js`, found next to the demo. */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ExpectedError } from "@weblog/cli";

export type AppName = "producer" | "consumer" | "s3-verifier" | "dashboard";

/** apps/demo/dist/main.js -> apps/<name>/dist/main.js */
export function appPath(name: AppName): string {
  const path = fileURLToPath(new URL(`../../${name}/dist/main.js`, import.meta.url));
  if (!existsSync(path)) {
    throw new ExpectedError(
      `${path} is missing: build the apps first (pnpm build, or run the demo with pnpm demo).`,
    );
  }
  return path;
}
