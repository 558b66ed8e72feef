/** Test helpers: web-log records and objects planted by hand in Confluent's S3 sink layout. */
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { encode, type WebLogRecord } from "@weblog/log-schema";

export const VERIFIER = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** A valid record, distinct for every (seed, i); its timestamp is `baseMs + i` ms. */
export function record(i: number, seed = 0, baseMs = Date.UTC(2026, 10, 25, 6, 0, 0)): WebLogRecord {
  return {
    ip: `10.${seed % 256}.${(i >> 8) & 255}.${i & 255}`,
    timestamp: new Date(baseMs + i).toISOString(),
    method: "GET",
    url: `/p/${seed}/${i}`,
    status_code: [200, 200, 304, 404, 500][i % 5] as number,
    user_agent: "Mozilla/5.0 (X11; Linux x86_64) test",
  };
}

export interface PlantedObject {
  key: string;
  lines: string[];
}

/** Confluent's key, written out literally (not with @weblog/s3) so the test checks the parser against the format. */
export function confluentKey(topic: string, partition: number, startOffset: number, gzip = false): string {
  const padded = String(startOffset).padStart(10, "0");
  return `topics/${topic}/partition=${partition}/${topic}+${partition}+${padded}.json${gzip ? ".gz" : ""}`;
}

/** Objects of `perObject` records covering offsets [0, count) of each partition, as a clean sink writes them. */
export function cleanObjects(
  topic: string,
  partitions: number,
  perPartition: number,
  perObject: number,
  opts: { gzip?: (partition: number, start: number) => boolean } = {},
): PlantedObject[] {
  const out: PlantedObject[] = [];
  for (let p = 0; p < partitions; p++) {
    for (let start = 0; start < perPartition; start += perObject) {
      const n = Math.min(perObject, perPartition - start);
      const lines = Array.from({ length: n }, (_, i) => encode(record(start + i, p)));
      out.push({ key: confluentKey(topic, p, start, opts.gzip?.(p, start) ?? false), lines });
    }
  }
  return out;
}

export function body(o: PlantedObject): Buffer {
  const text = Buffer.from(o.lines.map((l) => `${l}\n`).join(""), "utf8");
  return o.key.endsWith(".gz") ? gzipSync(text) : text;
}

/** PutObject for every object, at most `concurrency` at a time. */
export async function putAll(
  client: S3Client,
  bucket: string,
  objects: PlantedObject[],
  concurrency = 16,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      const o = objects[i];
      if (!o) return;
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: o.key, Body: body(o) }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, objects.length) }, worker));
}

/** Env for the verifier CLI talking to a testkit S3 handle. */
export function s3Env(s3: {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}) {
  return {
    S3_ENDPOINT: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    KAFKA_BROKERS: undefined,
    S3_BUCKET: undefined,
    WEBLOG_LOG_LEVEL: "warn",
  };
}

/** Puts many objects through the S3 API, 32 at a time (every backend stores them its own way). */
export async function plantMany(
  s3: { client(): S3Client },
  bucket: string,
  objects: PlantedObject[],
): Promise<void> {
  const client = s3.client();
  try {
    await putAll(client, bucket, objects, 32);
  } finally {
    client.destroy();
  }
}
