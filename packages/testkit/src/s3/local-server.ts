import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { onProcessExit } from "../cleanup";
import { TestkitError } from "../errors";
import { freePort } from "../ports";
import { exitOf, exitWithin } from "../process/children";
import { makeClient, S3_REGION, type S3Target } from "./client";
import { resolveS3Proxy, S3PROXY_VERSION, SETUP_HINT } from "./install";

/** What the apps assume for a localhost endpoint; the server accepts exactly these and refuses others (403). */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: "minioadmin", secretAccessKey: "minioadmin" };

export type LocalS3ServerOptions = {
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Where the buckets live (default: a new temporary directory, removed by stop()). Kept when given. */
  dataDir?: string;
  /** Server log (default: DATADIR/s3proxy.log). Its tail is shown when a start fails. */
  logFile?: string;
  /** The server outlives this process (for `pnpm stack up`); stop it later by `pid`. Default false. */
  detached?: boolean;
  /** How long to wait for the first S3 answer (default 60 s). */
  readyTimeoutMs?: number;
};

export type LocalS3Server = S3Target & {
  port: number;
  /** The server's pid (detached: the JVM itself; else the watchdog that owns it). */
  pid: number;
  dataDir: string;
  logFile: string;
  /** Stops the server (and removes a temporary dataDir). Safe to call twice. */
  stop(): Promise<void>;
};

/**
 * Runs `argv` and kills it (SIGKILL) when stdin reaches EOF, i.e. when the parent is gone however it died
 * (SIGKILL included), or on SIGTERM/SIGINT; then removes `removeDir` (a temporary data dir) if given. Exits with
 * the child's status.
 */
const WATCHDOG = `
const { spawn } = require("node:child_process");
const { rmSync } = require("node:fs");
const { argv: [cmd, ...args], removeDir } = JSON.parse(process.argv[1]);
const child = spawn(cmd, args, { stdio: ["ignore", "inherit", "inherit"] });
const kill = () => { try { child.kill("SIGKILL"); } catch {} };
process.stdin.on("end", kill).on("error", kill).on("close", kill).resume();
process.on("SIGTERM", kill).on("SIGINT", kill);
child.on("error", (e) => { console.error("watchdog: " + e.message); process.exit(127); });
child.on("exit", (code, signal) => {
  if (removeDir) rmSync(removeDir, { recursive: true, force: true });
  process.exit(code ?? (signal ? 1 : 0));
});
`;

const LOGBACK = `<configuration>
  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="OUT"/></root>
  <logger name="org.gaul.s3proxy" level="INFO"/>
</configuration>
`;

function properties(port: number, bucketsDir: string): string {
  const { accessKeyId, secretAccessKey } = LOCAL_S3_CREDENTIALS;
  return [
    `s3proxy.endpoint=http://127.0.0.1:${port}`,
    "s3proxy.authorization=aws-v2-or-v4",
    `s3proxy.identity=${accessKeyId}`,
    `s3proxy.credential=${secretAccessKey}`,
    "jclouds.provider=filesystem-nio2",
    `jclouds.filesystem.basedir=${bucketsDir}`,
    "jclouds.identity=local",
    "jclouds.credential=local",
    "",
  ].join("\n");
}

