/**
 * Data files and metadata files on S3: record lines -> one Parquet data file per partition value (Iceberg's rule: a
 * data file holds one partition), uploaded under the table's `data/` folder; Avro metadata under `metadata/`.
 * Names are random (UUIDs): an upload never replaces a file, and a file no snapshot names is an orphan.
 */
import { randomUUID } from "node:crypto";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { encodeIcebergDataFile, type ParquetCodec } from "@weblog/object-format";
import { explainS3Error } from "@weblog/s3";
import { parseS3Uri } from "./location";
import type { DataFile } from "./manifest";
import { lineTimeMs, type PartitionSpec, partitionPath, partitionValue } from "./schema";

export type TableStorage = {
  client: S3Client;
  /** For messages only. */
  endpoint?: string | undefined;
};

export async function putFile(
  s3: TableStorage,
  uri: string,
  body: Uint8Array,
  contentType: string,
): Promise<void> {
  const { bucket, key } = parseS3Uri(uri);
  try {
    await s3.client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
    );
  } catch (err) {
    throw explainS3Error(err, { bucket, endpoint: s3.endpoint });
  }
}

export async function getFile(s3: TableStorage, uri: string): Promise<Buffer> {
  const { bucket, key } = parseS3Uri(uri);
  try {
    const out = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from((await out.Body?.transformToByteArray()) ?? []);
  } catch (err) {
    throw explainS3Error(err, { bucket, endpoint: s3.endpoint });
  }
}

/** Lines grouped by partition value, each group in input order. */
export function splitByPartition(
  lines: readonly string[],
  spec: PartitionSpec,
): Map<number | null, string[]> {
  const groups = new Map<number | null, string[]>();
  for (const line of lines) {
    const value = partitionValue(spec, lineTimeMs(line));
    const g = groups.get(value);
    if (g) g.push(line);
    else groups.set(value, [line]);
  }
  return groups;
}

/** Encodes and uploads `lines` as data files under `location` (one per partition value, in parallel). */
export async function writeDataFiles(
  s3: TableStorage,
  location: string,
  spec: PartitionSpec,
  lines: readonly string[],
  codec: ParquetCodec,
): Promise<DataFile[]> {
  const groups = [...splitByPartition(lines, spec)];
  return Promise.all(
    groups.map(async ([partition, group]) => {
      const body = await encodeIcebergDataFile(group, codec);
      const folder = partitionPath(spec, partition);
      const path = `${location}/data/${folder ? `${folder}/` : ""}${randomUUID()}.parquet`;
      await putFile(s3, path, body, "application/vnd.apache.parquet");
      return { path, partition, recordCount: group.length, sizeBytes: body.length };
    }),
  );
}

/** A new metadata file's URI under the table's `metadata/` folder. */
export const metadataPath = (location: string, name: string) => `${location}/metadata/${name}`;
