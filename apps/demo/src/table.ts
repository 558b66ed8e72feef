/**
 * `demo --format iceberg`: the wait loop's "has everything landed?" and the closing samples, read from the table
 * (its current snapshot: the group's offsets in the summary, the live data files) instead of the bucket's keys.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { createRestCatalog, getFile, liveDataFiles, offsetsAt, parseTableName } from "@weblog/iceberg";
import { decodeObjectBody } from "@weblog/object-format";
import type { Coverage } from "./coverage";

async function load(catalogUri: string, table: string) {
  const { metadata } = await createRestCatalog({ uri: catalogUri }).loadTable(parseTableName(table));
  const id = metadata["current-snapshot-id"];
  const current = id === undefined || id === null || id === "-1" ? null : id;
  const snap = (metadata.snapshots ?? []).find((s) => s["snapshot-id"] === current);
  return { metadata, current, snap };
}

/**
 * The coverage of a table whose snapshots hold no weblog offsets (Apache Iceberg's Connect sink): everything up to
 * the high watermarks once the current snapshot counts as many records as Kafka holds, nothing before (the
 * verifier then checks that they are each record once).
 */
export async function rowCountCoverage(
  catalogUri: string,
  table: string,
  highs: Map<number, bigint>,
): Promise<Coverage> {
  const { snap } = await load(catalogUri, table);
  const rows = Number(snap?.summary["total-records"] ?? 0);
  const produced = [...highs.values()].reduce((n, h) => n + Number(h), 0);
  return {
    objects: Number(snap?.summary["total-data-files"] ?? 0),
    endOffsets: produced > 0 && rows >= produced ? new Map(highs) : new Map(),
  };
}

/** The table's coverage: data files of the current snapshot, and per partition the group's offset in it. */
export async function tableCoverage(
  catalogUri: string,
  table: string,
  group: string,
  topic: string,
): Promise<Coverage> {
  const { metadata, current, snap } = await load(catalogUri, table);
  const offsets = offsetsAt(metadata.snapshots ?? [], current, group).get(topic) ?? new Map<number, number>();
  return {
    objects: Number(snap?.summary["total-data-files"] ?? 0),
    endOffsets: new Map([...offsets].map(([p, o]) => [p, BigInt(o)])),
  };
}

/** How many snapshots, and a few live data files with their first row. */
export async function sampleTable(client: S3Client, catalogUri: string, table: string, count: number) {
  const { metadata } = await load(catalogUri, table);
  const files = (await liveDataFiles({ client }, metadata)).slice(0, count);
  const samples = [];
  for (const path of files) {
    const body = await getFile({ client }, path);
    const lines = await decodeObjectBody(body, { format: "parquet", codec: "snappy" });
    samples.push({ path, size: body.length, records: lines.length, first: lines[0] ?? "" });
  }
  return { snapshots: metadata.snapshots?.length ?? 0, samples };
}
