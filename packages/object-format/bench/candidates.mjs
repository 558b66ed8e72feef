/**
 * The writer choice, measured (not part of `pnpm bench`): hyparquet-writer, parquet-wasm + apache-arrow and DuckDB
 * (@duckdb/node-api, appender + COPY TO) write the same fake-log records, every codec, objects of 10,000 and of 10
 * rows: bytes/record and rows/s (columns prepared; JSON parsing not included). Set up the candidates once:
 *   for d in duck wasm hyp; do mkdir -p $CANDIDATES_DIR/$d; done
 *   (cd $CANDIDATES_DIR/duck && npm i @duckdb/node-api@1.5.6-r.1)
 *   (cd $CANDIDATES_DIR/wasm && npm i parquet-wasm@0.8.0 apache-arrow@21.2.0)
 *   (cd $CANDIDATES_DIR/hyp && npm i hyparquet-writer@0.17.0 hyparquet@1.31.5 hysnappy @bokuweb/zstd-wasm@0.0.27)
 * then `DELTA=1 CANDIDATES_DIR=... node bench/candidates.mjs` (DELTA=1: timestamps DELTA_BINARY_PACKED, as we write).
 */
// Candidate Parquet writers: bytes/record and records/s per codec, at object sizes 10 and 10,000 rows.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

// The three candidates live outside the workspace (two of them are not dependencies): see README "Choosing the writer".
const C = process.env.CANDIDATES_DIR ?? "/tmp/pqbench";
const req = createRequire(`${C}/`);
const { createFakeLog } = await import(new URL("../../fake-log/dist/index.js", import.meta.url).href);
const hw = await import(`${C}/hyp/node_modules/hyparquet-writer/src/index.js`);
const zstdw = req(`${C}/hyp/node_modules/@bokuweb/zstd-wasm/dist/common/index.node.js`);
const pw = req(`${C}/wasm/node_modules/parquet-wasm/node/parquet_wasm.js`);
const arrow = await import(`${C}/wasm/node_modules/apache-arrow/Arrow.node.mjs`);
const duck = req(`${C}/duck/node_modules/@duckdb/node-api/lib/index.js`);
if (zstdw) await zstdw.init();

const N = Number(process.env.N ?? 100000);
const recs = createFakeLog({ seed: 7 }).batch(N);
const jsonBytes = recs.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r)) + 1, 0);
console.log(
  `json lines: ${(jsonBytes / N).toFixed(1)} B/rec; gzip ${(gzipSync(Buffer.from(recs.map((r) => JSON.stringify(r)).join("\n"))).length / N).toFixed(1)}`,
);

