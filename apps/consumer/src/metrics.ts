import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { ObjectStore } from "./sink/committer";
import type { DeadLetter } from "./sink/dlq";
import type { PartitionLag } from "./sink/lag";
import type { FlushSet } from "./sink/partition-buffer";
import type { SinkStats } from "./sink/types";

/**
 * The sink's Prometheus metrics (prom-client). The engine feeds it through a few hooks (`SinkHooks`, called from
 * index.ts and batch.ts); the counters the engine already keeps (SinkStats) and the lag poller's rows are read at
 * scrape time, so the data path pays nothing for them. Names: README "Metrics".
 *
 * End-to-end latency: per record, from its Kafka timestamp to the moment the object holding it is uploaded. The
 * timestamps of buffered records are kept here per partition (offset order); a re-read (an offset not after the
 * last one kept) forgets the partition's list, and a cut takes the records before its commit offset.
 */
export interface SinkHooks {
  /** A record was buffered (batch.ts). */
  appended(partitionKey: string, offset: bigint, kafkaTimestampMs: number): void;
  /** A partition's buffer was cut into `set` (index.ts, around Partitions.take). */
  taken(partitionKey: string, set: FlushSet | null): void;
  /** One offset commit (with its retries) took `ms`. */
  committed(ms: number): void;
  /** The object store, timed and counted by cut reason. */
  wrapStore<S extends ObjectStore>(store: S): S;
  /** Letters the broker acknowledged on the DLQ topic, counted by reason (dlq.ts `onSent`). */
  dlqSent(letters: readonly Pick<DeadLetter, "reason">[]): void;
}

export interface SinkView {
  stats(): SinkStats;
  lag(): readonly PartitionLag[];
}

export interface SinkMetrics extends SinkHooks {
  readonly registry: Registry;
  /** What is read at scrape time (the engine, once created). */
  bind(view: SinkView): void;
}

const P = "weblog_sink_";
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const E2E_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 15, 30, 60, 120, 300];

export function createSinkMetrics(opts: { now?: () => number; defaultMetrics?: boolean } = {}): SinkMetrics {
  const now = opts.now ?? Date.now;
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  let view: SinkView | null = null;
  const stat = (k: keyof SinkStats) => (view ? view.stats()[k] : 0);

  /** A counter mirrored from SinkStats at scrape time (monotonic there too). */
  const mirrored = (name: string, help: string, key: keyof SinkStats) =>
    new Counter({
      name: P + name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(stat(key));
      },
    });
  const gauge = (name: string, help: string, key: keyof SinkStats) =>
    new Gauge({
      name: P + name,
      help,
      registers: [registry],
      collect() {
        this.set(stat(key));
      },
    });

  mirrored("records_in_total", "Records read from Kafka.", "recordsIn");
  mirrored("records_written_total", "Records in objects uploaded to S3.", "recordsWritten");
  mirrored("bytes_written_total", "Bytes of objects uploaded to S3 (after compression).", "bytesWritten");
  mirrored("commits_total", "Offset commits.", "commits");
  mirrored("s3_retries_total", "Failed S3 upload attempts that were retried.", "uploadRetries");
  mirrored(
    "multipart_leftovers_aborted_total",
    "Incomplete multipart uploads of a partition aborted when this sink took it (a crash's or a previous owner's).",
    "leftoversAborted",
  );
  mirrored(
    "multipart_no_such_upload_total",
    "Requests of a multipart upload of ours answered NoSuchUpload (the upload was aborted under us).",
    "noSuchUpload",
  );
  mirrored("records_skipped_total", "Tombstones ignored (behavior.on.null.values=ignore).", "skipped");
  gauge("paused_partitions", "Partitions paused while their upload retries S3.", "paused");
  gauge("buffered_bytes", "Record bytes buffered, not yet uploaded.", "bufferedBytes");
  gauge("buffered_records", "Records buffered, not yet uploaded.", "bufferedRecords");
  gauge("assigned_partitions", "Partitions assigned to this sink.", "assigned");
  const objects = new Counter({
    name: `${P}objects_written_total`,
    help: "Objects uploaded to S3, by why they were cut (the Confluent setting, memory or shutdown).",
    labelNames: ["reason"],
    registers: [registry],
  });
  const dlqRecords = new Counter({
    name: `${P}dlq_records_total`,
    help: "Records sent to the dead letter queue (acknowledged by the broker), by reason (at least once: a re-read sends again).",
    labelNames: ["reason"],
    registers: [registry],
  });
  const upload = new Histogram({
    name: `${P}upload_duration_seconds`,
    help: "One cut's upload to S3, retries included.",
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const commit = new Histogram({
    name: `${P}commit_duration_seconds`,
    help: "One offset commit, retries included.",
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const e2e = new Histogram({
    name: `${P}end_to_end_latency_seconds`,
    help: "Per record: Kafka record timestamp -> its object uploaded.",
    buckets: E2E_BUCKETS,
    registers: [registry],
  });
  const skew = new Counter({
    name: `${P}clock_skew_records_total`,
    help: "Records whose Kafka timestamp is after their upload (producer clock ahead): left out of the latency histogram.",
    registers: [registry],
  });
  const lagOpts = { labelNames: ["topic", "partition"] as const, registers: [registry] };
  new Gauge({
    name: `${P}partition_lag`,
    help: "High watermark (fresh, Admin ListOffsets) - the sink's position (the group's committed offset before it joined).",
    ...lagOpts,
    collect() {
      this.reset();
      for (const r of view?.lag() ?? []) this.set({ topic: r.topic, partition: String(r.partition) }, r.lag);
    },
  });
  new Gauge({
    name: `${P}partition_high_watermark`,
    help: "High watermark per partition, as last polled.",
    ...lagOpts,
    collect() {
      this.reset();
      for (const r of view?.lag() ?? [])
        this.set({ topic: r.topic, partition: String(r.partition) }, r.highWatermark);
    },
  });

  const buffered = new Map<string, { offsets: number[]; times: number[] }>();
  const timesOfSet = new WeakMap<FlushSet, number[]>();

  return {
    registry,
    bind(v) {
      view = v;
    },
    appended(key, offset, ts) {
      let b = buffered.get(key);
      if (!b) {
        b = { offsets: [], times: [] };
        buffered.set(key, b);
      }
      const o = Number(offset);
      const last = b.offsets[b.offsets.length - 1];
      if (last !== undefined && o <= last) {
        b.offsets = [];
        b.times = [];
      }
      b.offsets.push(o);
      b.times.push(ts);
    },
    taken(key, set) {
      const b = buffered.get(key);
      if (!set || !b) return;
      const end = Number(set.commitOffset);
      let n = 0;
      while (n < b.offsets.length && (b.offsets[n] as number) < end) n++;
      timesOfSet.set(set, b.times.slice(0, n));
      b.offsets = b.offsets.slice(n);
      b.times = b.times.slice(n);
    },
    committed(ms) {
      commit.observe(ms / 1000);
    },
    wrapStore(store) {
      const wrapped = Object.create(store) as typeof store;
      wrapped.upload = async (set, control) => {
        const started = now();
        const result = await store.upload(set, control);
        const done = now();
        upload.observe((done - started) / 1000);
        objects.inc({ reason: set.reason }, result.keys.length);
        for (const ts of timesOfSet.get(set) ?? []) {
          if (ts > done) skew.inc();
          else e2e.observe((done - ts) / 1000);
        }
        timesOfSet.delete(set);
        return result;
      };
      return wrapped;
    },
    dlqSent(letters) {
      for (const l of letters) dlqRecords.inc({ reason: l.reason });
    },
  };
}
