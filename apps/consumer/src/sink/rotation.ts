import type { SinkSettings } from "@weblog/sink-contract";
import type { FlushReason, PartitionBuffer } from "./partition-buffer";

/**
 * Rotation, pure: when a partition's buffer is cut into objects, and why (the reason names the Confluent setting).
 * Three moments ask it: before a record is appended (its record time is past rotate.interval.ms of the buffer's
 * first record: the cut leaves the new record out), after it is appended (its file reached flush.size, or every
 * partition together passed the buffer cap), and the wall-clock tick (rotate.schedule.interval.ms, idle partitions).
 */
export type RotationSettings = Pick<
  SinkSettings,
  "flushSize" | "rotateIntervalMs" | "rotateScheduleIntervalMs" | "bufferMaxBytes"
>;

type BufferView = Pick<PartitionBuffer, "recordTimeExceeded" | "wallClockExceeded">;

export interface Rotation {
  /** Before appending a record with `recordTimeMs`: "rotate.interval.ms" or null. */
  beforeAppend(buffer: BufferView, recordTimeMs: number): Extract<FlushReason, "rotate.interval.ms"> | null;
  /** After appending: the file now holds `fileLines` lines, every partition together `totalBytes`. */
  afterAppend(fileLines: number, totalBytes: number): Extract<FlushReason, "flush.size" | "memory"> | null;
  /** The wall-clock tick at `nowMs`: "rotate.schedule.interval.ms" or null. */
  shouldCut(buffer: BufferView, nowMs: number): Extract<FlushReason, "rotate.schedule.interval.ms"> | null;
}

export function createRotation(settings: RotationSettings): Rotation {
  return {
    beforeAppend: (buffer, recordTimeMs) =>
      settings.rotateIntervalMs > 0 && buffer.recordTimeExceeded(recordTimeMs, settings.rotateIntervalMs)
        ? "rotate.interval.ms"
        : null,
    afterAppend: (fileLines, totalBytes) =>
      fileLines >= settings.flushSize ? "flush.size" : totalBytes > settings.bufferMaxBytes ? "memory" : null,
    shouldCut: (buffer, nowMs) =>
      buffer.wallClockExceeded(nowMs, settings.rotateScheduleIntervalMs)
        ? "rotate.schedule.interval.ms"
        : null,
  };
}
