/**
 * Big objects (issue 12, `s3.part.size`): one object of ~BENCH_BIG_MIB MiB (default 64) of web-log JSON lines at a
 * time, every S3 request through @weblog/testkit's latency proxy (`--s3-latency-ms`, default 25 ms), three ways in
 * the same run on the same body:
 *   - the sink's object writer (`createObjectWriter`: the body streamed from the record lines into parts, up to
 *     `partsInFlight` UploadParts at once, each through the fenced attempt);
 *   - a bare @aws-sdk/lib-storage `Upload` of the same body, same part size, `queueSize` = the same parts in flight
 *     (body encoded whole inside the timing, as a user of Upload would);
 *   - one bare PutObject of the same body (encoded whole inside the timing).
 * Each gives MB/s (body bytes / wall time) and the process's peak RSS growth per object: VmHWM reset through
 * /proc/self/clear_refs before the object, minus the RSS right before it (after a GC), so what the leg itself
 * allocates (body, parts, SDK buffers), not the record lines every leg shares. Then Parquet (snappy), where the
 * writer streams row groups and the whole-body encoder holds every column at once.
 *
 * Env: BENCH_BIG_MIB (64), BENCH_BIG_OBJECTS (objects per leg, 3), BENCH_PART_MIB (part size, 8: 8 parts per
 * object), BENCH_PARTS_IN_FLIGHT ("1,2,4,8": the windows compared).
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { createFakeLog } from "@weblog/fake-log";
import { encode } from "@weblog/log-schema";
import { type BodyEncoding, encodeObjectBody } from "@weblog/object-format";
import { defaultSinkSettings, keyLayoutOf } from "@weblog/sink-contract";
import { startS3, startTcpProxy } from "@weblog/testkit";
import { createObjectWriter } from "../src/sink/object-writer";
import type { FlushSet } from "../src/sink/partition-buffer";
import { clientVia, latencyMs, uid } from "./legs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const MiB = 1024 * 1024;

const vmKiB = (field: "VmHWM" | "VmRSS") =>
  Number(readFileSync("/proc/self/status", "utf8").match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0);
const gc = (globalThis as { gc?: () => void }).gc;

interface LegSpec {
  leg: "bare PutObject" | "sink writer" | "lib-storage Upload";
  body: "json" | "json+gzip" | "parquet+snappy";
  window: number;
}
interface LegResult {
  ms: number;
  growthMiB: number;
  bytes: number;
  jsonBytes: number;
  records: number;
}
const ENCODINGS: Record<LegSpec["body"], { enc: BodyEncoding; type: string }> = {
  json: { enc: { format: "json", compression: "none" }, type: "application/json" },
  "json+gzip": { enc: { format: "json", compression: "gzip" }, type: "application/gzip" },
  "parquet+snappy": { enc: { format: "parquet", codec: "snappy" }, type: "application/vnd.apache.parquet" },
};

function setOf(lines: string[], bytes: number): FlushSet {
  return {
    topic: `big-${uid()}`,
    kafkaPartition: 0,
    files: [{ encodedPartition: "partition=0", startOffset: 0n, lines, bytes }],
    commitOffset: BigInt(lines.length),
    records: lines.length,
    bytes,
    reason: "flush.size",
  };
}

/**
 * One leg in its own process (so memory another leg freed but the allocator kept cannot hide this one's): the
 * record lines built first, one small warm-up request (SDK loaded), a GC, VmHWM reset, then `objects` objects one
 * after another; the growth is the peak over them minus the RSS before the first.
 */
async function child(spec: LegSpec, endpoint: string, mib: number, objects: number, partSize: number) {
  const s3 = await startS3();
  const client: S3Client = clientVia(s3, endpoint);
  const log = createFakeLog({ seed: 64 });
  const lines: string[] = [];
  let jsonBytes = 0;
  while (jsonBytes < mib * MiB) {
    const line = encode(log.next());
    lines.push(line);
    jsonBytes += Buffer.byteLength(line) + 1;
  }
  const { enc, type } = ENCODINGS[spec.body];
  const key = () => `big/${uid()}.json`;
  const once = async (): Promise<number> => {
    if (spec.leg === "sink writer") {
      const writer = createObjectWriter({
        client,
        bucket: s3.bucket,
        compression: enc.format === "json" ? enc.compression : "none",
        parquet: enc.format === "parquet" ? enc.codec : undefined,
        layout: keyLayoutOf(defaultSinkSettings()),
        partSize,
        partsInFlight: spec.window,
      });
      return (await writer.upload(setOf(lines, jsonBytes), { check() {}, onRetry() {} })).bytes;
    }
    const body = await encodeObjectBody(lines, enc);
    const params = { Bucket: s3.bucket, Key: key(), Body: body, ContentType: type };
    if (spec.leg === "bare PutObject") await client.send(new PutObjectCommand(params));
    else await new Upload({ client, params, partSize, queueSize: spec.window }).done();
    return body.length;
  };
  await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key(), Body: "warm-up" }));
  gc?.();
  writeFileSync("/proc/self/clear_refs", "5"); // VmHWM := the current RSS
  const before = vmKiB("VmRSS");
  const started = performance.now();
  let bytes = 0;
  for (let i = 0; i < objects; i++) bytes = await once();
  const result: LegResult = {
    ms: performance.now() - started,
    growthMiB: (vmKiB("VmHWM") - before) / 1024,
    bytes,
    jsonBytes: jsonBytes * objects,
    records: lines.length,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await s3.stop();
}

