/** DuckDB as the independent Parquet reader of the tests (a second Parquet implementation, C++, not the writer). */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

export interface DuckFile {
  /** `DESCRIBE`: column name -> DuckDB type. */
  columns: Record<string, string>;
  /** `parquet_schema`: column name -> physical / logical type. */
  physical: Record<string, { type: string | null; logical: string | null }>;
  /** Rows with the timestamp as epoch ms. */
  rows: Record<string, unknown>[];
  /** Row count as DuckDB counts it. */
  count: number;
  codecs: string[];
  /** `parquet_metadata`: column -> its encodings, e.g. "PLAIN, RLE_DICTIONARY". */
  encodings: Record<string, string>;
  rowGroups: number;
}

export async function readWithDuckDB(body: Uint8Array, opts: { rows?: boolean } = {}): Promise<DuckFile> {
  const dir = await mkdtemp(join(tmpdir(), "duck-"));
  const inst = await DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  const con = await inst.connect();
  try {
    const file = join(dir, "o.parquet");
    await writeFile(file, body);
    const q = async (sql: string) => (await con.runAndReadAll(sql)).getRowObjectsJson();
    const describe = await q(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    const schema = await q(
      `SELECT name, type, logical_type FROM parquet_schema('${file}') WHERE name <> 'root'`,
    );
    const meta = await q(
      `SELECT count(DISTINCT row_group_id) AS groups, list(DISTINCT compression) AS codecs FROM parquet_metadata('${file}')`,
    );
    const enc = await q(
      `SELECT DISTINCT path_in_schema AS c, encodings AS e FROM parquet_metadata('${file}')`,
    );
    const count = await q(`SELECT count(*) AS n FROM read_parquet('${file}')`);
    const rows =
      opts.rows === false
        ? []
        : await q(
            `SELECT ip, epoch_ms(timestamp) AS ts, method, url, status_code, user_agent FROM read_parquet('${file}')`,
          );
    return {
      columns: Object.fromEntries(describe.map((r) => [String(r.column_name), String(r.column_type)])),
      physical: Object.fromEntries(
        schema.map((r) => [
          String(r.name),
          { type: (r.type as string) ?? null, logical: (r.logical_type as string) ?? null },
        ]),
      ),
      rows,
      count: Number(count[0]?.n),
      encodings: Object.fromEntries(enc.map((r) => [String(r.c), String(r.e)])),
      codecs: (meta[0]?.codecs as string[]) ?? [],
      rowGroups: Number(meta[0]?.groups ?? 0),
    };
  } finally {
    con.closeSync();
    inst.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}
