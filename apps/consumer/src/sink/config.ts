import type { SinkSettings } from "@weblog/sink-contract";
import type { ConsumerConfig } from "kafkajs";

/** The sink's kafkajs consumer settings and timer period, derived from its settings (pure). */

/** The kafkajs consumer settings for a sink (fetched-but-unprocessed bytes are outside our buffer cap: modest). */
export function consumerConfigOf(settings: SinkSettings, sessionTimeoutMs = 30_000): ConsumerConfig {
  return {
    groupId: settings.groupId,
    sessionTimeout: sessionTimeoutMs,
    rebalanceTimeout: 60_000,
    heartbeatInterval: Math.max(500, Math.floor(sessionTimeoutMs / 10)),
    maxWaitTimeInMs: 500,
    maxBytesPerPartition: Math.min(
      1024 * 1024,
      Math.max(64 * 1024, Math.floor(settings.bufferMaxBytes / 16)),
    ),
    maxBytes: Math.min(10 * 1024 * 1024, Math.max(256 * 1024, Math.floor(settings.bufferMaxBytes / 4))),
    allowAutoTopicCreation: true,
  };
}

/** Period of the wall-clock rotation check: an eighth of rotate.schedule.interval.ms, 50..250 ms (else 1 s). */
export const tickMsOf = (scheduleMs: number): number =>
  scheduleMs > 0 ? Math.max(50, Math.min(250, Math.floor(scheduleMs / 8))) : 1000;
