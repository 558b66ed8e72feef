/**
 * Measures the local S3 server candidates the same way, in one run: start-up until the first S3 answer, RSS
 * after the load, and small-object PUT/GET latency (1,000 x 500 B at concurrency 4 and 16).
 * Run: ../../node_modules/.bin/tsx bench/s3-servers.ts   (moto: needs MOTO_SERVER=/path/to/venv/bin/moto_server)
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { freePort } from "../src/ports";
import { startLocalS3Server } from "../src/s3/local-server";

type Candidate = { name: string; start(): Promise<{ endpoint: string; pid: number; stop(): Promise<void> }> };

const CREDS = { accessKeyId: "minioadmin", secretAccessKey: "minioadmin" };
const client = (endpoint: string) =>
  new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: CREDS });

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function waitAnswer(endpoint: string, deadlineMs: number): Promise<void> {
  const c = client(endpoint);
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    try {
      await c.send(new ListBucketsCommand({}), { abortSignal: AbortSignal.timeout(1000) });
      c.destroy();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${endpoint}: no answer`);
}

const candidates: Candidate[] = [
  {
    name: "S3Proxy 4.1.0 (filesystem-nio2)",
    async start() {
      const s = await startLocalS3Server();
      // the watchdog's child is the JVM
      const jvm = Number(readFileSync(`/proc/${s.pid}/task/${s.pid}/children`, "utf8").trim().split(" ")[0]);
      return { endpoint: s.endpoint, pid: jvm, stop: s.stop };
    },
  },
];
if (process.env.MOTO_SERVER) {
  candidates.push({
    name: "moto 5.2.5 server",
    async start() {
      const port = await freePort();
      const child = spawn(process.env.MOTO_SERVER as string, ["-H", "127.0.0.1", "-p", String(port)], {
        stdio: "ignore",
      });
      const endpoint = `http://127.0.0.1:${port}`;
      await waitAnswer(endpoint, 60_000);
      return {
        endpoint,
        pid: child.pid as number,
        stop: async () => {
          child.kill("SIGKILL");
        },
      };
    },
  });
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function load(c: S3Client, bucket: string, op: "put" | "get", n: number, concurrency: number) {
  const body = Buffer.alloc(500, "x");
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const t = performance.now();
      if (op === "put") await c.send(new PutObjectCommand({ Bucket: bucket, Key: `o/${i}`, Body: body }));
      else
        await (
          await c.send(new GetObjectCommand({ Bucket: bucket, Key: `o/${i}` }))
        ).Body?.transformToByteArray();
      lat.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { perSec: Math.round(n / secs), p50: pct(lat, 50).toFixed(1), p99: pct(lat, 99).toFixed(1) };
}

const rows: string[] = [];
for (const cand of candidates) {
  const t0 = performance.now();
  const server = await cand.start();
  const startMs = Math.round(performance.now() - t0);
  const c = client(server.endpoint);
  const cells: string[] = [];
  for (const conc of [4, 16]) {
    const bucket = `bench-${conc}`;
    await c.send(new CreateBucketCommand({ Bucket: bucket }));
    await load(c, bucket, "put", 200, conc); // warm-up, not counted
    const put = await load(c, bucket, "put", 1000, conc);
    const get = await load(c, bucket, "get", 1000, conc);
    cells.push(
      `c=${conc}: PUT ${put.perSec}/s p50 ${put.p50} p99 ${put.p99} ms; GET ${get.perSec}/s p50 ${get.p50} p99 ${get.p99} ms`,
    );
  }
  const rss = rssMiB(server.pid).toFixed(0);
  rows.push(`| ${cand.name} | ${startMs} ms | ${rss} MiB | ${cells.join(" <br> ")} |`);
  c.destroy();
  await server.stop();
}
console.log("| server | start-up to first S3 answer | RSS after load | 1,000 x 500 B |");
console.log("|---|---|---|---|");
for (const r of rows) console.log(r);
