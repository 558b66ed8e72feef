/**
 * The demo hosts s3rver in its own process, and s3rver builds ListObjectsV2 continuation tokens with DES, which
 * OpenSSL 3 (Node 18+) only offers with the legacy provider: without it every listing past 1,000 objects fails.
 * When that matters (no S3_ENDPOINT) and the provider is off, the demo runs itself again with
 * `--openssl-legacy-provider`, passing signals through and exiting with the child's code.
 */
import { spawn } from "node:child_process";
import { createCipheriv } from "node:crypto";

export function desAvailable(): boolean {
  try {
    createCipheriv("des", Buffer.alloc(8), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
}

/** Resolves with the child's exit code when a relaunch was needed, or null to go on in this process. */
export function relaunchWithLegacyOpenSsl(env: NodeJS.ProcessEnv = process.env): Promise<number> | null {
  if (env.S3_ENDPOINT?.trim() || desAvailable() || env.WEBLOG_DEMO_RELAUNCHED === "1") return null;
  const script = process.argv[1] as string;
  const child = spawn(
    process.execPath,
    ["--openssl-legacy-provider", ...process.execArgv, script, ...process.argv.slice(2)],
    {
      stdio: "inherit",
      env: { ...env, WEBLOG_DEMO_RELAUNCHED: "1" },
      // Its own process group: a terminal's Ctrl-C reaches only us, and we pass each signal on exactly once
      // (the child treats a second signal as "exit now, skip the cleanup").
      detached: true,
    },
  );
  const onInt = () => child.kill("SIGINT");
  const onTerm = () => child.kill("SIGTERM");
  const onExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  process.on("exit", onExit);
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      process.off("exit", onExit);
      resolve(code ?? (signal === "SIGINT" ? 130 : 1));
    });
    child.on("error", () => resolve(1));
  });
}
