/**
 * Records/s generated as objects, beside a naive generator that calls faker for every field of every record,
 * measured in the same run, then each profile, feature and format against steady next() of the same run.
 * Targets: >= 1M records/s (steady, objects), >= 20x the naive loop.
 */
import { base, en, Faker } from "@faker-js/faker";
import { encode, type WebLogRecord } from "@weblog/log-schema";
import { Bench } from "tinybench";
import { createFakeLog, type FakeLogOptions, FORMATS } from "../src/index";

const BATCH = 1000;
const TARGET_RATE = 1_000_000;
const TARGET_RATIO = 20;

const log = createFakeLog({ seed: 1, startTime: "2026-11-25T06:00:00Z" });
const faker = new Faker({ locale: [en, base], seed: 1 });
const start = new Date("2026-11-25T06:00:00Z");

/** The obvious way: one faker call per field, per record. */
function naiveRecord(): WebLogRecord {
  return {
    ip: faker.internet.ipv4(),
    timestamp: faker.date.soon({ days: 1, refDate: start }).toISOString(),
    method: faker.internet.httpMethod(),
    url: `/${faker.word.noun()}/${faker.number.int({ max: 99_999 })}`,
    status_code: faker.internet.httpStatusCode(),
    user_agent: faker.internet.userAgent(),
  };
}

let sink = 0;
const bench = new Bench({ time: 1500, warmupTime: 300 });
bench
  .add("@weblog/fake-log next() -> objects", () => {
    for (let i = 0; i < BATCH; i++) sink += log.next().status_code;
  })
  .add("@weblog/fake-log batch(1000) -> objects", () => {
    sink += log.batch(BATCH).length;
  })
  .add("@weblog/fake-log next() + encode -> JSON lines", () => {
    for (let i = 0; i < BATCH; i++) sink += encode(log.next()).length;
  })
  .add("naive: faker call per field (ipv4, date, httpMethod, word, httpStatusCode, userAgent)", () => {
    for (let i = 0; i < BATCH; i++) sink += naiveRecord().status_code;
  });

const variants: [string, FakeLogOptions][] = [
  ["profile diurnal -> objects", { profile: "diurnal" }],
  ["profile bursty -> objects", { profile: "bursty" }],
  ["incidents at 30/h -> objects", { incidentRate: 30, rate: 1000 }],
  ["late 5% -> objects", { lateShare: 0.05 }],
];
for (const [name, options] of variants) {
  const l = createFakeLog({ seed: 1, startTime: "2026-11-25T06:00:00Z", ...options });
  bench.add(`@weblog/fake-log ${name}`, () => {
    for (let i = 0; i < BATCH; i++) sink += l.next().status_code;
  });
}
for (const format of FORMATS) {
  const l = createFakeLog({ seed: 1, startTime: "2026-11-25T06:00:00Z", format });
  bench.add(`@weblog/fake-log message() -> ${format} lines`, () => {
    for (let i = 0; i < BATCH; i++) sink += (l.message().value as string).length;
  });
}
const badLog = createFakeLog({ seed: 1, startTime: "2026-11-25T06:00:00Z", badShare: 0.01 });
bench.add("@weblog/fake-log message() -> json, 1% bad", () => {
  for (let i = 0; i < BATCH; i++) sink += badLog.message().key.length;
});

await bench.run();

const rate = (name: string): number => {
  const p50 = bench.tasks.find((t) => t.name === name)?.result?.latency.p50;
  if (!p50) throw new Error(`no result for ${name}`);
  return BATCH / (p50 / 1000);
};
const naiveName = bench.tasks.find((t) => t.name.startsWith("naive"))!.name;
const naive = rate(naiveName);
const steady = rate("@weblog/fake-log next() -> objects");
console.log(`records generated per second, ${BATCH} per sample, median of samples, node ${process.version}`);
console.table(
  bench.tasks.map((t) => ({
    task: t.name,
    "records/s": Math.round(rate(t.name)).toLocaleString("en-US"),
    "× naive faker": (rate(t.name) / naive).toFixed(1),
    "× steady next()": (rate(t.name) / steady).toFixed(2),
  })),
);
const ours = rate("@weblog/fake-log next() -> objects");
console.log(
  `next(): ${Math.round(ours).toLocaleString("en-US")} records/s (target >= ${TARGET_RATE.toLocaleString("en-US")}: ${ours >= TARGET_RATE ? "MET" : "NOT MET"}), ${(ours / naive).toFixed(1)}x naive faker (target >= ${TARGET_RATIO}x: ${ours / naive >= TARGET_RATIO ? "MET" : "NOT MET"})`,
);
if (sink === 0) console.log("");
