import type {
  DashboardState,
  HistogramPart,
  IcebergPart,
  PartitionPart,
  ProducerPart,
  S3Part,
  SinkPart,
} from "../shared/state";
import type { PartitionRow } from "./kafka-view";
import { byLabel, histogram, type Sample, total } from "./prom-text";
import type { S3View } from "./s3-view";
import type { Scrape } from "./scrape";

/** Pure: one poll's answers -> the page's snapshot (rates from `history`, which it appends to and trims). */
export interface PollInputs {
  atMs: number;
  topic: string;
  bucket: string;
  engine: string;
  producer?: { url: string; scrape: Scrape } | undefined;
  sink?: { url: string; scrape: Scrape } | undefined;
  s3: S3View | { error: string } | null;
  kafka: PartitionRow[] | null;
  verdict: DashboardState["verdict"];
  /** The Iceberg table's view (absent without --iceberg-table). */
  iceberg?: IcebergPart | null | undefined;
}

export interface Counters {
  atMs: number;
  produced: number | null;
  consumed: number | null;
  written: number | null;
  objects: number | null;
}

/** Delta-histogram from prom-client's cumulative buckets. */
function perBucket(samples: Sample[], name: string): HistogramPart {
  const h = histogram(samples, name);
  let prev = 0;
  const buckets = h.buckets.map((b) => {
    const count = b.count - prev;
    prev = b.count;
    return { le: Number.isFinite(b.le) ? b.le : null, count };
  });
  return { buckets, count: h.count, sum: h.sum };
}

function producerPart(p: NonNullable<PollInputs["producer"]>, last: ProducerPart | null): ProducerPart {
  if (!p.scrape.up) {
    // Finished (or not started): keep the last numbers, marked down.
    const base = last ?? { url: p.url, generated: 0, acked: 0, errors: 0, bytes: 0, targetRate: 0 };
    return { ...base, url: p.url, up: false, error: p.scrape.error };
  }
  const s = p.scrape.samples;
  return {
    url: p.url,
    up: true,
    generated: total(s, "weblog_producer_records_generated_total"),
    acked: total(s, "weblog_producer_records_acked_total"),
    errors: total(s, "weblog_producer_errors_total"),
    bytes: total(s, "weblog_producer_bytes_total"),
    targetRate: total(s, "weblog_producer_target_rate"),
  };
}

function sinkPart(p: NonNullable<PollInputs["sink"]>, last: SinkPart | null): SinkPart | null {
  if (!p.scrape.up) return last ? { ...last, url: p.url, up: false, error: p.scrape.error } : null;
  const s = p.scrape.samples;
  const objectsByReason = byLabel(s, "weblog_sink_objects_written_total", "reason");
  const dlqByReason = byLabel(s, "weblog_sink_dlq_records_total", "reason");
  return {
    url: p.url,
    up: true,
    recordsIn: total(s, "weblog_sink_records_in_total"),
    recordsWritten: total(s, "weblog_sink_records_written_total"),
    bytesWritten: total(s, "weblog_sink_bytes_written_total"),
    objects: Object.values(objectsByReason).reduce((a, b) => a + b, 0),
    objectsByReason,
    dlq: Object.values(dlqByReason).reduce((a, b) => a + b, 0),
    dlqByReason,
    retries: total(s, "weblog_sink_s3_retries_total"),
    paused: total(s, "weblog_sink_paused_partitions"),
    bufferedBytes: total(s, "weblog_sink_buffered_bytes"),
    bufferedRecords: total(s, "weblog_sink_buffered_records"),
    commits: total(s, "weblog_sink_commits_total"),
    skewed: total(s, "weblog_sink_clock_skew_records_total"),
    latency: perBucket(s, "weblog_sink_end_to_end_latency_seconds"),
    upload: perBucket(s, "weblog_sink_upload_duration_seconds"),
  };
}

function partitionsOf(inp: PollInputs, s3: S3Part | null): PartitionPart[] {
  const rows = new Map<number, PartitionPart>();
  const row = (p: number) => {
    let r = rows.get(p);
    if (!r) {
      r = { partition: p, high: null, lag: null, lagFrom: null, objects: 0, records: 0 };
      rows.set(p, r);
    }
    return r;
  };
  for (const k of inp.kafka ?? [])
    Object.assign(row(k.partition), { high: k.high, lag: k.lag, lagFrom: "kafka" });
  if (inp.sink?.scrape.up) {
    const s = inp.sink.scrape.samples;
    for (const x of s) {
      if (x.labels.topic !== inp.topic) continue;
      const p = Number(x.labels.partition);
      if (x.name === "weblog_sink_partition_lag") Object.assign(row(p), { lag: x.value, lagFrom: "sink" });
      if (x.name === "weblog_sink_partition_high_watermark") row(p).high = x.value;
    }
  }
  if (s3 && "partitions" in (inp.s3 ?? {})) {
    for (const [p, v] of Object.entries((inp.s3 as S3View).partitions)) {
      Object.assign(row(Number(p)), { objects: v.objects, records: v.records });
    }
  }
  return [...rows.values()].sort((a, b) => a.partition - b.partition);
}

const WINDOW_MS = 4000;

function rate(history: Counters[], key: Exclude<keyof Counters, "atMs">): number | null {
  const now = history[history.length - 1];
  const old = history.find((h) => h[key] !== null);
  if (!now || !old || now === old || now[key] === null || old[key] === null) return null;
  const dt = (now.atMs - old.atMs) / 1000;
  return dt > 0 ? Math.max(0, ((now[key] as number) - (old[key] as number)) / dt) : null;
}

export function buildState(
  inp: PollInputs,
  history: Counters[],
  last: DashboardState | null,
): DashboardState {
  const producer = inp.producer ? producerPart(inp.producer, last?.producer ?? null) : null;
  const sink = inp.sink ? sinkPart(inp.sink, last?.sink ?? null) : null;
  const s3: S3Part | null =
    inp.s3 === null
      ? null
      : "error" in inp.s3
        ? { ...(last?.s3 ?? emptyS3()), error: inp.s3.error }
        : { ...inp.s3 };
  history.push({
    atMs: inp.atMs,
    produced: producer ? producer.acked : null,
    consumed: sink?.up ? sink.recordsIn : null,
    written: s3 ? s3.records : null,
    objects: s3 ? s3.objects : null,
  });
  while (history.length > 2 && (history[0] as Counters).atMs < inp.atMs - WINDOW_MS) history.shift();
  return {
    atMs: inp.atMs,
    topic: inp.topic,
    bucket: inp.bucket,
    engine: inp.engine,
    producer,
    sink,
    partitions: partitionsOf(inp, s3),
    s3,
    verdict: inp.verdict,
    // A failed load keeps the last snapshots, marked with the error.
    iceberg:
      inp.iceberg?.error && last?.iceberg
        ? { ...last.iceberg, error: inp.iceberg.error }
        : (inp.iceberg ?? null),
    rates: {
      produced: producer?.up ? rate(history, "produced") : null,
      consumed: sink?.up ? rate(history, "consumed") : null,
      written: rate(history, "written"),
      objects: rate(history, "objects"),
    },
  };
}

const emptyS3 = (): S3Part => ({ objects: 0, bytes: 0, records: 0, detailed: 0, reasons: {}, newest: [] });
