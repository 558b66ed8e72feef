import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The verifier's last verdict: `s3-verifier --json` run every `everyMs` (one run at a time) with the dashboard's
 * bucket, topic, brokers and group. Exit 0 (OK) and 1 (discrepancies) both carry a report; anything else is shown
 * as the error line the verifier printed.
 */
export interface Verdict {
  atMs: number;
  ok: boolean | null;
  verdict: string;
  records?: number;
  objects?: number;
  latency?: { p50Ms: number; p95Ms: number; maxMs: number; skewed?: number } | null;
  findings?: number;
}

/** apps/dashboard/dist/main.js -> apps/s3-verifier/dist/main.js (the monorepo's own build). */
export function verifierPath(): string | undefined {
  const path = fileURLToPath(new URL("../../s3-verifier/dist/main.js", import.meta.url));
  return existsSync(path) ? path : undefined;
}

export function createVerdictRunner(opts: { path: string; args: string[]; env?: NodeJS.ProcessEnv }) {
  let last: Verdict | null = null;
  let running = false;
  const runOnce = () =>
    new Promise<Verdict>((resolve) => {
      const child = spawn(process.execPath, [opts.path, ...opts.args, "--json"], {
        env: { ...process.env, ...opts.env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d;
      });
      child.stderr.on("data", (d: Buffer) => {
        err += d;
      });
      child.on("close", (code) => {
        const atMs = Date.now();
        if (code === 0 || code === 1) {
          try {
            const doc = JSON.parse(out) as {
              ok: boolean;
              verdict: string;
              totals?: { records?: number; objects?: number };
              latency?: Verdict["latency"];
              findings?: unknown[];
            };
            return resolve({
              atMs,
              ok: doc.ok,
              verdict: doc.verdict,
              records: doc.totals?.records ?? 0,
              objects: doc.totals?.objects ?? 0,
              latency: doc.latency ?? null,
              findings: doc.findings?.length ?? 0,
            });
          } catch {
            // fall through: not a report
          }
        }
        const line = err.trim().split("\n").filter(Boolean).pop() ?? `exit ${code}`;
        resolve({ atMs, ok: null, verdict: line.slice(0, 300) });
      });
    });
  return {
    get last() {
      return last;
    },
    /** Runs the verifier unless a run is under way. */
    async run(): Promise<void> {
      if (running) return;
      running = true;
      try {
        last = await runOnce();
      } finally {
        running = false;
      }
    },
  };
}
