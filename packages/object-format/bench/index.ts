/**
 * `pnpm --filter @weblog/object-format bench`: encoding an object's body, every format and codec, on the same
 * fake-log records, beside JSON lines (the sink's format so far) measured in the same run:
 *   - records/s encoding objects of 10 records (flush.size 10, the stack's default) and of 10,000;
 *   - bytes per record of the stored object;
 *   - records/s decoding (what the verifier pays per object).
 * Env: BENCH_RECORDS (default 200,000 for the 10,000-record objects; a tenth of it for 10-record objects).
 */
import { createFakeLog } from "@weblog/fake-log";
import { encode } from "@weblog/log-schema";
import {
  type BodyEncoding,
  decodeObjectBody,
  describeEncoding,
  encodeObjectBody,
  PARQUET_CODECS,
} from "../src/index";

const TOTAL = Number(process.env.BENCH_RECORDS ?? 200_000);
const lines = createFakeLog({ seed: 42 })
  .batch(TOTAL)
  .map((r) => encode(r));

const encodings: BodyEncoding[] = [
  { format: "json", compression: "none" },
  { format: "json", compression: "gzip" },
  ...PARQUET_CODECS.map((codec): BodyEncoding => ({ format: "parquet", codec })),
];

async function measure(enc: BodyEncoding, perObject: number, total: number) {
  const run = async () => {
    const bodies: Buffer[] = [];
    const t0 = performance.now();
    for (let i = 0; i < total; i += perObject)
      bodies.push(await encodeObjectBody(lines.slice(i, i + perObject), enc));
    return { ms: performance.now() - t0, bodies };
  };
  await run(); // warm-up (JIT, zstd's wasm)
  const { ms, bodies } = await run();
  const bytes = bodies.reduce((n, b) => n + b.length, 0);
  const t1 = performance.now();
  let back = 0;
  for (const b of bodies) back += (await decodeObjectBody(b, enc)).length;
  const decodeMs = performance.now() - t1;
  if (back !== total) throw new Error(`bench: decoded ${back} records of ${total}`);
  return {
    encodeRate: (total / ms) * 1000,
    bytesPerRecord: bytes / total,
    decodeRate: (total / decodeMs) * 1000,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
async function main() {
  console.log(
    `object bodies: ${fmt(TOTAL)} fake-log records (${(lines.reduce((n, l) => n + l.length + 1, 0) / TOTAL).toFixed(1)} B/record as JSON)\n`,
  );
  for (const [perObject, total] of [
    [10, Math.max(10, Math.floor(TOTAL / 10))],
    [10_000, TOTAL],
  ] as const) {
    console.log(`objects of ${fmt(perObject)} records (${fmt(total)} records)`);
    console.log(
      "| body | encode records/s | vs JSON lines | bytes/record | vs JSON lines | decode records/s |",
    );
    console.log("| --- | --- | --- | --- | --- | --- |");
    let base: Awaited<ReturnType<typeof measure>> | undefined;
    for (const enc of encodings) {
      const m = await measure(enc, perObject, total);
      base ??= m;
      console.log(
        `| ${describeEncoding(enc)} | ${fmt(m.encodeRate)} | ${(m.encodeRate / base.encodeRate).toFixed(2)}x | ${m.bytesPerRecord.toFixed(1)} | ${(m.bytesPerRecord / base.bytesPerRecord).toFixed(3)}x | ${fmt(m.decodeRate)} |`,
      );
    }
    console.log("");
  }
}

await main();