function cols(rs) {
  const n = rs.length;
  const ip = new Array(n),
    ts = new BigInt64Array(n),
    m = new Array(n),
    url = new Array(n),
    st = new Int32Array(n),
    ua = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = rs[i];
    ip[i] = r.ip;
    ts[i] = BigInt(Date.parse(r.timestamp));
    m[i] = r.method;
    url[i] = r.url;
    st[i] = r.status_code;
    ua[i] = r.user_agent;
  }
  return { ip, ts, m, url, st, ua };
}
const schema = [
  { name: "root", num_children: 6 },
  {
    name: "ip",
    type: "BYTE_ARRAY",
    converted_type: "UTF8",
    logical_type: { type: "STRING" },
    repetition_type: "REQUIRED",
  },
  {
    name: "timestamp",
    type: "INT64",
    converted_type: "TIMESTAMP_MILLIS",
    logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
    repetition_type: "REQUIRED",
  },
  {
    name: "method",
    type: "BYTE_ARRAY",
    converted_type: "UTF8",
    logical_type: { type: "STRING" },
    repetition_type: "REQUIRED",
  },
  {
    name: "url",
    type: "BYTE_ARRAY",
    converted_type: "UTF8",
    logical_type: { type: "STRING" },
    repetition_type: "REQUIRED",
  },
  { name: "status_code", type: "INT32", repetition_type: "REQUIRED" },
  {
    name: "user_agent",
    type: "BYTE_ARRAY",
    converted_type: "UTF8",
    logical_type: { type: "STRING" },
    repetition_type: "REQUIRED",
  },
];
const hys = await import(`${C}/hyp/node_modules/hysnappy/js/index.js`);
const HC = {
  ...(process.env.HYS ? { SNAPPY: hys.snappyCompress } : {}),
  GZIP: (b) => gzipSync(b),
  ZSTD: zstdw ? (b) => zstdw.compress(b, 3) : undefined,
};
function hyp(rs, codec) {
  const c = cols(rs);
  return hw.parquetWriteBuffer({
    columnData: [
      { name: "ip", data: c.ip },
      { name: "timestamp", data: c.ts, ...(process.env.DELTA ? { encoding: "DELTA_BINARY_PACKED" } : {}) },
      { name: "method", data: c.m },
      { name: "url", data: c.url },
      { name: "status_code", data: c.st },
      { name: "user_agent", data: c.ua },
    ],
    schema,
    codec,
    compressors: HC,
    statistics: true,
    rowGroupSize: 100000,
  });
}
function wasm(rs, codec) {
  const c = cols(rs);
  const t = arrow.tableFromArrays({
    ip: c.ip,
    timestamp: c.ts,
    method: arrow.vectorFromArray(c.m, new arrow.Dictionary(new arrow.Utf8(), new arrow.Int8())),
    url: c.url,
    status_code: c.st,
    user_agent: c.ua,
  });
  const tbl = pw.Table.fromIPCStream(arrow.tableToIPC(t, "stream"));
  const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression[codec]).build();
  return pw.writeParquet(tbl, props);
}
const inst = await duck.DuckDBInstance.create(":memory:", {
  autoinstall_known_extensions: "false",
  autoload_known_extensions: "false",
});
const con = await inst.connect();
const dir = mkdtempSync(join(tmpdir(), "pqc-"));
let seq = 0;
async function duckw(rs, codec) {
  await con.run(
    "CREATE OR REPLACE TEMP TABLE t (ip VARCHAR, timestamp TIMESTAMPTZ, method VARCHAR, url VARCHAR, status_code INTEGER, user_agent VARCHAR)",
  );
  const ap = await con.createAppender("t");
  for (const r of rs) {
    ap.appendVarchar(r.ip);
    ap.appendTimestampTZ(new duck.DuckDBTimestampTZValue(BigInt(Date.parse(r.timestamp)) * 1000n));
    ap.appendVarchar(r.method);
    ap.appendVarchar(r.url);
    ap.appendInteger(r.status_code);
    ap.appendVarchar(r.user_agent);
    ap.endRow();
  }
  ap.closeSync();
  const f = join(dir, `${seq++}.parquet`);
  await con.run(`COPY t TO '${f}' (FORMAT parquet, COMPRESSION ${codec})`);
  const b = readFileSync(f);
  rmSync(f);
  return b;
}
const codecs = {
  snappy: ["SNAPPY", "SNAPPY", "snappy"],
  gzip: ["GZIP", "GZIP", "gzip"],
  zstd: ["ZSTD", "ZSTD", "zstd"],
  none: ["UNCOMPRESSED", "UNCOMPRESSED", "uncompressed"],
};
if (process.env.CHECK) {
  const fs = await import("node:fs");
  for (const cn of ["SNAPPY", "GZIP", "ZSTD", "UNCOMPRESSED"])
    fs.writeFileSync(`${C}/h-${cn}.parquet`, new Uint8Array(hyp(recs.slice(0, 1000), cn)));
  process.exit(0);
}
const writers = process.env.ONLYH
  ? { "hyparquet-writer": [hyp, 0] }
  : { "hyparquet-writer": [hyp, 0], "parquet-wasm": [wasm, 1], duckdb: [duckw, 2] };
for (const per of [10000, 10]) {
  for (const [wn, [fn, idx]] of Object.entries(writers)) {
    for (const [cn, names] of Object.entries(codecs)) {
      const total = per === 10 ? 20000 : N;
      for (let i = 0; i < Math.min(total, 5 * per); i += per) await fn(recs.slice(i, i + per), names[idx]);
      let bytes = 0;
      const t0 = process.hrtime.bigint();
      try {
        for (let i = 0; i < total; i += per) {
          const o = await fn(recs.slice(i, i + per), names[idx]);
          bytes += o.byteLength;
        }
      } catch (e) {
        console.log(per, wn, cn, "FAIL", e.message);
        continue;
      }
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      console.log(
        `rows/object ${per}\t${wn}\t${cn}\t${(bytes / total).toFixed(1)} B/rec\t${Math.round(total / s)} rec/s`,
      );
    }
  }
}
