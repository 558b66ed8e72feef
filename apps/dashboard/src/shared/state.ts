/** What `GET /api/state` answers: one snapshot of the pipeline (server: state.ts; page: web/). Types only. */
export interface DashboardState {
  atMs: number;
  topic: string;
  bucket: string;
  engine: string;
  producer: ProducerPart | null;
  sink: SinkPart | null;
  partitions: PartitionPart[];
  s3: S3Part | null;
  verdict: VerdictPart | null;
  /** The Iceberg table's newest snapshots (null without --iceberg-table). */
  iceberg: IcebergPart | null;
  /** Records per second over the last few seconds, for the arrows. */
  rates: { produced: number | null; consumed: number | null; written: number | null; objects: number | null };
}

export interface ProducerPart {
  url: string;
  up: boolean;
  error?: string;
  generated: number;
  acked: number;
  errors: number;
  bytes: number;
  targetRate: number;
}

export interface HistogramPart {
  /** Upper bounds in seconds (the last is Infinity, sent as null) and the count in each bucket (not cumulative). */
  buckets: { le: number | null; count: number }[];
  count: number;
  sum: number;
}

export interface SinkPart {
  url: string;
  up: boolean;
  error?: string;
  recordsIn: number;
  recordsWritten: number;
  bytesWritten: number;
  objects: number;
  objectsByReason: Record<string, number>;
  dlq: number;
  dlqByReason: Record<string, number>;
  retries: number;
  paused: number;
  bufferedBytes: number;
  bufferedRecords: number;
  commits: number;
  skewed: number;
  latency: HistogramPart;
  upload: HistogramPart;
}

export interface PartitionPart {
  partition: number;
  high: number | null;
  lag: number | null;
  /** Where `lag` comes from: the sink's own /metrics, or Kafka's committed offsets of the engine's group. */
  lagFrom: "sink" | "kafka" | null;
  objects: number;
  records: number;
}

export interface ObjectPart {
  key: string;
  partition: number;
  startOffset: string;
  size: number;
  lastModifiedMs: number | null;
  records: number | null;
  reason: string | null;
  reasonFrom: "metadata" | "derived" | null;
}

export interface S3Part {
  objects: number;
  bytes: number;
  records: number;
  detailed: number;
  reasons: Record<string, number>;
  newest: ObjectPart[];
  error?: string;
}

export interface VerdictPart {
  atMs: number;
  ok: boolean | null;
  verdict: string;
  records?: number;
  objects?: number;
  findings?: number;
  latency?: { p50Ms: number; p95Ms: number; maxMs: number; skewed?: number } | null;
}

/** One snapshot of the Iceberg table (--iceberg-table), newest first in `IcebergPart.snapshots`. */
export interface SnapshotPart {
  /** Decimal string (64-bit). */
  snapshotId: string;
  timestampMs: number;
  operation: string | null;
  addedFiles: number | null;
  addedRecords: number | null;
  totalRecords: number | null;
  /** The table's current snapshot. */
  current: boolean;
  /** The group's offsets in its summary: the next offset to read per topic-partition. */
  offsets: { topic: string; partition: number; next: number }[];
}

export interface IcebergPart {
  table: string;
  snapshots: SnapshotPart[];
  snapshotCount: number;
  error?: string;
}
