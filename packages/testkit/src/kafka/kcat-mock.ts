import { spawn } from "node:child_process";
import { KCAT_MISSING_HINT, TestkitError } from "../errors";
import { exitOf, exitWithin, Tail, terminate, trackChild } from "../process/children";
import { kcatBinary } from "./kcat";
import type { KafkaHandle } from "./types";

/** The topic kcat's own idle producer points at; it exists in the mock cluster's metadata. */
export const KEEPALIVE_TOPIC = "__testkit_keepalive";

const BOOTSTRAP_RE = /(?:bootstrap\.servers=|replaced with )((?:\d{1,3}(?:\.\d{1,3}){3}:\d+,?)+)/;

export type KcatMockOptions = {
  brokers: number;
  /** Deadline for the mock to print its address (default 10 s). */
  startTimeoutMs?: number;
  /** Pass `-d mock` (every request logged to kcat's stderr; slower, for debugging). */
  debug?: boolean;
};

/**
 * librdkafka's mock cluster, hosted by an idle `kcat -P` whose stdin stays open: `-X test.mock.num.brokers=N`
 * makes librdkafka start N in-process brokers on 127.0.0.1 (ephemeral ports) and log their address at notice
 * level ("Mock cluster enabled: ... replaced with 127.0.0.1:P1,..."). The cluster lives as long as kcat does;
 * kcat exits when its stdin closes, so even a SIGKILLed test process cannot leak it.
 */
export async function startKcatMock(options: KcatMockOptions): Promise<KafkaHandle> {
  const { brokers, startTimeoutMs = 10_000, debug = false } = options;
  const args = ["-P", "-b", "127.0.0.1:1", "-X", `test.mock.num.brokers=${brokers}`, "-t", KEEPALIVE_TOPIC];
  if (debug) args.push("-d", "mock");
  const child = spawn(kcatBinary(), args, { stdio: ["pipe", "ignore", "pipe"] });
  trackChild(child);
  child.stdin.on("error", () => {}); // EPIPE after kcat died: reported by the exit handling below
  const stderr = new Tail(64 * 1024);
  child.stderr.setEncoding("utf8");

  const bootstrap = await new Promise<string>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => {
      reject(
        new TestkitError(
          "MOCK_START_FAILED",
          `kcat mock cluster printed no bootstrap address within ${startTimeoutMs} ms: ${lastLine(stderr.toString())}`,
        ),
      );
    }, startTimeoutMs);
    const onData = (chunk: string) => {
      stderr.push(chunk);
      seen = (seen + chunk).slice(-8192);
      const m = BOOTSTRAP_RE.exec(seen);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1].replace(/,$/, ""));
      }
    };
    child.stderr.on("data", onData);
    child.once("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        err.code === "ENOENT"
          ? new TestkitError("KCAT_NOT_FOUND", KCAT_MISSING_HINT, { cause: err })
          : new TestkitError("MOCK_START_FAILED", `kcat could not start: ${err.message}`, { cause: err }),
      );
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(
        new TestkitError(
          "MOCK_START_FAILED",
          `kcat mock cluster exited (${signal ?? code}) before printing its address: ${lastLine(stderr.toString())}`,
        ),
      );
    });
  }).catch(async (err: unknown) => {
    await terminate(child, { graceMs: 500 });
    throw err;
  });

  // Keep draining stderr for the life of the mock: a full pipe would block kcat (and the brokers with it).
  child.stderr.on("data", (chunk: string) => stderr.push(chunk));

  let stopping: Promise<void> | undefined;
  return {
    bootstrap,
    brokers: bootstrap.split(","),
    backend: "kcat-mock",
    stop() {
      stopping ??= (async () => {
        child.stdin.end();
        if (!(await exitWithin(child, 1000))) await terminate(child, { signal: "SIGTERM", graceMs: 2000 });
        await exitOf(child);
      })();
      return stopping;
    },
  };
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n");
  return lines[lines.length - 1] || "(no output)";
}
