import { rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onProcessExit } from "../cleanup";
import { TestkitError } from "../errors";
import { freePort } from "../ports";
import { launchWatched, tailOf } from "../process/watched";
import { S3_REGION } from "./client";
import { LOCAL_S3_CREDENTIALS, type LocalS3Server, waitS3Ready } from "./local-server";
import { MOTO_VERSION, resolveMoto } from "./moto-install";

export type MotoServerOptions = {
  /** How long to wait for the first S3 answer (default 60 s). */
  readyTimeoutMs?: number;
};

/**
 * Starts moto's server (installed by infra/local/moto/setup.sh) on 127.0.0.1 and a free port: S3 in memory,
 * region us-east-1, path-style. moto accepts any credentials; the handle carries minioadmin/minioadmin like
 * S3Proxy's. Resolves once it answers ListBuckets. Runs under the same watchdog as the local JVMs
 * (../process/watched.ts): it dies with this process however this process ends, and its temp dir (the log) goes too.
 */
export async function startMotoServer(options: MotoServerOptions = {}): Promise<LocalS3Server> {
  const { python } = resolveMoto();
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), "weblog-moto-"));
  const forget = onProcessExit(() => rmSync(dataDir, { recursive: true, force: true }));
  const logFile = join(dataDir, "moto.log");
  const proc = launchWatched({
    argv: [python, "-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)],
    logFile,
    // moto's S3 keeps bodies above this size in a temp file; the default (8 MiB) is fine, only the env is ours
    env: { ...process.env, PYTHONUNBUFFERED: "1", TMPDIR: dataDir },
    removeWhenOrphaned: dataDir,
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
    await proc.stop(5000);
    rmSync(dataDir, { recursive: true, force: true });
    forget();
  };
  const failure = await waitS3Ready(target, proc, options.readyTimeoutMs ?? 60_000);
  if (failure) {
    const tail = tailOf(logFile) || "(no log)";
    await stop();
    throw new TestkitError(
      "S3_START_FAILED",
      `local S3 server (moto ${MOTO_VERSION}) did not start on 127.0.0.1:${port}: ${failure}; log tail:\n${tail}`,
    );
  }
  return { ...target, port, pid: proc.pgid, dataDir, logFile, stop };
}
