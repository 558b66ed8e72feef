/**
 * `pnpm --filter consumer bench` (or `pnpm bench` at the root): the S3 sink where users run it, i.e. with S3 far
 * away. Every S3 request of the legs below goes through @weblog/testkit's TCP proxy, which adds a fixed one-way
 * latency (`--s3-latency-ms`, env WEBLOG_BENCH_S3_LATENCY_MS, default 25 ms: real S3 answers a PUT in ~20-60 ms;
 * 0 = loopback). Per flush.size, from the same run, on the same records and the same objects:
 *   - bare consume: a bare kafkajs group consumer reading the records (eachBatch, nothing else);
 *   - bare PUT c=4 and c=16: bare PutObjects of the sink's objects, 4 (one per partition, the strict order's
 *     ceiling) and 16 in flight;
 *   - the sink: the engine (decode + validate + partition + buffer + PUT + commit), in-process;
 * and for reference the bare consume that decodes + validates every record as the sink does (its CPU floor).
 * Then the validation table (validation.ts): the cheaper check and worker threads, each against the old path.
 * Targets (issue 12): flush.size 10, 4 partitions: sink >= 0.75x bare PUT c=16. Then the sink's peak RSS with 64
 * partitions (rss.ts).
 *
 * Env: BENCH_RECORDS_SMALL (records for flush.size 10, default 8000), BENCH_RECORDS_LARGE (flush.size 10000,
 * default 40000; 0 = leave the row out), BENCH_RSS_PER_PARTITION (default 1200: 64 x 1200 x 1 KiB = 75 MiB, past the 64 MiB cap), BENCH_RSS_RUNS (below),
 * BENCH_RSS_NODE_OPTIONS (NODE_OPTIONS for the sink process of the RSS runs), BENCH_SKIP_RSS=1 (throughput only),
 * BENCH_RECORDS_COMPANIONS (the store.kafka.keys / headers table, companions.ts, default 40000; 0 = leave it out), BENCH_RECORDS_VALIDATION (the validation table, default 120000, rounded down to whole objects; 0 = leave it out), WEBLOG_BENCH_SINK_INFLIGHT ("per-partition,total"
 * upload windows for the sink leg, default: the sink's defaults).
 */
import { loadavg } from "node:os";
import type { S3Client } from "@aws-sdk/client-s3";
import { createFakeLog } from "@weblog/fake-log";
import { encode } from "@weblog/log-schema";
import { defaultSinkSettings, type SinkSettings } from "@weblog/sink-contract";
import { type KafkaHandle, type S3Handle, startKafka, startS3, startTcpProxy } from "@weblog/testkit";
import { applySinkHeapFlags } from "../src/heap";
import { createSinkEngine } from "../src/sink";
import { companionRows } from "./companions";
import {
  clientVia,
  kafkaOf,
  latencyMs,
  objectsOf,
  PARTITIONS,
  produceAll,
  rawConsume,
  rawPut,
  silent,
  uid,
  until,
} from "./legs";
import { rss64 } from "./rss";
import { validationRows } from "./validation";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

async function sinkRun(
  h: KafkaHandle,
  s3: S3Handle,
  client: S3Client,
  topic: string,
  n: number,
  flushSize: number,
  extra: Partial<SinkSettings> = {},
): Promise<{ ms: number; commits: number; objects: number }> {
  const settings: SinkSettings = {
    ...defaultSinkSettings(),
    topics: [topic],
    bucket: s3.bucket,
    storeUrl: s3.endpoint,
    flushSize,
    rotateScheduleIntervalMs: -1,
    groupId: `sink-${uid()}`,
    ...extra,
  };
  const windows = process.env.WEBLOG_BENCH_SINK_INFLIGHT?.split(",").map(Number);
  if (windows?.[0]) settings.uploadMaxInFlightPerPartition = windows[0];
  if (windows?.[1]) settings.uploadMaxInFlight = windows[1];
  const engine = createSinkEngine({
    kafka: kafkaOf(h),
    s3: client,
    settings,
    logger: silent,
    endpoint: s3.endpoint,
  });
  const running = engine.run();
  await until("first record", () => engine.stats().recordsIn > 0, 60_000);
  const started = performance.now();
  const debug = process.env.BENCH_DEBUG
    ? setInterval(() => console.error(JSON.stringify(engine.stats())), 2000)
    : undefined;
  await until("sink", () => engine.stats().recordsWritten >= n, 300_000);
  const ms = performance.now() - started;
  clearInterval(debug);
  const { commits, objectsWritten } = engine.stats();
  await engine.stop();
  await running;
  return { ms, commits, objects: objectsWritten };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

function printTable(header: string[], rows: string[][]) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padStart(widths[i] ?? 0)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows) console.log(line(r));
}

