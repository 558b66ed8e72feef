/**
 * Delivery as Kafka sees it: records produced (sum of high watermarks) and records the sink has committed (its
 * group's offsets; the sink commits only after the object holding them is in S3).
 */
import { fetchCommittedOffsets, fetchWatermarks } from "@weblog/kafka-client";

type KafkaClient = Parameters<typeof fetchWatermarks>[0];

export interface Delivery {
  partitions: number;
  /** High watermark per partition. */
  highs: Map<number, bigint>;
  produced: number;
  committed: number;
  /** Every partition's committed offset has reached its high watermark. */
  caughtUp: boolean;
}

export async function readDelivery(kafka: KafkaClient, topic: string, group: string): Promise<Delivery> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const marks = await fetchWatermarks(kafka, topic, { admin });
    const committed = await fetchCommittedOffsets(kafka, group, topic, { admin });
    let produced = 0n;
    let done = 0n;
    let caughtUp = marks.size > 0;
    for (const [p, { low, high }] of marks) {
      const c = committed.get(p) ?? null;
      produced += high - low;
      const at = c === null ? low : c;
      done += at > low ? at - low : 0n;
      if (at < high) caughtUp = false;
    }
    const highs = new Map([...marks].map(([p, m]) => [p, m.high]));
    return { partitions: marks.size, highs, produced: Number(produced), committed: Number(done), caughtUp };
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
