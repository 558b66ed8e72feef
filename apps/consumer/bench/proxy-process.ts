/**
 * The S3 latency proxy (@weblog/testkit's startTcpProxy) as a process of its own (proxy-child.ts), so the legs that
 * go through it do not share their event loop with it (the proxy's timers and copies cost CPU on the bench
 * process's thread, which would slow whichever leg runs there and not a leg in a child process: an unfair
 * comparison).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface ProxyProcess {
  port: number;
  close(): Promise<void>;
}

/** Starts the proxy in a child process and resolves with its port. */
export async function startProxyProcess(
  target: { host: string; port: number },
  delayMs: number,
): Promise<ProxyProcess> {
  const script = fileURLToPath(new URL("./proxy-child.js", import.meta.url));
  const child = spawn(process.execPath, [script, target.host, String(target.port), String(delayMs)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n")[0];
      if (out.includes("\n") && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.on("exit", (code) => reject(new Error(`bench: the proxy process exited ${code}`)));
  });
  return {
    port,
    async close() {
      const exited = new Promise((r) => child.on("exit", r));
      child.stdin.end();
      await exited;
    },
  };
}
