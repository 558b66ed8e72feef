/**
 * The sink's peak RSS (VmHWM) with 64 partitions (16 topics x 4), flush.size 10,000, as a separate process (the CLI),
 * so the figure is the sink's alone.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createFakeLog } from "@weblog/fake-log";
import { encode } from "@weblog/log-schema";
import { listSinkObjects, readRecordsFromObject } from "@weblog/s3";
import { type KafkaHandle, type S3Handle, spawnCli, startTcpProxy } from "@weblog/testkit";
import { PARTITIONS, produceAll, uid } from "./legs";

/** Record lines in S3 under the topics (what is stored, whatever recordsWritten counted: a re-upload overwrites). */
async function linesInS3(s3: S3Handle, topics: string[]): Promise<number> {
  const client = s3.client();
  let n = 0;
  try {
    for (const t of topics) {
      for await (const o of listSinkObjects(client, s3.bucket, `topics/${t}/`)) {
        if (!("parts" in o)) continue; // not a key of the sink's layout
        n += (await readRecordsFromObject(client, s3.bucket, o.key)).length;
      }
    }
  } finally {
    client.destroy();
  }
  return n;
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? "0");
  return kb / 1024;
}

/**
 * One run: 16 topics x 4 partitions, the CLI's S3 through a TCP proxy; with `outageMs`, S3 is down (connections
 * refused) for that long once a quarter of the records are written, so sets sit in S3 retries meanwhile.
 */
export async function rss64(
  h: KafkaHandle,
  s3: S3Handle,
  perPartition: number,
  bufferMaxBytes?: number,
  outageMs = 0,
) {
  const topics = Array.from({ length: 16 }, (_, i) => `rss-${uid()}-${i}`);
  const lines = createFakeLog({ seed: 5 })
    .batch(perPartition * PARTITIONS)
    .map((r) => encode(r));
  for (const t of topics) await produceAll(h, t, lines);
  const target = new URL(s3.endpoint);
  const proxy = await startTcpProxy({ target: { host: target.hostname, port: Number(target.port || 80) } });
  const main = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
  const args = [
    "--sink",
    "--topics",
    topics.join(","),
    "--group",
    `rss-${uid()}`,
    "--flush-size",
    "10000",
    "--rotate-schedule-interval-ms",
    "3000",
    ...(bufferMaxBytes ? ["--buffer-max-bytes", String(bufferMaxBytes)] : []),
  ];
  const cli = spawnCli(main, args, {
    env: {
      KAFKA_BROKERS: h.bootstrap,
      S3_ENDPOINT: `http://127.0.0.1:${proxy.port}`,
      S3_BUCKET: s3.bucket,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      WEBLOG_LOG_LEVEL: "info",
    },
  });
  const total = topics.length * PARTITIONS * perPartition;
  const started = performance.now();
  // Progress logs every 5 s carry recordsWritten.
  const deadline = Date.now() + 180_000;
  let written = 0;
  let outage: Promise<void> | null = null;
  while (written < total && Date.now() < deadline) {
    if (outageMs > 0 && !outage && written >= total / 4)
      outage = proxy
        .pause()
        .then(() => new Promise<void>((r) => setTimeout(r, outageMs)).then(() => proxy.resume()));
    await new Promise((r) => setTimeout(r, 500));
    const matches = [...cli.stderr().matchAll(/"recordsWritten":(\d+)/g)];
    written = Number(matches.at(-1)?.[1] ?? 0);
    if (cli.child.exitCode !== null) throw new Error(`sink exited: ${cli.stderr().slice(-500)}`);
  }
  const ms = performance.now() - started;
  const peak = cli.pid ? peakRssMiB(cli.pid) : Number.NaN;
  const retries = Number([...cli.stderr().matchAll(/"uploadRetries":(\d+)/g)].at(-1)?.[1] ?? 0);
  cli.kill("SIGTERM");
  await cli.waitForExit(15_000);
  await outage;
  await proxy.close();
  return { total, written, stored: await linesInS3(s3, topics), ms, peak, retries, outage: Boolean(outage) };
}
