/**
 * Iceberg v2 manifests (the data files a snapshot adds) and manifest lists (every manifest of a snapshot), as the
 * table spec lays them out: the Avro schemas with their field ids, and the records for our appends.
 * Only the required data-file fields are written (plus the partition); readers treat the optional ones as absent.
 */
import { encodeAvroFile } from "./avro";
import type { IcebergSchema, PartitionSpec } from "./schema";

/** One Parquet data file as a manifest records it. */
export type DataFile = {
  /** Full URI, e.g. s3://bucket/warehouse/ns/table/data/timestamp_day=2026-11-25/UUID.parquet */
  path: string;
  /** The partition value (days/hours since the epoch), null for an unpartitioned table. */
  partition: number | null;
  recordCount: number;
  sizeBytes: number;
};

const optional = (type: unknown) => ["null", type];

function partitionRecord(spec: PartitionSpec) {
  return {
    type: "record",
    name: "r102",
    fields: spec.fields.map((f) => ({
      name: f.name,
      type: optional(f.transform === "day" ? { type: "int", logicalType: "date" } : "int"),
      default: null,
      "field-id": f["field-id"],
    })),
  };
}

/** The manifest_entry schema of format v2 for `spec`. */
export function manifestEntrySchema(spec: PartitionSpec) {
  return {
    type: "record",
    name: "manifest_entry",
    fields: [
      { name: "status", type: "int", "field-id": 0 },
      { name: "snapshot_id", type: optional("long"), default: null, "field-id": 1 },
      { name: "sequence_number", type: optional("long"), default: null, "field-id": 3 },
      { name: "file_sequence_number", type: optional("long"), default: null, "field-id": 4 },
      {
        name: "data_file",
        "field-id": 2,
        type: {
          type: "record",
          name: "r2",
          fields: [
            { name: "content", type: "int", "field-id": 134 },
            { name: "file_path", type: "string", "field-id": 100 },
            { name: "file_format", type: "string", "field-id": 101 },
            { name: "partition", type: partitionRecord(spec), "field-id": 102 },
            { name: "record_count", type: "long", "field-id": 103 },
            { name: "file_size_in_bytes", type: "long", "field-id": 104 },
          ],
        },
      },
    ],
  };
}

/** The manifest_file schema of format v2 (a manifest list's records). */
export const MANIFEST_FILE_SCHEMA = {
  type: "record",
  name: "manifest_file",
  fields: [
    { name: "manifest_path", type: "string", "field-id": 500 },
    { name: "manifest_length", type: "long", "field-id": 501 },
    { name: "partition_spec_id", type: "int", "field-id": 502 },
    { name: "content", type: "int", "field-id": 517 },
    { name: "sequence_number", type: "long", "field-id": 515 },
    { name: "min_sequence_number", type: "long", "field-id": 516 },
    { name: "added_snapshot_id", type: "long", "field-id": 503 },
    { name: "added_files_count", type: "int", "field-id": 504 },
    { name: "existing_files_count", type: "int", "field-id": 505 },
    { name: "deleted_files_count", type: "int", "field-id": 506 },
    { name: "added_rows_count", type: "long", "field-id": 512 },
    { name: "existing_rows_count", type: "long", "field-id": 513 },
    { name: "deleted_rows_count", type: "long", "field-id": 514 },
    {
      name: "partitions",
      type: optional({
        type: "array",
        "element-id": 508,
        items: {
          type: "record",
          name: "r508",
          fields: [
            { name: "contains_null", type: "boolean", "field-id": 509 },
            { name: "contains_nan", type: optional("boolean"), default: null, "field-id": 518 },
            { name: "lower_bound", type: optional("bytes"), default: null, "field-id": 510 },
            { name: "upper_bound", type: optional("bytes"), default: null, "field-id": 511 },
          ],
        },
      }),
      default: null,
      "field-id": 507,
    },
    { name: "key_metadata", type: optional("bytes"), default: null, "field-id": 519 },
  ],
};