function runChild(spec: LegSpec, endpoint: string): Promise<LegResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--expose-gc", fileURLToPath(import.meta.url)],
      { env: { ...process.env, BIG_LEG: JSON.stringify(spec), BIG_ENDPOINT: endpoint }, timeout: 600_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${spec.leg} ${spec.body}: ${stderr || err.message}`));
        else resolve(JSON.parse(stdout.trim().split("\n").at(-1) as string) as LegResult);
      },
    );
  });
}

type Row = LegSpec & LegResult;

async function main() {
  const latency = latencyMs();
  const mib = Number(process.env.BENCH_BIG_MIB ?? 64);
  const objects = Number(process.env.BENCH_BIG_OBJECTS ?? 2);
  const partSize = Number(process.env.BENCH_PART_MIB ?? 8) * MiB;
  const windows = (process.env.BENCH_PARTS_IN_FLIGHT ?? "1,2,4,8").split(",").map(Number);
  if (process.env.BIG_LEG) {
    const spec = JSON.parse(process.env.BIG_LEG) as LegSpec;
    return child(spec, process.env.BIG_ENDPOINT as string, mib, objects, partSize);
  }
  const s3 = await startS3();
  const target = new URL(s3.endpoint);
  const proxy = await startTcpProxy({
    target: { host: target.hostname, port: Number(target.port || 80) },
    delayMs: latency,
  });
  const endpoint = `http://127.0.0.1:${proxy.port}`;
  const specs: LegSpec[] = [];
  for (const body of ["json", "json+gzip"] as const) {
    specs.push({ leg: "bare PutObject", body, window: 0 });
    for (const window of windows) {
      specs.push({ leg: "sink writer", body, window });
      specs.push({ leg: "lib-storage Upload", body, window });
    }
  }
  specs.push({ leg: "bare PutObject", body: "parquet+snappy", window: 0 });
  specs.push({ leg: "sink writer", body: "parquet+snappy", window: windows.at(-1) ?? 4 });
  const rows: Row[] = [];
  try {
    for (const spec of specs) {
      rows.push({ ...spec, ...(await runChild(spec, endpoint)) });
      process.stderr.write(`big-objects: ${spec.leg} ${spec.body} ${spec.window} done\n`);
    }
  } finally {
    await proxy.close();
    await s3.stop();
  }
  print(rows, { latency, mib, objects, partSize });
}

function print(rows: Row[], o: { latency: number; mib: number; objects: number; partSize: number }) {
  console.log(
    `\nBig objects: ${rows[0]?.records.toLocaleString("en-US")} records (${o.mib} MiB of JSON lines) per object, ${o.objects} objects per leg one after another, each leg in its own process, parts of ${o.partSize / MiB} MiB, +${o.latency} ms per S3 request`,
  );
  const header = [
    "body",
    "leg",
    "parts in flight",
    "body MiB",
    "JSON MB/s",
    "vs bare PUT",
    "vs Upload (same window)",
    "peak RSS growth MiB",
  ];
  const rate = (r: Row) => r.jsonBytes / 1e6 / (r.ms / 1000);
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  for (const r of rows) {
    const put = rows.find((x) => x.body === r.body && x.leg === "bare PutObject");
    const upload = rows.find(
      (x) => x.body === r.body && x.leg === "lib-storage Upload" && x.window === r.window,
    );
    const cells = [
      r.body,
      r.leg,
      r.window === 0 ? "-" : String(r.window),
      (r.bytes / MiB).toFixed(1),
      rate(r).toFixed(1),
      put ? `${(rate(r) / rate(put)).toFixed(2)}x` : "-",
      upload && r.leg === "sink writer" ? `${(rate(r) / rate(upload)).toFixed(2)}x` : "-",
      r.growthMiB.toFixed(0),
    ];
    console.log(`| ${cells.join(" | ")} |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
