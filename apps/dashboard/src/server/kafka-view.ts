import type { Admin } from "kafkajs";

/**
 * Kafka's side, for either engine (Kafka Connect has no Prometheus): per partition the high watermark and the
 * engine group's committed offset, so lag = high - committed (what is not committed is not in S3 yet). Our sink's
 * own lag (its read position) comes from its /metrics when it runs.
 */
export interface PartitionRow {
  partition: number;
  high: number;
  committed: number | null;
  lag: number;
}

export function createKafkaWatcher(opts: { admin: Admin; topic: string; group?: string | undefined }) {
  let connected = false;
  return {
    async poll(): Promise<PartitionRow[]> {
      if (!connected) {
        await opts.admin.connect();
        connected = true;
      }
      const offsets = await opts.admin.fetchTopicOffsets(opts.topic);
      const committed = new Map<number, number>();
      if (opts.group) {
        for (const t of await opts.admin.fetchOffsets({ groupId: opts.group, topics: [opts.topic] })) {
          for (const p of t.partitions)
            if (Number(p.offset) >= 0) committed.set(p.partition, Number(p.offset));
        }
      }
      return offsets
        .map((o) => {
          const high = Number(o.high);
          const c = committed.get(o.partition) ?? null;
          return {
            partition: o.partition,
            high,
            committed: c,
            lag: Math.max(0, high - (c ?? Number(o.low))),
          };
        })
        .sort((a, b) => a.partition - b.partition);
    },
    async close() {
      if (connected) await opts.admin.disconnect().catch(() => {});
    },
  };
}
