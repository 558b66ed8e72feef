import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { onProcessExit } from "../cleanup";
import { TestkitError } from "../errors";
import { requireJava } from "../local/java";
import { launchJvm, tailOf } from "../local/jvm";
import { SETUP_HINT } from "../local/paths";
import { freePort } from "../ports";
import { makeClient, S3_REGION, type S3Target } from "./client";
import { resolveS3Proxy, S3PROXY_VERSION } from "./install";

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
  /**
   * More S3Proxy settings, e.g. `{ "s3proxy.latency-blobstore": "true", "s3proxy.latency-blobstore.*.latency": "25" }`
   * (every storage operation 25 ms later: an S3 that far away for every client, JVM ones included).
   */
  properties?: Record<string, string>;
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

const LOGBACK = `<configuration>
  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="OUT"/></root>
  <logger name="org.gaul.s3proxy" level="INFO"/>
</configuration>
`;

function properties(port: number, bucketsDir: string, extra: Record<string, string> = {}): string {
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
    ...Object.entries(extra).map(([k, v]) => `${k}=${v}`),
    "",
  ].join("\n");
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * Polls an authenticated ListBuckets until the server answers it, the child exits, or the deadline passes (null when
 * ready, else why not). Shared by every local S3 server (S3Proxy here, moto in moto-server.ts).
 */
export async function waitS3Ready(
  target: S3Target,
  server: { exited(): boolean },
  timeoutMs: number,
): Promise<string | null> {
  const client = makeClient(target);
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (server.exited()) return "the server exited";
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
  requireJava(); // before any temp dir exists
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
  writeFileSync(join(dataDir, "s3proxy.properties"), properties(port, bucketsDir, options.properties));
  writeFileSync(join(dataDir, "logback.xml"), LOGBACK);
  const logFile = options.logFile ?? join(dataDir, "s3proxy.log");
  const jvm = launchJvm({
    mainClass,
    args: ["--properties", join(dataDir, "s3proxy.properties")],
    classpath: [join(libDir, "*")],
    heapMiB: 256,
    logFile,
    jvmOptions: [`-Dlogback.configurationFile=${join(dataDir, "logback.xml")}`],
    detached: options.detached,
    removeWhenOrphaned: ownDir ? dataDir : undefined,
  });

  const target = {
    endpoint: `http://127.0.0.1:${port}`,
    region: S3_REGION,
    credentials: LOCAL_S3_CREDENTIALS,
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await jvm.stop(5000);
    if (ownDir) {
      rmSync(dataDir, { recursive: true, force: true });
      forget();
    }
  };

  const failure = await waitS3Ready(target, jvm, options.readyTimeoutMs ?? 60_000);
  if (failure) {
    const tail = tailOf(logFile) || "(no log)";
    const inUse = /Address already in use|BindException/.test(tail);
    await stop();
    throw new TestkitError(
      "S3_START_FAILED",
      inUse
        ? `local S3 server (S3Proxy) could not bind 127.0.0.1:${port}: port in use; stop what listens there or pick another port`
        : `local S3 server (S3Proxy ${S3PROXY_VERSION}) did not start: ${failure} (is the install complete? ${SETUP_HINT}); log ${ownDir ? "tail" : logFile}:\n${tail}`,
    );
  }
  return { ...target, port, pid: jvm.pgid, dataDir, logFile, stop };
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
