/**
 * The `logs` view every query runs against: the web-log records of every fetched object, JSON lines and Parquet
 * alike, with the same typed columns (ip, timestamp TIMESTAMPTZ, method, url, status_code INTEGER, user_agent) plus
 * `object`, the S3 key the record came from.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Fetched } from "./fetch";

const COLUMNS = "ip, timestamp, method, url, status_code, user_agent";
const JSON_COLUMNS =
  "{ip: 'VARCHAR', timestamp: 'TIMESTAMPTZ', method: 'VARCHAR', url: 'VARCHAR', status_code: 'INTEGER', user_agent: 'VARCHAR'}";

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const list = (files: readonly string[]) => `[${files.map(sqlString).join(", ")}]`;

/** The SELECT over one kind of file; the object key is the file's path below the temp dir. */
function selectOf(kind: "json" | "parquet", files: readonly string[], dir: string): string {
  const object = `substr(filename, ${dir.length + 2}) AS object`;
  if (kind === "parquet") {
    return `SELECT ${COLUMNS}, ${object} FROM read_parquet(${list(files)}, filename = true, union_by_name = true)`;
  }
  // Malformed lines (Kafka Connect writes what it gets) are skipped, never fatal; our sink writes only valid ones.
  return `SELECT ${COLUMNS}, ${object} FROM read_json(${list(files)}, format = 'newline_delimited', columns = ${JSON_COLUMNS}, filename = true, ignore_errors = true)`;
}

export function logsViewSql(fetched: Pick<Fetched, "dir" | "json" | "parquet">): string {
  const parts: string[] = [];
  if (fetched.parquet.length > 0) parts.push(selectOf("parquet", fetched.parquet, fetched.dir));
  if (fetched.json.length > 0) parts.push(selectOf("json", fetched.json, fetched.dir));
  if (parts.length === 0) {
    parts.push(
      "SELECT NULL::VARCHAR AS ip, NULL::TIMESTAMPTZ AS timestamp, NULL::VARCHAR AS method, NULL::VARCHAR AS url, NULL::INTEGER AS status_code, NULL::VARCHAR AS user_agent, NULL::VARCHAR AS object WHERE false",
    );
  }
  return `CREATE OR REPLACE VIEW logs AS ${parts.join(" UNION ALL ")}`;
}

export async function createLogsView(con: DuckDBConnection, fetched: Fetched): Promise<void> {
  await con.run(logsViewSql(fetched));
}
