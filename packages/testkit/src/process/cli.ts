import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { TestkitError } from "../errors";
import { type ExitStatus, exitOf, terminate, trackChild } from "./children";

export type CliEnv = Record<string, string | undefined>;

export type RunCliOptions = {
  /** Merged over process.env; a key set to undefined removes that variable. */
  env?: CliEnv;
  /** Kill (SIGTERM, then SIGKILL 2 s later) after this long (default 30 s). The result then has timedOut: true. */
  timeoutMs?: number;
  /** Written to stdin, then stdin is closed. Without it stdin is closed at once. */
  stdin?: string | Buffer;
  cwd?: string;
};

export type CliResult = {
  /** Exit code; null when the process died by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
};

function childEnv(env: CliEnv | undefined): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(env ?? {})) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

function spawnNode(path: string, args: string[], env: CliEnv | undefined, cwd?: string) {
  const child = spawn(process.execPath, [path, ...args], {
    env: childEnv(env),
    cwd,
    stdio: ["pipe", "pipe", "pipe"],
  });
  trackChild(child);
  child.stdin.on("error", () => {}); // EPIPE when the CLI exits without reading its input
  return child;
}

/** Runs `node <path> ...args` to completion and collects its output. Never rejects on a non-zero exit. */
export async function runCli(
  path: string,
  args: string[] = [],
  options: RunCliOptions = {},
): Promise<CliResult> {
  const { env, timeoutMs = 30_000, stdin, cwd } = options;
  const started = performance.now();
  const child = spawnNode(path, args, env, cwd);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (c: string) => {
    stdout += c;
  });
  child.stderr.on("data", (c: string) => {
    stderr += c;
  });
  child.stdin.end(stdin ?? "");
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void terminate(child);
  }, timeoutMs);
  const status = await exitOf(child);
  clearTimeout(timer);
  await streamsDrained(child);
  return { ...status, stdout, stderr, durationMs: performance.now() - started, timedOut };
}

/** 'exit' can fire before the last stdout/stderr chunks are read; wait for both streams to end. */
function streamsDrained(child: ChildProcessWithoutNullStreams): Promise<void> {
  const ended = (s: NodeJS.ReadableStream & { readableEnded?: boolean; destroyed?: boolean }) =>
    s.readableEnded || s.destroyed
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          s.once("end", resolve);
          s.once("close", resolve);
        });
  return Promise.all([ended(child.stdout), ended(child.stderr)]).then(() => undefined);
}

export type SpawnCliOptions = { env?: CliEnv; cwd?: string };

export type CliHandle = {
  child: ChildProcessWithoutNullStreams;
  pid: number | undefined;
  /** Sends a signal (default SIGTERM). */
  kill(signal?: NodeJS.Signals): void;
  /** Writes to the CLI's stdin. */
  write(text: string): void;
  /** Closes the CLI's stdin. */
  endInput(): void;
  /**
   * Waits for the exit (default 30 s). On timeout: SIGKILL and reject, so a hung CLI fails the test instead of
   * hanging it.
   */
  waitForExit(timeoutMs?: number): Promise<CliResult>;
  /** Resolves with the first match of `pattern` in stdout+stderr seen so far or later; rejects after timeoutMs. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stdout(): string;
  stderr(): string;
};

/** Starts `node <path> ...args` and returns a handle to drive it (signals, stdin, waiting for output or exit). */
export function spawnCli(path: string, args: string[] = [], options: SpawnCliOptions = {}): CliHandle {
  const started = performance.now();
  const child = spawnNode(path, args, options.env, options.cwd);
  let stdout = "";
  let stderr = "";
  let combined = "";
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (c: string) => {
    stdout += c;
    combined += c;
    notify();
  });
  child.stderr.on("data", (c: string) => {
    stderr += c;
    combined += c;
    notify();
  });
  let exitStatus: ExitStatus | undefined;
  const exited: Promise<ExitStatus> = exitOf(child).then(async (s) => {
    await streamsDrained(child);
    exitStatus = s;
    notify();
    return s;
  });

  return {
    child,
    pid: child.pid,
    kill(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    write(text: string) {
      child.stdin.write(text);
    },
    endInput() {
      child.stdin.end();
    },
    async waitForExit(timeoutMs = 30_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      const result = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (result === "timeout") {
        await terminate(child, { signal: "SIGKILL", graceMs: 2000 });
        throw new TestkitError(
          "TIMEOUT",
          `${path} did not exit within ${timeoutMs} ms (killed); stderr tail: ${stderr.slice(-500)}`,
        );
      }
      return { ...result, stdout, stderr, durationMs: performance.now() - started, timedOut: false };
    },
    waitForOutput(pattern: RegExp, timeoutMs = 10_000) {
      return new Promise<RegExpMatchArray>((resolve, reject) => {
        const check = () => {
          const m = combined.match(pattern);
          if (m) {
            done();
            resolve(m);
          } else if (exitStatus) {
            done();
            reject(
              new TestkitError(
                "TIMEOUT",
                `${path} exited (${exitStatus.signal ?? exitStatus.code}) without printing ${pattern}; output tail: ${combined.slice(-500)}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new TestkitError(
              "TIMEOUT",
              `${path} did not print ${pattern} within ${timeoutMs} ms; output tail: ${combined.slice(-500)}`,
            ),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    stdout: () => stdout,
    stderr: () => stderr,
  };
}
