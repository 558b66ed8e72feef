/**
 * The web-log table's Iceberg schema and partition spec (REST catalog JSON), and a record's partition value.
 * The field ids are the ones `@weblog/object-format`'s Iceberg data files carry (1-6, in record field order).
 */
import { IcebergError } from "./errors";

export type IcebergField = { id: number; name: string; required: boolean; type: string };
export type IcebergSchema = { type: "struct"; "schema-id"?: number; fields: IcebergField[] };
export type PartitionField = { "source-id": number; "field-id": number; name: string; transform: string };
export type PartitionSpec = { "spec-id": number; fields: PartitionField[] };

/** `iceberg.partition-by`: the record time's day (default), hour, or no partitioning. */
export type PartitionBy = "day" | "hour" | "none";
export const PARTITION_BY: readonly PartitionBy[] = ["day", "hour", "none"];

export const TIMESTAMP_FIELD_ID = 2;

/** The columns: the timestamp is a real `timestamptz`, status_code an `int`, every field required. */
export const WEBLOG_TABLE_SCHEMA: IcebergSchema = {
  type: "struct",
  "schema-id": 0,
  fields: [
    { id: 1, name: "ip", required: true, type: "string" },
    { id: TIMESTAMP_FIELD_ID, name: "timestamp", required: true, type: "timestamptz" },
    { id: 3, name: "method", required: true, type: "string" },
    { id: 4, name: "url", required: true, type: "string" },
    { id: 5, name: "status_code", required: true, type: "int" },
    { id: 6, name: "user_agent", required: true, type: "string" },
  ],
};

/** The partition spec a new table gets for `by`. */
export function partitionSpecFor(by: PartitionBy): PartitionSpec {
  if (by === "none") return { "spec-id": 0, fields: [] };
  return {
    "spec-id": 0,
    fields: [{ "source-id": TIMESTAMP_FIELD_ID, "field-id": 1000, name: `timestamp_${by}`, transform: by }],
  };
}

/**
 * Checks an existing table can take our data files: the same six columns with the same ids and types (our Parquet
 * files map by id), and a partition spec on the timestamp by day, hour or nothing. Throws INCOMPATIBLE_TABLE.
 */
export function checkTable(table: string, schema: IcebergSchema, spec: PartitionSpec): void {
  const want = WEBLOG_TABLE_SCHEMA.fields.map((f) => `${f.id}:${f.name}:${f.type}`).join(",");
  const got = schema.fields.map((f) => `${f.id}:${f.name}:${f.type}`).join(",");
  if (got !== want) {
    throw new IcebergError(
      "INCOMPATIBLE_TABLE",
      `Iceberg table ${table} has columns ${got}, not the web-log schema ${want}: write to another table (iceberg.tables)`,
    );
  }
  const bad = spec.fields.find(
    (f) => f["source-id"] !== TIMESTAMP_FIELD_ID || !["day", "hour"].includes(f.transform),
  );
  if (bad || spec.fields.length > 1) {
    throw new IcebergError(
      "INCOMPATIBLE_TABLE",
      `Iceberg table ${table} is partitioned by ${JSON.stringify(spec.fields)}: the sink writes tables partitioned by day or hour of the timestamp, or not at all`,
    );
  }
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The partition value (Iceberg's transform result: days or hours since 1970-01-01 UTC) of a time in ms; null when unpartitioned. */
export function partitionValue(spec: PartitionSpec, epochMs: number): number | null {
  const field = spec.fields[0];
  if (!field) return null;
  return Math.floor(epochMs / (field.transform === "hour" ? HOUR_MS : DAY_MS));
}

/** The data-file folder of a partition value, Hive style as Java writes it: `timestamp_day=2026-11-25`. */
export function partitionPath(spec: PartitionSpec, value: number | null): string {
  const field = spec.fields[0];
  if (!field || value === null) return "";
  if (field.transform === "hour") {
    const iso = new Date(value * HOUR_MS).toISOString();
    return `${field.name}=${iso.slice(0, 10)}-${iso.slice(11, 13)}`;
  }
  return `${field.name}=${new Date(value * DAY_MS).toISOString().slice(0, 10)}`;
}

/** A validated record line's time in ms (its `timestamp` is always `YYYY-MM-DDTHH:mm:ss.sssZ`), without a full parse. */
export function lineTimeMs(line: string): number {
  const at = line.indexOf('"timestamp":"');
  const ms = at < 0 ? Number.NaN : Date.parse(line.slice(at + 13, at + 37));
  if (!Number.isFinite(ms)) throw new TypeError("record line without a valid timestamp");
  return ms;
}
