/**
 * The sink's peak RSS (VmHWM) with 64 partitions (16 topics x 4), flush.size 10,000, as a separate process (the CLI),
 * so the figure is the sink's alone.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createFakeLog } from "@weblog/fake-log";
import { encode } from "@weblog/log-schema";
import { type KafkaHandle, type S3Handle, spawnCli } from "@weblog/testkit";
import { PARTITIONS, produceAll, uid } from "./legs";

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? "0");
  return kb / 1024;
}

export async function rss64(h: KafkaHandle, s3: S3Handle, perPartition: number, bufferMaxBytes?: number) {
  const topics = Array.from({ length: 16 }, (_, i) => `rss-${uid()}-${i}`);
  const lines = createFakeLog({ seed: 5 })
    .batch(perPartition * PARTITIONS)
    .map((r) => encode(r));
  for (const t of topics) await produceAll(h, t, lines);
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
      S3_ENDPOINT: s3.endpoint,
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
  while (written < total && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const matches = [...cli.stderr().matchAll(/"recordsWritten":(\d+)/g)];
    written = Number(matches.at(-1)?.[1] ?? 0);
    if (cli.child.exitCode !== null) throw new Error(`sink exited: ${cli.stderr().slice(-500)}`);
  }
  const ms = performance.now() - started;
  const peak = cli.pid ? peakRssMiB(cli.pid) : Number.NaN;
  cli.kill("SIGTERM");
  await cli.waitForExit(15_000);
  return { total, written, ms, peak };
}
