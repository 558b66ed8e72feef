import type { ChildProcess } from "node:child_process";
import { onProcessExit } from "../cleanup";

export type ExitStatus = { code: number | null; signal: NodeJS.Signals | null };

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Kill `child` with SIGKILL if the test process exits while it still runs, so no kcat or CLI process outlives
 * the test run even when stop() was never called.
 */
export function trackChild(child: ChildProcess): void {
  if (hasExited(child)) return;
  const untrack = onProcessExit(() => {
    if (!hasExited(child)) child.kill("SIGKILL");
  });
  child.once("exit", untrack);
  child.once("error", () => {
    if (child.pid === undefined) untrack();
  });
}

/** Resolves when the child has exited (at once if it already has). Spawn failures resolve with code null. */
export function exitOf(child: ChildProcess): Promise<ExitStatus> {
  if (hasExited(child)) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", () => {
      if (child.pid === undefined) resolve({ code: null, signal: null });
    });
  });
}

function delay(ms: number): Promise<"timeout"> {
  return new Promise((resolve) => setTimeout(() => resolve("timeout"), ms).unref());
}

/** Waits up to `ms` for the exit; true if it exited. */
export async function exitWithin(child: ChildProcess, ms: number): Promise<boolean> {
  const result = await Promise.race([exitOf(child), delay(ms)]);
  return result !== "timeout";
}

/**
 * Stops a child for good: `signal` (SIGTERM by default), then SIGKILL after `graceMs`, and waits for the exit.
 */
export async function terminate(
  child: ChildProcess,
  { signal = "SIGTERM", graceMs = 2000 }: { signal?: NodeJS.Signals; graceMs?: number } = {},
): Promise<ExitStatus> {
  if (!hasExited(child)) {
    child.kill(signal);
    if (!(await exitWithin(child, graceMs)) && !hasExited(child)) child.kill("SIGKILL");
  }
  return exitOf(child);
}

/** Keeps the newest `max` characters of a stream, so a chatty child can never fill memory or block on a pipe. */
export class Tail {
  private text = "";
  constructor(private readonly max = 256 * 1024) {}
  push(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.max) this.text = this.text.slice(this.text.length - this.max);
  }
  toString(): string {
    return this.text;
  }
}