function requireJava(): void {
  const probe = spawnSync("java", ["-version"], { stdio: "ignore" });
  if (probe.error) {
    throw new TestkitError(
      "S3_START_FAILED",
      `java not found (the local S3 server is S3Proxy ${S3PROXY_VERSION}): apt-get install openjdk-17-jre-headless, then ${SETUP_HINT}`,
    );
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

function logTail(logFile: string, lines = 15): string {
  try {
    return readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Polls an authenticated ListBuckets until the server answers it, the child exits, or the deadline passes. */
async function waitReady(target: S3Target, child: ChildProcess, timeoutMs: number): Promise<string | null> {
  let exited = false;
  void exitOf(child).then(() => {
    exited = true;
  });
  const client = makeClient(target);
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (exited) return "the server exited";
      try {
        await client.send(new ListBucketsCommand({}), { abortSignal: AbortSignal.timeout(2000) });
        return null;
      } catch {
        await new Promise((r) => setTimeout(r, 150));
      }
    }
    return `no S3 answer within ${timeoutMs} ms`;
  } finally {
    client.destroy();
  }
}

/**
 * Starts S3Proxy (installed by infra/local/s3/setup.sh) on 127.0.0.1 with a filesystem backend, accepting only
 * minioadmin/minioadmin (SigV2/SigV4), region us-east-1, path-style. Resolves once it answers an S3 request.
 * Not detached: a watchdog kills the server when this process dies, however it dies.
 */
export async function startLocalS3Server(options: LocalS3ServerOptions = {}): Promise<LocalS3Server> {
  const { libDir, mainClass } = resolveS3Proxy();
  requireJava();
  if (options.port !== undefined && !(await portFree(options.port))) {
    throw new TestkitError(
      "S3_START_FAILED",
      `local S3 server: port ${options.port} on 127.0.0.1 is in use: stop what listens there or pick another port`,
    );
  }
  const port = options.port ?? (await freePort());
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "weblog-s3-")));
  const forget = ownDir ? onProcessExit(() => rmSync(dataDir, { recursive: true, force: true })) : () => {};
  const bucketsDir = join(dataDir, "buckets");
  mkdirSync(bucketsDir, { recursive: true });
  writeFileSync(join(dataDir, "s3proxy.properties"), properties(port, bucketsDir));
  writeFileSync(join(dataDir, "logback.xml"), LOGBACK);
  const logFile = options.logFile ?? join(dataDir, "s3proxy.log");
  const java = [
    "java",
    "-Xms32m",
    "-Xmx256m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    `-Dlogback.configurationFile=${join(dataDir, "logback.xml")}`,
    "-cp",
    join(libDir, "*"),
    mainClass,
    "--properties",
    join(dataDir, "s3proxy.properties"),
  ];
  const logFd = openSync(logFile, "a");
  let child: ChildProcess;
  try {
    child = options.detached
      ? spawn(java[0] as string, java.slice(1), { detached: true, stdio: ["ignore", logFd, logFd] })
      : spawn(
          process.execPath,
          ["-e", WATCHDOG, JSON.stringify({ argv: java, removeDir: ownDir ? dataDir : undefined })],
          {
            stdio: ["pipe", logFd, logFd],
          },
        );
  } finally {
    closeSync(logFd);
  }
  // Not trackChild(): its SIGKILL of the watchdog on exit would orphan the server. The exit closes the pipe
  // instead, and the watchdog then kills the server and removes the temporary data.
  if (options.detached) child.unref();

  const target = {
    endpoint: `http://127.0.0.1:${port}`,
    region: S3_REGION,
    credentials: LOCAL_S3_CREDENTIALS,
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (options.detached) {
      child.kill("SIGTERM");
      if (!(await exitWithin(child, 5000))) child.kill("SIGKILL");
    } else {
      child.stdin?.end(); // the watchdog kills the server and exits
      if (!(await exitWithin(child, 5000))) child.kill("SIGKILL");
    }
    await exitWithin(child, 2000);
    if (ownDir) {
      rmSync(dataDir, { recursive: true, force: true });
      forget();
    }
  };

  const failure = await waitReady(target, child, options.readyTimeoutMs ?? 60_000);
  if (failure) {
    const tail = logTail(logFile);
    const inUse = /Address already in use|BindException/.test(tail);
    await stop();
    throw new TestkitError(
      "S3_START_FAILED",
      inUse
        ? `local S3 server (S3Proxy) could not bind 127.0.0.1:${port}: port in use; stop what listens there or pick another port`
        : `local S3 server (S3Proxy ${S3PROXY_VERSION}) did not start: ${failure} (is the install complete? ${SETUP_HINT}); log ${ownDir ? "tail" : logFile}:\n${tail}`,
    );
  }
  return { ...target, port, pid: child.pid as number, dataDir, logFile, stop };
}

/** True if a detached server started earlier (by pid) still runs. */
export function localS3ServerAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
