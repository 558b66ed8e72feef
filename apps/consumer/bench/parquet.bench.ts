/**
 * `pnpm --filter consumer bench` (second table): the sink engine writing the same records as JSON lines and as
 * Parquet (format.class=ParquetFormat, each parquet.codec), same topic, same run: records/s from the first record
 * read to the last written, bytes/record stored, JSON lines the baseline. flush.size 10 (the stack's default) and
 * 10,000. Env: BENCH_PARQUET_SMALL (records at flush.size 10, default 4000), BENCH_PARQUET_LARGE (default 40,000).
 */
import { createFakeLog } from "@weblog/fake-log";
import { encode } from "@weblog/log-schema";
import { defaultSinkSettings, type ParquetCodec, type SinkSettings } from "@weblog/sink-contract";
import { type KafkaHandle, type S3Handle, startKafka, startS3 } from "@weblog/testkit";
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
    groupId: `pq-${uid()}`,
    topicsDir: `pq-${uid()}`,
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
  await until("first record", () => engine.stats().recordsIn > 0, 60_000);
  const started = performance.now();
  await until("sink", () => engine.stats().recordsWritten >= n, 600_000);
  const ms = performance.now() - started;
  const { bytesWritten } = engine.stats();
  await engine.stop();
  await running;
  return { rate: n / (ms / 1000), bytesPerRecord: bytesWritten / n };
}

async function main() {
  const small = Number(process.env.BENCH_PARQUET_SMALL ?? 4000);
  const large = Number(process.env.BENCH_PARQUET_LARGE ?? 40_000);
  const [h, s3] = await Promise.all([startKafka(), startS3()]);
  try {
    const variants: { name: string; over: Partial<SinkSettings> }[] = [
      { name: "JSON lines", over: { format: "json" } },
      ...(["snappy", "gzip", "zstd", "none"] as ParquetCodec[]).map((codec) => ({
        name: `Parquet ${codec}`,
        over: { format: "parquet" as const, parquetCodec: codec },
      })),
    ];
    console.log(
      `\nS3 sink, JSON lines vs Parquet (kafka: ${h.backend}, s3: ${s3.backend}, ${PARTITIONS} partitions)`,
    );
    console.log("| flush.size | records | body | sink rec/s | vs JSON lines | bytes/record |");
    console.log("| --- | --- | --- | --- | --- | --- |");
    for (const [flushSize, n] of [
      [10, small],
      [10_000, large],
    ] as const) {
      const topic = `pqbench-${uid()}`;
      await produceAll(
        h,
        topic,
        createFakeLog({ seed: flushSize })
          .batch(n)
          .map((r) => encode(r)),
      );
      let base = 0;
      for (const v of variants) {
        const r = await sinkRun(h, s3, topic, n, { ...v.over, flushSize });
        base ||= r.rate;
        console.log(
          `| ${flushSize} | ${fmt(n)} | ${v.name} | ${fmt(r.rate)} | ${(r.rate / base).toFixed(2)}x | ${r.bytesPerRecord.toFixed(1)} |`,
        );
      }
    }
  } finally {
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
