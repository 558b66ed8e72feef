/**
 * The Parquet schema of a web-log record (`@weblog/log-schema`), typed without a schema registry: the sink knows the
 * record's shape, so plain JSON becomes typed columns.
 *
 * | column      | physical   | logical                             | encoding                    |
 * | ----------- | ---------- | ----------------------------------- | --------------------------- |
 * | ip          | BYTE_ARRAY | STRING                              | dictionary (RLE_DICTIONARY) |
 * | timestamp   | INT64      | TIMESTAMP(MILLIS, isAdjustedToUTC)  | DELTA_BINARY_PACKED         |
 * | method      | BYTE_ARRAY | STRING                              | dictionary                  |
 * | url         | BYTE_ARRAY | STRING                              | dictionary                  |
 * | status_code | INT32      | (plain int32)                       | dictionary                  |
 * | user_agent  | BYTE_ARRAY | STRING                              | dictionary                  |
 *
 * Every column is REQUIRED (the record has no optional field). Strings are dictionary-encoded where that pays
 * (hyparquet-writer keeps a dictionary while it at least halves the column); timestamps rise almost monotonically,
 * so delta encoding stores them in a few bits each.
 */
import type { WebLogRecord } from "@weblog/log-schema";

interface SchemaElement {
  name: string;
  /** Iceberg's column id (`field_id`): a table reader maps columns by id, not by name. */
  field_id?: number;
  type?: "BYTE_ARRAY" | "INT64" | "INT32";
  num_children?: number;
  repetition_type?: "REQUIRED";
  converted_type?: "UTF8" | "TIMESTAMP_MILLIS" | "TIMESTAMP_MICROS";
  logical_type?:
    | { type: "STRING" }
    | { type: "TIMESTAMP"; isAdjustedToUTC: boolean; unit: "MILLIS" | "MICROS" };
}

const string = (name: string): SchemaElement => ({
  name,
  type: "BYTE_ARRAY",
  repetition_type: "REQUIRED",
  converted_type: "UTF8",
  logical_type: { type: "STRING" },
});

/** The file schema: a root with the six columns, in `WEB_LOG_FIELDS` order. */
export const WEBLOG_PARQUET_SCHEMA: readonly SchemaElement[] = [
  { name: "root", num_children: 6 },
  string("ip"),
  {
    name: "timestamp",
    type: "INT64",
    repetition_type: "REQUIRED",
    converted_type: "TIMESTAMP_MILLIS",
    logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
  },
  string("method"),
  string("url"),
  { name: "status_code", type: "INT32", repetition_type: "REQUIRED" },
  string("user_agent"),
];

/**
 * The same six columns as a data file of an Apache Iceberg table (`@weblog/iceberg`'s table schema): each column
 * carries its Iceberg field id (1-6, in `WEB_LOG_FIELDS` order), and the timestamp is `timestamptz`, which Iceberg
 * stores as TIMESTAMP(MICROS, isAdjustedToUTC) (the spec's only timestamp unit before v3's nanoseconds).
 */
export const WEBLOG_ICEBERG_PARQUET_SCHEMA: readonly SchemaElement[] = WEBLOG_PARQUET_SCHEMA.map((el, i) => {
  if (i === 0) return el;
  if (el.name !== "timestamp") return { ...el, field_id: i };
  return {
    ...el,
    field_id: i,
    converted_type: "TIMESTAMP_MICROS",
    logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" },
  };
});

/** The records as six column arrays (one pass). */
export interface WebLogColumns {
  ip: string[];
  timestamp: BigInt64Array;
  method: string[];
  url: string[];
  status_code: Int32Array;
  user_agent: string[];
}

/**
 * Record lines -> columns. The sink only buffers lines that `@weblog/log-schema` validated, so each parses to the
 * six fields; a line that does not is a bug upstream and throws (naming its index) rather than write a wrong row.
 */
export function columnsOfLines(lines: readonly string[]): WebLogColumns {
  const n = lines.length;
  const cols: WebLogColumns = {
    ip: new Array<string>(n),
    timestamp: new BigInt64Array(n),
    method: new Array<string>(n),
    url: new Array<string>(n),
    status_code: new Int32Array(n),
    user_agent: new Array<string>(n),
  };
  for (let i = 0; i < n; i++) {
    const r = JSON.parse(lines[i] as string) as WebLogRecord;
    const ms = Date.parse(r.timestamp);
    if (!Number.isFinite(ms) || typeof r.status_code !== "number")
      throw new TypeError(`record ${i} is not a valid web-log record (timestamp or status_code)`);
    cols.ip[i] = r.ip;
    cols.timestamp[i] = BigInt(ms);
    cols.method[i] = r.method;
    cols.url[i] = r.url;
    cols.status_code[i] = r.status_code;
    cols.user_agent[i] = r.user_agent;
  }
  return cols;
}
