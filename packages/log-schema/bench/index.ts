/**
 * decode+validate throughput of JSON lines, beside baselines measured in the same run:
 * JSON.parse alone (the floor: no validation), and the same schema checked by Ajv (compiled from webLogJsonSchema)
 * and by an equivalent Zod 4 schema. Target: our decode >= 500k records/s on one core.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import { Bench } from "tinybench";
import { z } from "zod";
import {
  decode,
  encode,
  HTTP_METHODS,
  IP_PATTERN,
  TIMESTAMP_PATTERN,
  URL_PATTERN,
  USER_AGENT_PATTERN,
  type WebLogRecord,
  webLogJsonSchema,
} from "../src/index";

const BATCH = 1000;
const TARGET = 500_000;

function sampleLines(): string[] {
  const uas = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "curl/8.5.0",
  ];
  const urls = ["/", "/products/1234?ref=home", "/static/js/app.3f9a1c.js", "/api/v1/cart", "/wp-login.php"];
  const lines: string[] = [];
  const t0 = Date.UTC(2026, 10, 25, 6);
  for (let i = 0; i < BATCH; i++) {
    const record: WebLogRecord = {
      ip:
        i % 10 === 0
          ? `2001:db8:${(i % 65536).toString(16)}::${(i % 4096).toString(16)}`
          : `198.51.${i % 256}.${(i * 7) % 256}`,
      timestamp: new Date(t0 + i * 13).toISOString(),
      method: i % 12 === 0 ? "POST" : "GET",
      url: urls[i % urls.length]!,
      status_code: [200, 200, 304, 404, 500][i % 5]!,
      user_agent: uas[i % uas.length]!,
    };
    lines.push(encode(record));
  }
  return lines;
}

const lines = sampleLines();
const bytes = lines.map((l) => Buffer.from(l));

// allErrors off: Ajv's fastest mode (stops at the first error); our fast path is a boolean check too.
const ajv = new Ajv2020({ strict: true, allErrors: false });
const ajvCheck = ajv.compile(webLogJsonSchema);

const zodSchema = z.strictObject({
  ip: z.string().min(2).max(45).regex(new RegExp(IP_PATTERN)),
  timestamp: z.string().length(24).regex(new RegExp(TIMESTAMP_PATTERN)),
  method: z.enum(HTTP_METHODS),
  url: z.string().min(1).max(2048).regex(new RegExp(URL_PATTERN)),
  status_code: z.int().min(100).max(599),
  user_agent: z.string().min(1).max(512).regex(new RegExp(USER_AGENT_PATTERN)),
});

// Sanity: every contender accepts every line (so each does the full work), and rejects a bad one.
for (const line of lines) {
  const value = JSON.parse(line);
  if (!decode(line).ok || !ajvCheck(value) || !zodSchema.safeParse(value).success) {
    throw new Error(`a contender rejected a good line: ${line}`);
  }
}
const bad = JSON.parse(lines[0]!.replace(/"method":"[A-Z]+"/, '"method":"get"'));
if (ajvCheck(bad) || zodSchema.safeParse(bad).success || decode(JSON.stringify(bad)).ok) {
  throw new Error("a contender accepted a bad line");
}

let sink = 0;
const bench = new Bench({ time: 1500, warmupTime: 300 });
bench
  .add("JSON.parse only (no validation, floor)", () => {
    for (let i = 0; i < BATCH; i++) sink += JSON.parse(lines[i]!).status_code;
  })
  .add("@weblog/log-schema decode(string)", () => {
    for (let i = 0; i < BATCH; i++) if (decode(lines[i]!).ok) sink++;
  })
  .add("@weblog/log-schema decode(bytes)", () => {
    for (let i = 0; i < BATCH; i++) if (decode(bytes[i]!).ok) sink++;
  })
  .add("JSON.parse + Ajv 8 (compiled webLogJsonSchema)", () => {
    for (let i = 0; i < BATCH; i++) if (ajvCheck(JSON.parse(lines[i]!))) sink++;
  })
  .add("JSON.parse + Zod 4 safeParse (same rules)", () => {
    for (let i = 0; i < BATCH; i++) if (zodSchema.safeParse(JSON.parse(lines[i]!)).success) sink++;
  });

await bench.run();

const rate = (name: string): number => {
  const task = bench.tasks.find((t) => t.name === name);
  const p50 = task?.result?.latency.p50;
  if (!p50) throw new Error(`no result for ${name}`);
  return BATCH / (p50 / 1000);
};
const ours = rate("@weblog/log-schema decode(string)");
const rows = bench.tasks.map((t) => {
  const r = rate(t.name);
  return {
    task: t.name,
    "records/s": Math.round(r).toLocaleString("en-US"),
    "ours ÷ this": (ours / r).toFixed(2),
    "this ÷ JSON.parse": (r / rate("JSON.parse only (no validation, floor)")).toFixed(2),
  };
});
console.log(
  `decode+validate of ${BATCH} distinct JSON lines (~${Math.round(lines.join("").length / BATCH)} B each), median of batches, node ${process.version}`,
);
console.table(rows);
console.log(
  `decode(string): ${Math.round(ours).toLocaleString("en-US")} records/s, target >= ${TARGET.toLocaleString("en-US")}: ${ours >= TARGET ? "MET" : "NOT MET"}`,
);
if (sink === 0) console.log("");
