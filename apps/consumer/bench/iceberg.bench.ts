/**
 * `pnpm --filter consumer bench` (Iceberg table): the sink engine on the same records, same run, writing Parquet
 * objects (format.class=ParquetFormat, snappy: the baseline) and an Apache Iceberg table (--format iceberg, snappy
 * data files, through the local REST catalog) at iceberg.control.commit.interval-ms 0 (a snapshot as soon as the
 * previous one is in) and 10000 (the 10 s). Two rates from the first record read: to the last record
 * uploaded (objects, or data files: the rate the sink consumes at, which the table's interval no longer throttles)
 * and to the last record final (objects: its offset committed; table: in a committed snapshot, so a finite backlog
 * ends with up to one interval of waiting for the last snapshot); snapshots made. flush.size 10,000. The variants
 * run in turn for BENCH_ICEBERG_ROUNDS rounds (default 3, each starting one variant later), the best round of each
 * printed. Env:
 * BENCH_ICEBERG_RECORDS (default 400,000).
 */
import { createFakeLog } from "@weblog/fake-log";
import { createRestCatalog, offsetsAt, parseTableName } from "@weblog/iceberg";
import { ensureTopic } from "@weblog/kafka-client";
import { encode } from "@weblog/log-schema";
import { defaultSinkSettings, type SinkSettings } from "@weblog/sink-contract";
import { type KafkaHandle, type S3Handle, startIcebergCatalog, startKafka, startS3 } from "@weblog/testkit";
import { createSinkEngine } from "../src/sink";
import { kafkaOf, PARTITIONS, produceAll, silent, uid, until } from "./legs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function sinkRun(h: KafkaHandle, s3: S3Handle, topic: string, n: number, over: Partial<SinkSettings>) {
  const settings: SinkSettings = {
    ...defaultSinkSettings(),
    topics: [topic],
    bucket: s3.bucket,
    storeUrl: s3.endpoint,
    rotateScheduleIntervalMs: -1,
    flushSize: 10_000,
    groupId: `ice-${uid()}`,
    topicsDir: `ice-${uid()}`,
    ...over,
  };
  const engine = createSinkEngine({
    kafka: kafkaOf(h),
    s3: s3.client(),
    settings,
    logger: silent,
    endpoint: s3.endpoint,
  });
  const running = engine.run();
  await until("first record", () => engine.stats().recordsIn > 0, 120_000);
  const started = performance.now();
  await until("uploaded", () => engine.stats().recordsUploaded >= n, 600_000);
  const uploadedMs = performance.now() - started;
  await until("final", () => engine.stats().recordsWritten >= n, 600_000);
  const finalMs = performance.now() - started;
  const { objectsWritten } = engine.stats();
  await engine.stop();
  await running;
  return { uploaded: n / (uploadedMs / 1000), final: n / (finalMs / 1000), files: objectsWritten };
}

/**
 * Freshness: records produced steadily (`rate`/s for `seconds`) while the sink runs; each record's latency is the
 * commit time of the first snapshot whose offsets pass it, minus the time its produce was acknowledged.
 */
async function freshness(
  h: KafkaHandle,
  s3: S3Handle,
  catalogUri: string,
  intervalMs: number,
  rate: number,
  seconds: number,
) {
  const topic = `icefresh-${uid()}`;
  await ensureTopic(kafkaOf(h), { topic, partitions: PARTITIONS });
  const table = `bench.f_${uid()}`;
  const group = `fresh-${uid()}`;
  const settings: SinkSettings = {
    ...defaultSinkSettings(),
    topics: [topic],
    bucket: s3.bucket,
    storeUrl: s3.endpoint,
    groupId: group,
    flushSize: 10_000,
    rotateScheduleIntervalMs: 1000,
    format: "iceberg",
    icebergTable: table,
    icebergCatalogUri: catalogUri,
    icebergCommitIntervalMs: intervalMs,
  };
  const engine = createSinkEngine({
    kafka: kafkaOf(h),
    s3: s3.client(),
    settings,
    logger: silent,
    endpoint: s3.endpoint,
  });
  const running = engine.run();
  const producer = kafkaOf(h).producer();
  await producer.connect();
  const acked: { partition: number; offset: number; at: number }[] = [];
  const log = createFakeLog({ seed: 5 });
  const perTick = Math.max(1, Math.round(rate / 10));
  const started = Date.now();
  for (let tick = 0; tick < seconds * 10; tick++) {
    const lines = log.batch(perTick).map((r) => encode(r));
    const res = await producer.send({
      topic,
      acks: -1,
      messages: lines.map((value, j) => ({ partition: j % PARTITIONS, value })),
    });
    const at = Date.now();
    const counts = new Map<number, number>();
    for (let j = 0; j < lines.length; j++) counts.set(j % PARTITIONS, (counts.get(j % PARTITIONS) ?? 0) + 1);
    for (const r of res)
      for (let k = 0; k < (counts.get(r.partition) ?? 0); k++)
        acked.push({ partition: r.partition, offset: Number(r.baseOffset) + k, at });
    const next = started + (tick + 1) * 100;
    if (next > Date.now()) await new Promise((r) => setTimeout(r, next - Date.now()));
  }
  await producer.disconnect();
  await until("all in the table", () => engine.stats().recordsWritten >= acked.length, 120_000);
  await engine.stop();
  await running;
  const { metadata } = await createRestCatalog({ uri: catalogUri }).loadTable(parseTableName(table));
  const snaps = (metadata.snapshots ?? [])
    .map((s) => ({
      at: s["timestamp-ms"],
      offsets: offsetsAt(metadata.snapshots ?? [], s["snapshot-id"], group).get(topic),
    }))
    .sort((a, b) => a.at - b.at);
  const latencies = acked
    .map((r) => {
      const snap = snaps.find((s) => (s.offsets?.get(r.partition) ?? 0) > r.offset);
      return snap ? snap.at - r.at : Number.NaN;
    })
    .filter((ms) => Number.isFinite(ms))
    .sort((a, b) => a - b);
  const pct = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    records: acked.length,
    measured: latencies.length,
    p50: pct(0.5),
    p95: pct(0.95),
    snapshots: snaps.length,
  };
}