/** A manifest-list record (what a snapshot lists), decoded or built; longs are bigints. */
export type ManifestFileRecord = Record<string, unknown> & {
  manifest_path: string;
  added_rows_count: bigint;
  existing_rows_count: bigint;
};

/** The manifest of one append: every file `status` 1 (added) by `snapshotId`; sequence numbers inherited. */
export function encodeManifest(
  files: readonly DataFile[],
  snapshotId: string,
  schema: IcebergSchema,
  spec: PartitionSpec,
): Buffer {
  const [field] = spec.fields;
  const records: ManifestEntry[] = files.map((f) => ({
    status: 1,
    snapshot_id: BigInt(snapshotId),
    sequence_number: null,
    file_sequence_number: null,
    data_file: {
      content: 0,
      file_path: f.path,
      file_format: "PARQUET",
      partition: field ? { [field.name]: f.partition } : {},
      record_count: BigInt(f.recordCount),
      file_size_in_bytes: BigInt(f.sizeBytes),
    },
  }));
  return encodeManifestEntries(records, schema, spec);
}

/** A manifest entry as Avro holds it (longs as bigints); status 0 existing, 1 added, 2 deleted. */
export type ManifestEntry = {
  status: number;
  snapshot_id: bigint | null;
  sequence_number: bigint | null;
  file_sequence_number: bigint | null;
  data_file: Record<string, unknown> & {
    file_path: string;
    record_count: bigint;
    file_size_in_bytes: bigint;
  };
};

/** A manifest of any entries (a rewritten one keeps its existing entries and marks the replaced ones deleted). */
export function encodeManifestEntries(
  records: readonly ManifestEntry[],
  schema: IcebergSchema,
  spec: PartitionSpec,
): Buffer {
  return encodeAvroFile(
    manifestEntrySchema(spec),
    {
      schema: JSON.stringify(schema),
      "schema-id": String(schema["schema-id"] ?? 0),
      "partition-spec": JSON.stringify(spec.fields),
      "partition-spec-id": String(spec["spec-id"]),
      "format-version": "2",
      content: "data",
    },
    records,
  );
}

/** 4-byte little-endian int: Iceberg's single-value serialization of an int/date partition bound. */
const intBound = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};

/** The manifest-list record of the manifest just written for `files` (added by `snapshotId` at `sequence`). */
export function manifestFileRecord(
  path: string,
  length: number,
  files: readonly DataFile[],
  snapshotId: string,
  sequence: bigint,
  spec: PartitionSpec,
): ManifestFileRecord {
  const values = files.map((f) => f.partition).filter((v): v is number => v !== null);
  return {
    manifest_path: path,
    manifest_length: BigInt(length),
    partition_spec_id: spec["spec-id"],
    content: 0,
    sequence_number: sequence,
    min_sequence_number: sequence,
    added_snapshot_id: BigInt(snapshotId),
    added_files_count: files.length,
    existing_files_count: 0,
    deleted_files_count: 0,
    added_rows_count: BigInt(files.reduce((n, f) => n + f.recordCount, 0)),
    existing_rows_count: 0n,
    deleted_rows_count: 0n,
    partitions:
      spec.fields.length === 0
        ? null
        : [
            {
              contains_null: false,
              contains_nan: false,
              lower_bound: intBound(Math.min(...values)),
              upper_bound: intBound(Math.max(...values)),
            },
          ],
    key_metadata: null,
  };
}

/** A manifest list: the base snapshot's manifests, then ours. */
export function encodeManifestList(
  manifests: readonly ManifestFileRecord[],
  snapshotId: string,
  parentId: string | null,
  sequence: bigint,
): Buffer {
  return encodeAvroFile(
    MANIFEST_FILE_SCHEMA,
    {
      "snapshot-id": snapshotId,
      "parent-snapshot-id": parentId ?? "null",
      "sequence-number": String(sequence),
      "format-version": "2",
    },
    manifests,
  );
}
