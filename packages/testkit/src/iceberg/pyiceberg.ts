import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { TestkitError } from "../errors";
import { cacheDir, SETUP_HINT } from "../local/paths";

/** PyIceberg release in the venv infra/local/iceberg/fetch.sh makes. */
export const PYICEBERG_VERSION = "0.12.0";

/** The venv's python; NOT_INSTALLED naming the fix when the venv is missing or unfinished. */
export function resolvePyIceberg(): string {
  const venv = join(cacheDir(), `pyiceberg-${PYICEBERG_VERSION}`);
  const python = join(venv, "bin", "python");
  if (!existsSync(join(venv, ".complete")) || !existsSync(python)) {
    throw new TestkitError(
      "NOT_INSTALLED",
      `PyIceberg ${PYICEBERG_VERSION} is not installed in ${venv}: ${SETUP_HINT}`,
    );
  }
  return python;
}

/**
 * Reads a table through PyIceberg's REST catalog client and its own Parquet reader (pyarrow) and prints every row
 * as a JSON line in the table's column order, the timestamp as YYYY-MM-DDTHH:mm:ss.sssZ, then one last line with
 * the snapshot it read. Configuration comes from the environment (so the S3 secret is never on argv).
 */
const SCRIPT = `
import json, os, sys
from pyiceberg.catalog import load_catalog
cat = load_catalog("weblog", **{
    "type": "rest", "uri": os.environ["PYICEBERG_URI"],
    "s3.endpoint": os.environ["PYICEBERG_S3_ENDPOINT"], "s3.region": os.environ["PYICEBERG_S3_REGION"],
    "s3.access-key-id": os.environ["PYICEBERG_S3_KEY"], "s3.secret-access-key": os.environ["PYICEBERG_S3_SECRET"],
    "s3.force-virtual-addressing": "false",
})
table = cat.load_table(os.environ["PYICEBERG_TABLE"])
snap = table.current_snapshot()
out = sys.stdout
if snap is not None:
    rows = table.scan().to_arrow().to_pylist()
    for r in rows:
        ts = r["timestamp"]
        r["timestamp"] = ts.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ts.microsecond // 1000)
        out.write(json.dumps(r, separators=(",", ":")) + "\\n")
out.write(json.dumps({"__snapshot__": None if snap is None else str(snap.snapshot_id),
                      "summary": {} if snap is None else dict(snap.summary.additional_properties)}) + "\\n")
`;

export type PyIcebergRead = {
  /** Every row as a JSON line (web-log field order), in PyIceberg's scan order. */
  lines: string[];
  /** The snapshot read (null for a table without one) and its summary's properties. */
  snapshotId: string | null;
  summary: Record<string, string>;
};

export type PyIcebergReadOptions = {
  catalogUri: string;
  /** namespace.table */
  table: string;
  s3: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  timeoutMs?: number;
};

/** The independent reader: a table's current snapshot, read by PyIceberg (PyPI), not by our code. */
export async function readTableWithPyIceberg(options: PyIcebergReadOptions): Promise<PyIcebergRead> {
  const python = resolvePyIceberg();
  const { s3 } = options;
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(python, ["-c", SCRIPT], {
      env: {
        ...process.env,
        PYICEBERG_URI: options.catalogUri,
        PYICEBERG_TABLE: options.table,
        PYICEBERG_S3_ENDPOINT: s3.endpoint,
        PYICEBERG_S3_REGION: s3.region,
        PYICEBERG_S3_KEY: s3.credentials.accessKeyId,
        PYICEBERG_S3_SECRET: s3.credentials.secretAccessKey,
      },
      maxBuffer: 1024 * 1024 * 1024,
      timeout: options.timeoutMs ?? 120_000,
    }));
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? "")
      .trim()
      .split("\n")
      .slice(-3)
      .join(" | ");
    throw new TestkitError("START_FAILED", `PyIceberg could not read table ${options.table}: ${stderr}`, {
      cause: err,
    });
  }
  const all = stdout.trimEnd().split("\n");
  const last = JSON.parse(all.pop() ?? "{}") as {
    __snapshot__: string | null;
    summary: Record<string, string>;
  };
  return { lines: all, snapshotId: last.__snapshot__, summary: last.summary };
}