async function snapshotsOf(catalogUri: string, table: string): Promise<number> {
  const { metadata } = await createRestCatalog({ uri: catalogUri }).loadTable(parseTableName(table));
  return metadata.snapshots?.length ?? 0;
}

async function main() {
  const n = Number(process.env.BENCH_ICEBERG_RECORDS ?? 400_000);
  const [h, s3] = await Promise.all([startKafka(), startS3()]);
  const catalog = await startIcebergCatalog({ s3, warehouse: `s3://${s3.bucket}/warehouse` });
  try {
    const topic = `icebench-${uid()}`;
    await produceAll(
      h,
      topic,
      createFakeLog({ seed: 22 })
        .batch(n)
        .map((r) => encode(r)),
    );
    const table = (ms: number): Partial<SinkSettings> => ({
      format: "iceberg",
      icebergTable: `bench.t_${uid()}`,
      icebergCatalogUri: catalog.uri,
      icebergCommitIntervalMs: ms,
    });
    const variants: { name: string; over: Partial<SinkSettings> }[] = [
      { name: "Parquet objects (snappy)", over: { format: "parquet", parquetCodec: "snappy" } },
      { name: "Iceberg table, commit interval 0 ms", over: table(0) },
      { name: "Iceberg table, commit interval 10 s", over: table(10_000) },
    ];
    console.log(
      `\nIceberg sink vs Parquet object sink (kafka: ${h.backend}, s3: ${s3.backend}, ${PARTITIONS} partitions, flush.size 10,000, ${fmt(n)} records)`,
    );
    console.log(
      "| destination | rec/s, read -> uploaded | vs Parquet objects | rec/s, read -> final (committed / in a snapshot) | vs Parquet objects | files | snapshots |",
    );
    console.log("| --- | --- | --- | --- | --- | --- | --- |");
    // Rounds over every variant, each round starting one variant later (no variant always runs first or last:
    // warm-up and other load hit each alike); the best round of each is printed.
    const rounds = Number(process.env.BENCH_ICEBERG_ROUNDS ?? 3);
    const best = new Map<string, Awaited<ReturnType<typeof sinkRun>> & { snaps: number | string }>();
    for (let round = 0; round < rounds; round++) {
      const order = variants.map(
        (_, i) => variants[(i + round) % variants.length] as (typeof variants)[number],
      );
      for (const v of order) {
        const over = v.over.icebergTable ? { ...v.over, icebergTable: `bench.t_${uid()}` } : v.over;
        const r = await sinkRun(h, s3, topic, n, over);
        const snaps = over.icebergTable ? await snapshotsOf(catalog.uri, over.icebergTable) : "-";
        const prev = best.get(v.name);
        if (!prev || r.final > prev.final) best.set(v.name, { ...r, snaps });
      }
    }
    const base = best.get(variants[0]?.name ?? "") as { uploaded: number; final: number };
    for (const v of variants) {
      const r = best.get(v.name);
      if (!r) continue;
      console.log(
        `| ${v.name} | ${fmt(r.uploaded)} | ${(r.uploaded / base.uploaded).toFixed(2)}x | ${fmt(r.final)} | ${(r.final / base.final).toFixed(2)}x | ${r.files} | ${r.snaps} |`,
      );
    }
    const rate = Number(process.env.BENCH_ICEBERG_FRESH_RATE ?? 1000);
    const seconds = Number(process.env.BENCH_ICEBERG_FRESH_SECONDS ?? 20);
    console.log(
      `\nFreshness: ${fmt(rate)} records/s for ${seconds} s, produce acknowledged -> in a committed snapshot (rotate.schedule.interval.ms 1000, flush.size 10,000)`,
    );
    console.log("| commit interval | records | p50 | p95 | target p95 <= interval + 2 s | snapshots |");
    console.log("| --- | --- | --- | --- | --- | --- |");
    for (const interval of [0, 10_000]) {
      const f = await freshness(h, s3, catalog.uri, interval, rate, seconds);
      const ok = f.p95 <= interval + 2000 ? "met" : "missed";
      console.log(
        `| ${interval} ms | ${fmt(f.measured)} of ${fmt(f.records)} | ${fmt(f.p50)} ms | ${fmt(f.p95)} ms | ${ok} | ${f.snapshots} |`,
      );
    }
  } finally {
    await catalog.stop();
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