async function main() {
  applySinkHeapFlags(); // the heap setting the CLI's sink runs with (src/heap.ts); every leg of this process shares it
  const latency = latencyMs();
  const small = Number(process.env.BENCH_RECORDS_SMALL ?? 8000);
  const large = Number(process.env.BENCH_RECORDS_LARGE ?? 40_000);
  const perPartition = Number(process.env.BENCH_RSS_PER_PARTITION ?? 1200);
  const [h, s3] = await Promise.all([startKafka(), startS3()]);
  const target = new URL(s3.endpoint);
  const proxy = await startTcpProxy({
    target: { host: target.hostname, port: Number(target.port || 80) },
    delayMs: latency,
  });
  const client = clientVia(s3, `http://127.0.0.1:${proxy.port}`);
  const rows: string[][] = [];
  try {
    for (const [flushSize, n] of [
      [10, small],
      [10_000, large],
    ] as const) {
      if (n === 0) continue; // BENCH_RECORDS_*=0 leaves that table row out
      const topic = `bench-${uid()}`;
      const lines = createFakeLog({ seed: flushSize })
        .batch(n)
        .map((r) => encode(r));
      await produceAll(h, topic, lines);
      const consumeMs = await rawConsume(h, topic, n);
      const decodeMs = await rawConsume(h, topic, n, "quick");
      const objects = (run: string) => objectsOf(`raw-${run}-${topic}`, lines, flushSize);
      const put4Ms = await rawPut(client, s3.bucket, objects("c4"), 4);
      const put16FirstMs = await rawPut(client, s3.bucket, objects("c16"), 16);
      const sink = await sinkRun(h, s3, client, topic, n, flushSize);
      // c=16 twice (before and after the sink; the machine is shared): the faster run is the baseline.
      const put16Ms = Math.min(put16FirstMs, await rawPut(client, s3.bucket, objects("c16b"), 16));
      const rate = (ms: number) => n / (ms / 1000);
      const vs16 = rate(sink.ms) / rate(put16Ms);
      rows.push([
        String(flushSize),
        fmt(n),
        fmt(objects("x").length),
        fmt(rate(consumeMs)),
        fmt(rate(decodeMs)),
        fmt(rate(put4Ms)),
        fmt(rate(put16Ms)),
        fmt(rate(sink.ms)),
        (sink.commits / Math.max(1, sink.objects)).toFixed(2),
        (rate(sink.ms) / rate(put4Ms)).toFixed(2),
        vs16.toFixed(2),
        (rate(sink.ms) / rate(consumeMs)).toFixed(2),
        // one after the other: read everything, then PUT everything (the sink overlaps them, or cannot)
        (rate(sink.ms) / (1 / (1 / rate(consumeMs) + 1 / rate(put16Ms)))).toFixed(2),
        flushSize === 10 ? (vs16 >= 0.75 ? "yes (>= 0.75x c=16)" : "NO (< 0.75x c=16)") : "Connect: n/a",
      ]);
    }
    console.log(
      `\nS3 sink throughput (kafka: ${h.backend}, s3: ${s3.server}, ${PARTITIONS} partitions, +${latency} ms per S3 request)`,
    );
    printTable(
      [
        "flush.size",
        "records",
        "objects",
        "bare consume rec/s",
        "consume+decode rec/s (ref)",
        "bare PUT c=4 rec/s",
        "bare PUT c=16 rec/s",
        "sink rec/s",
        "sink commits/object",
        "sink/PUT c=4",
        "sink/PUT c=16",
        "sink/consume",
        "sink/(consume, then PUT c=16)",
        "target",
      ],
      rows,
    );

    // whole objects only (no rotation timer in these legs): a multiple of PARTITIONS x flush.size 10,000
    const perRound = PARTITIONS * 10_000;
    const validationN =
      Math.floor(Number(process.env.BENCH_RECORDS_VALIDATION ?? 120_000) / perRound) * perRound;
    if (validationN > 0) {
      const vrows = await validationRows(h, validationN, (topic, n, flushSize) =>
        sinkRun(h, s3, client, topic, n, flushSize),
      );
      console.log(
        `\nValidation cost at flush.size 10000 (${fmt(validationN)} records, ${PARTITIONS} partitions, +${latency} ms per S3 request; load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(" ")})`,
      );
      printTable(["leg", "rec/s", "vs bare consume", "vs old path (same run)"], vrows);
    }

    const companionsN = Number(process.env.BENCH_RECORDS_COMPANIONS ?? 40_000);
    if (companionsN > 0) {
      const crows = await companionRows(h, companionsN, (topic, n, extra) =>
        sinkRun(h, s3, client, topic, n, 10_000, extra),
      );
      console.log(
        `\nstore.kafka.keys / headers at flush.size 10000 (${fmt(companionsN)} records with a key and 2 headers, ${PARTITIONS} partitions, +${latency} ms per S3 request; two rounds, each leg's faster run)`,
      );
      printTable(["leg", "rec/s", "objects (value + companions)", "vs keys off (same run)"], crows);
    }

    if (process.env.BENCH_SKIP_RSS) return;
    const baseline = process.memoryUsage().rss / 1024 / 1024;
    const MiB = 1024 * 1024;
    // BENCH_RSS_RUNS="capMiB:outageMs,...": the runs (default: the target's cap with and without 30 s of S3 down,
    // and a small cap with the outage)
    const runs = (process.env.BENCH_RSS_RUNS ?? "64:0,64:30000,8:30000").split(",").map((spec) => {
      const [capMiB, outageMs] = spec.split(":").map(Number) as [number, number];
      return { cap: capMiB * MiB, label: `${capMiB} MiB${capMiB === 64 ? " (default)" : ""}`, outageMs };
    });
    const rssRows: string[][] = [];
    let recordBytes = 0;
    for (const r of runs) {
      const m = await rss64(h, s3, perPartition, r.cap, r.outageMs);
      recordBytes = m.bytes;
      const cap = r.cap / MiB;
      const limit = cap + 128;
      rssRows.push([
        r.label,
        r.outageMs > 0 ? `${r.outageMs / 1000} s${m.outage ? "" : " (not reached)"}` : "none",
        `${fmt(m.written)}/${fmt(m.total)}`,
        fmt(m.stored),
        fmt(m.retries),
        (m.ms / 1000).toFixed(1),
        `${m.floor.hwm.toFixed(0)} (RSS ${m.floor.rss.toFixed(0)})`,
        m.peak.toFixed(0),
        (m.peak - cap).toFixed(0),
        (m.peak - m.floor.hwm).toFixed(0),
        `${limit.toFixed(0)}: ${m.peak <= limit ? "met" : `MISSED by ${(m.peak - limit).toFixed(0)}`}`,
      ]);
    }
    console.log(
      `\nPeak RSS of the sink process, 64 partitions (16 topics x 4), flush.size 10000, ${perPartition} records/partition of ${recordBytes.toFixed(0)} B, sink's NODE_OPTIONS: ${process.env.BENCH_RSS_NODE_OPTIONS || "none"} (S3 direct, through a proxy that can refuse connections; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}):`,
    );
    printTable(
      [
        "buffer cap",
        "S3 down",
        "recordsWritten (uploads)",
        "lines in S3",
        "upload retries",
        "seconds",
        "floor MiB (VmHWM joined, no record)",
        "peak RSS MiB",
        "peak - cap",
        "peak - floor",
        "target: peak <= cap + 128 MiB",
      ],
      rssRows,
    );
    console.log(`(this bench process, for scale: ${baseline.toFixed(0)} MiB RSS)`);
  } finally {
    client.destroy();
    await proxy.close();
    await Promise.all([h.stop(), s3.stop()]);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
