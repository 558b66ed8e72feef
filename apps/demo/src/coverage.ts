/**
 * A cheap "has everything landed?" for the wait loop: one listing of the topic's keys, then only the newest object
 * of each partition is read to learn where its offsets end. The verifier does the full proof afterwards.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { listSinkObjects, readRecordsFromObject } from "@weblog/s3";
import { topicPrefix } from "@weblog/sink-contract";

export interface Coverage {
  objects: number;
  /** Per Kafka partition: the offset after the newest object's last record. */
  endOffsets: Map<number, bigint>;
}

export async function s3Coverage(client: S3Client, bucket: string, topic: string): Promise<Coverage> {
  const newest = new Map<number, { key: string; start: bigint }>();
  let objects = 0;
  for await (const o of listSinkObjects(client, bucket, topicPrefix(topic))) {
    if (!o.parts || o.parts.topic !== topic) continue;
    objects += 1;
    const { kafkaPartition: p, startOffset } = o.parts;
    const cur = newest.get(p);
    if (!cur || startOffset > cur.start) newest.set(p, { key: o.key, start: startOffset });
  }
  const endOffsets = new Map<number, bigint>();
  await Promise.all(
    [...newest].map(async ([p, { key, start }]) => {
      const lines = await readRecordsFromObject(client, bucket, key);
      endOffsets.set(p, start + BigInt(lines.length));
    }),
  );
  return { objects, endOffsets };
}

/** True when every partition's newest object ends at the partition's high watermark. */
export function coversAll(coverage: Coverage, highs: Map<number, bigint>): boolean {
  if (highs.size === 0) return false;
  for (const [p, high] of highs) {
    if (high === 0n) continue;
    if ((coverage.endOffsets.get(p) ?? 0n) < high) return false;
  }
  return true;
}
