/** A few objects as they sit in the bucket: key, size, first record. */
import type { S3Client } from "@aws-sdk/client-s3";
import { listSinkObjects, readRecordsFromObject } from "@weblog/s3";

export async function sampleObjects(
  client: S3Client,
  bucket: string,
  prefix: string,
  count: number,
): Promise<{ key: string; size: number; records: number; first: string }[]> {
  const picked: { key: string; size: number }[] = [];
  const partitions = new Set<string>();
  for await (const o of listSinkObjects(client, bucket, prefix, { maxPages: 1 })) {
    const id = o.parts ? `${o.parts.topic}/${o.parts.kafkaPartition}` : o.key;
    if (partitions.has(id)) continue;
    partitions.add(id);
    picked.push({ key: o.key, size: o.size });
    if (picked.length >= count) break;
  }
  const out = [];
  for (const o of picked) {
    const lines = await readRecordsFromObject(client, bucket, o.key);
    out.push({ key: o.key, size: o.size, records: lines.length, first: lines[0] ?? "" });
  }
  return out;
}
