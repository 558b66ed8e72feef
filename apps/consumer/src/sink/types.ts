import type { S3Client } from "@aws-sdk/client-s3";
import type { Logger } from "@weblog/cli";
import type { SinkSettings } from "@weblog/sink-contract";
import type { Kafka } from "kafkajs";
import type { SinkHooks } from "../metrics";
import type { CrashHook } from "./crash-hook";
import type { PartitionLag } from "./lag";

export interface SinkStats {
  recordsIn: number;
  /** Records made final: in objects whose offsets Kafka committed, or in a committed table snapshot. */
  recordsWritten: number;
  /** Records uploaded (objects, or a table's data files that may still wait for their snapshot). */
  recordsUploaded: number;
  objectsWritten: number;
  bytesWritten: number;
  dlq: number;
  skipped: number;
  commits: number;
  uploadRetries: number;
  /** Incomplete multipart uploads aborted as leftovers of a crash or a previous owner, on taking a partition. */
  leftoversAborted: number;
  /** Requests of ours answered NoSuchUpload: one of our multipart uploads was aborted under us. */
  noSuchUpload: number;
  /** Sum over assigned partitions of high watermark - next offset to read. */
  lag: number;
  bufferedBytes: number;
  bufferedRecords: number;
  assigned: number;
  paused: number;
  startedAtMs: number;
}

/** Every counter and gauge at 0. */
export const zeroStats = (startedAtMs: number): SinkStats => ({
  recordsIn: 0,
  recordsWritten: 0,
  recordsUploaded: 0,
  objectsWritten: 0,
  bytesWritten: 0,
  dlq: 0,
  skipped: 0,
  commits: 0,
  uploadRetries: 0,
  leftoversAborted: 0,
  noSuchUpload: 0,
  lag: 0,
  bufferedBytes: 0,
  bufferedRecords: 0,
  assigned: 0,
  paused: 0,
  startedAtMs,
});

export interface SinkEngineOptions {
  kafka: Kafka;
  s3: S3Client;
  settings: SinkSettings;
  logger: Logger;
  /** For error messages (never contains credentials). */
  endpoint?: string | undefined;
  /** Connector name for the DLQ headers. */
  connectorName?: string;
  crashHook?: CrashHook;
  /** Connects a kafkajs client (default: `client.connect()`); main passes kafka-client's connectChecked. */
  connect?: (client: { connect(): Promise<void>; disconnect(): Promise<void> }) => Promise<void>;
  /** Period of the wall-clock rotation check (default: an eighth of rotate.schedule.interval.ms, 50..250 ms). */
  tickMs?: number;
  /** Consumer group session timeout (default 30 s; tests shorten it so a killed member leaves sooner). */
  sessionTimeoutMs?: number;
  /** Graceful stop budget (default 8000 ms, so the process exits within 10 s). */
  stopTimeoutMs?: number;
  now?: () => number;
  /** Metrics hooks (metrics.ts), only when --metrics-port is given. */
  metrics?: SinkHooks;
  /** Period of the lag poll (fresh high watermarks; default 2000 ms). */
  lagIntervalMs?: number;
}

export interface SinkEngine {
  /** Connects, joins the group and consumes until `stop()` or a fatal error. Resolves on a clean stop. */
  run(): Promise<void>;
  /** Stop fetching, upload and commit what is buffered, leave the group. Idempotent. */
  stop(): Promise<void>;
  stats(): SinkStats;
  /** Lag per partition from the last poll of fresh high watermarks (lag.ts). */
  lag(): readonly PartitionLag[];
  /** True while the sink is a member of its group with an assignment (readiness). */
  joined(): boolean;
  /**
   * True while the broker answers: its last answer to the lag poll (every 2 s) is at most 6 s old (readiness; a
   * dead broker shows here within seconds, not after kafkajs's session timeout and retries).
   */
  brokerAnswering(): boolean;
}
