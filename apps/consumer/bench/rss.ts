/**
 * The sink's peak RSS (VmHWM) with 64 partitions (16 topics x 4), flush.size 10,000, ~1 KiB records, as a separate
 * process (the CLI), so the figure is the sink's alone. The same process gives its floor first: the 16 topics are
 * created empty, the CLI joins the group with all 64 partitions, and its VmHWM then (no record yet) is the floor;
 * only then are the records produced.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createFakeLog } from "@weblog/fake-log";
import { ensureTopic } from "@weblog/kafka-client";
import { encode } from "@weblog/log-schema";
import { listSinkObjects, readRecordsFromObject } from "@weblog/s3";
import { type KafkaHandle, type S3Handle, spawnCli, startTcpProxy } from "@weblog/testkit";
import { kafkaOf, PARTITIONS, produceAll, uid } from "./legs";

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

/** VmHWM (peak RSS so far) and VmRSS of a process, MiB. */
function memMiB(pid: number): { hwm: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? "NaN");
  return { hwm: kb("VmHWM") / 1024, rss: kb("VmRSS") / 1024 };
}

async function untilAsync(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Bytes per line + newline, on average (the records are ~1 KiB; printed with the table). */
const lineBytes = (lines: string[]) => lines.reduce((a, l) => a + l.length + 1, 0) / lines.length;

/**
 * `n` valid records of ~1 KiB each (the target's size; fake-log's defaults stay ~250 B): fake-log's records with
 * the url grown by a tracking query string (visible ASCII, as servers log it) until the line is 1023 bytes + "\n".
 */
export function kibLines(n: number): string[] {
  const records = createFakeLog({ seed: 5 }).batch(n);
  return records.map((r, i) => {
    const base = `${r.url}${r.url.includes("?") ? "&" : "?"}utm_source=newsletter&utm_medium=email&utm_campaign=winter-sale-2026&sid=`;
    const missing = 1023 - encode({ ...r, url: base }).length;
    const pad = (i * 2654435761)
      .toString(16)
      .padStart(8, "0")
      .repeat(Math.ceil(Math.max(0, missing) / 8) + 1);
    return encode({ ...r, url: `${base}${pad.slice(0, Math.max(0, missing))}` });
  });
}

/**
 * One run: 16 topics x 4 partitions, the CLI's S3 through a TCP proxy; with `outageMs`, S3 is down (connections
 * refused) for that long from when a quarter of the records is produced, so the buffer fills to its cap and sets
 * sit in S3 retries meanwhile. `ms` runs from the first record produced to the last written.
 */
export async function rss64(
  h: KafkaHandle,
  s3: S3Handle,
  perPartition: number,
  bufferMaxBytes?: number,
  outageMs = 0,
) {
  const topics = Array.from({ length: 16 }, (_, i) => `rss-${uid()}-${i}`);
  const lines = kibLines(perPartition * PARTITIONS);
  for (const t of topics) await ensureTopic(kafkaOf(h), { topic: t, partitions: PARTITIONS });
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
      // node flags for the sink process alone, to compare (e.g. BENCH_RSS_NODE_OPTIONS=--max-semi-space-size=4)
      NODE_OPTIONS: process.env.BENCH_RSS_NODE_OPTIONS ?? "",
    },
  });
  const total = topics.length * PARTITIONS * perPartition;
  await untilAsync("the sink joined with 64 partitions", () => {
    if (cli.child.exitCode !== null) throw new Error(`sink exited: ${cli.stderr().slice(-500)}`);
    return /joined the group/.test(cli.stderr());
  });
  const floor = cli.pid ? memMiB(cli.pid) : { hwm: Number.NaN, rss: Number.NaN };
  let outage: Promise<void> | null = null;
  const started = performance.now();
  for (const [i, t] of topics.entries()) {
    // S3 goes down once a quarter of the records is produced, so the other three quarters meet it down
    if (outageMs > 0 && i === topics.length / 4)
      outage = proxy
        .pause()
        .then(() => new Promise<void>((r) => setTimeout(r, outageMs)).then(() => proxy.resume()));
    await produceAll(h, t, lines);
  }
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
  const peak = cli.pid ? memMiB(cli.pid).hwm : Number.NaN;
  const retries = Number([...cli.stderr().matchAll(/"uploadRetries":(\d+)/g)].at(-1)?.[1] ?? 0);
  cli.kill("SIGTERM");
  await cli.waitForExit(15_000);
  await outage;
  await proxy.close();
  const stored = await linesInS3(s3, topics);
  return {
    total,
    written,
    stored,
    ms,
    peak,
    floor,
    retries,
    outage: Boolean(outage),
    bytes: lineBytes(lines),
  };
}
