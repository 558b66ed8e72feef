import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { TestkitError } from "../errors";
import { exitOf, exitWithin, trackChild } from "./children";

/**
 * Runs its arguments as a child and kills that child when this script's stdin reaches EOF: the parent (a test
 * process) holds the pipe's other end, so when it dies for any reason, SIGKILL included, the server gets SIGTERM
 * and, 10 s later, SIGKILL. SIGTERM/SIGINT to the wrapper are passed on. The exit status is the child's.
 * Once orphaned, the watcher ignores TERM: the wrapper kills it as soon as the child is gone, which used to cut
 * its `rm -rf` of the temp dir short (every orphaned S3Proxy left its /tmp/weblog-s3-* behind).
 */
const WATCHDOG = `
exec 3<&0
"$@" </dev/null &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
{ while read -r _; do :; done; trap '' TERM; kill -TERM "$child" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$child" 2>/dev/null
  if [ -n "\${WATCHDOG_REMOVE:-}" ]; then sleep 0.2; rm -rf "$WATCHDOG_REMOVE"; fi; } <&3 &
watcher=$!
exec 3<&-
status=0
while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done
kill "$watcher" 2>/dev/null
exit "$status"
`;

export type WatchedOptions = {
  /** The program and its arguments (argv[0] is the executable). */
  argv: string[];
  /** stdout and stderr of the server go here (appended). */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  /** A temporary directory the watchdog removes once the server is gone because its parent died (not for detached). */
  removeWhenOrphaned?: string;
  /**
   * Outlive this process (`pnpm stack up`): no watchdog, stdin ignored, unref'd. Otherwise the server dies with
   * this process, however it ends.
   */
  detached?: boolean;
};

export type WatchedProcess = {
  child: ChildProcess;
  /** The process group to signal (the wrapper and the server are alone in it). */
  pgid: number;
  logFile: string;
  /** The newest lines of the log, for error messages. */
  tail(lines?: number): string;
  exited(): boolean;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the wrapper has exited. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
};

/**
 * Starts a local server process (a JVM, moto's Python server) in its own process group under a bash watchdog that
 * holds a pipe from this process: its EOF (this process gone, SIGKILL included) stops the server and removes
 * `removeWhenOrphaned`. `stop()` signals the whole group.
 */
export function launchWatched(options: WatchedOptions): WatchedProcess {
  const argv = options.argv;
  const out = openSync(options.logFile, "a");
  let child: ChildProcess;
  try {
    child = options.detached
      ? spawn(argv[0] as string, argv.slice(1), {
          detached: true,
          stdio: ["ignore", out, out],
          env: options.env ?? process.env,
        })
      : spawn("bash", ["-c", WATCHDOG, "watchdog", ...argv], {
          detached: true, // own process group: a terminal's Ctrl-C reaches the test runner, which then stops it
          stdio: ["pipe", out, out],
          env: { ...(options.env ?? process.env), WATCHDOG_REMOVE: options.removeWhenOrphaned ?? "" },
        });
  } finally {
    closeSync(out);
  }
  if (options.detached) child.unref();
  else {
    trackChild(child);
    child.stdin?.on("error", () => {});
  }
  const pgid = child.pid;
  if (pgid === undefined) {
    throw new TestkitError("START_FAILED", `could not start ${argv[0]}`);
  }
  let stopping: Promise<void> | undefined;
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    pgid,
    logFile: options.logFile,
    tail: (lines = 15) => tailOf(options.logFile, lines),
    exited,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        if (exited()) return;
        signalGroup(pgid, "SIGTERM");
        if (!(await exitWithin(child, graceMs))) signalGroup(pgid, "SIGKILL");
        await exitOf(child);
      })();
      return stopping;
    },
  };
}

/** Signals a whole process group; false when it is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** The last `lines` lines of a log file ("" when it is missing), read from at most its last 64 KiB. */
export function tailOf(file: string, lines = 15): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const size = statSync(file).size;
    const length = Math.min(size, 65536);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return buf.toString("utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
