import { existsSync } from "node:fs";
import { request } from "node:http";
import { homedir } from "node:os";
import { join } from "node:path";

let cached: Promise<boolean> | undefined;

/** Where a Docker engine would answer, from DOCKER_HOST or the usual socket paths. */
function dockerTargets(): Array<{ socketPath: string } | { host: string; port: number }> {
  const dockerHost = process.env.DOCKER_HOST;
  if (dockerHost) {
    if (dockerHost.startsWith("unix://")) return [{ socketPath: dockerHost.slice("unix://".length) }];
    if (dockerHost.startsWith("tcp://")) {
      const url = new URL(dockerHost.replace(/^tcp:/, "http:"));
      return [{ host: url.hostname, port: Number(url.port || 2375) }];
    }
    return [];
  }
  const sockets = [
    "/var/run/docker.sock",
    join(homedir(), ".docker", "run", "docker.sock"), // Docker Desktop
    join(homedir(), ".colima", "default", "docker.sock"),
    join(homedir(), ".rd", "docker.sock"), // Rancher Desktop
  ];
  if (process.env.XDG_RUNTIME_DIR) sockets.push(join(process.env.XDG_RUNTIME_DIR, "docker.sock"));
  return sockets.filter((s) => existsSync(s)).map((socketPath) => ({ socketPath }));
}

function ping(target: { socketPath: string } | { host: string; port: number }, timeoutMs: number) {
  return new Promise<boolean>((resolve) => {
    const req = request({ ...target, path: "/_ping", method: "GET", timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => {
      req.destroy();
      resolve(false);
    });
    req.on("error", () => resolve(false));
    req.end();
  });
}

/**
 * Does a Docker engine answer `GET /_ping` (DOCKER_HOST or the default sockets)? Answers within ~1.5 s and is
 * cached for the life of the process. A `docker` CLI without an engine answers false. `TESTKIT_DOCKER=0` forces
 * false (use the local Kafka / S3 servers even where Docker runs).
 */
export function dockerAvailable(): Promise<boolean> {
  cached ??= (async () => {
    if (process.env.TESTKIT_DOCKER === "0") return false;
    for (const target of dockerTargets()) {
      if (await ping(target, 1500)) return true;
    }
    return false;
  })();
  return cached;
}
