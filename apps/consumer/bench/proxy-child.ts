/**
 * `node proxy-child.js <host> <port> <delayMs>`: @weblog/testkit's latency proxy alone in a process (started by
 * proxy-process.ts). Prints `{"port":N}` and runs until its stdin closes (the bench exits or closes it), so it never
 * outlives the bench.
 */
import { startTcpProxy } from "@weblog/testkit";

const [host, port, delay] = process.argv.slice(2);
const proxy = await startTcpProxy({
  target: { host: host ?? "127.0.0.1", port: Number(port) },
  delayMs: Number(delay),
});
process.stdout.write(`${JSON.stringify({ port: proxy.port })}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  void proxy.close().then(() => process.exit(0));
});
