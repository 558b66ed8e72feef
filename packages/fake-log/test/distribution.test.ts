import type { WebLogRecord } from "@weblog/log-schema";
import { describe, expect, it } from "vitest";
import { PROBES } from "../src/data/site";
import { BOT_AGENTS } from "../src/data/user-agents";
import { createFakeLog, type FakeLogOptions } from "../src/index";

/**
 * Shares over large samples, with stated tolerances. The model's expected values (see src/data/traffic.ts and
 * statuses.ts) are about GET 92%, 2xx 73%, 3xx 18%, 4xx 8%, 5xx 0.9%; tolerances are wide enough for any seed
 * (checked over several) but would catch a broken table or a swapped weight.
 */
const N = 400_000;
const BOT_UAS = new Set(BOT_AGENTS.map(([ua]) => ua));
const PROBE_URLS = new Set(PROBES.map((p) => p.path));
const isAsset = (url: string) =>
  url.startsWith("/static/") || url === "/favicon.ico" || url === "/manifest.webmanifest";

interface Tally {
  n: number;
  methods: Map<string, number>;
  classes: Map<string, number>;
  bots: number;
  perIp: Map<string, number>;
  records: WebLogRecord[];
}

function tally(options: FakeLogOptions, n = N, keep = 0): Tally {
  const log = createFakeLog(options);
  const t: Tally = { n, methods: new Map(), classes: new Map(), bots: 0, perIp: new Map(), records: [] };
  const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (let i = 0; i < n; i++) {
    const r = log.next();
    inc(t.methods, r.method);
    inc(t.classes, `${Math.floor(r.status_code / 100)}xx`);
    if (BOT_UAS.has(r.user_agent)) t.bots++;
    inc(t.perIp, r.ip);
    if (i < keep) t.records.push(r);
  }
  return t;
}

const share = (m: Map<string, number>, k: string, n: number) => (m.get(k) ?? 0) / n;

describe.each([11, 12])("traffic shape, seed %i, %d records", (seed) => {
  const t = tally({ seed, startTime: 0 }, N, 200_000);

  it("method mix is GET-dominated: GET 85-96%, POST 2-8%, HEAD 0.5-4%, each of PUT/PATCH/DELETE/OPTIONS present", () => {
    expect(share(t.methods, "GET", N)).toBeGreaterThan(0.85);
    expect(share(t.methods, "GET", N)).toBeLessThan(0.96);
    expect(share(t.methods, "POST", N)).toBeGreaterThan(0.02);
    expect(share(t.methods, "POST", N)).toBeLessThan(0.08);
    expect(share(t.methods, "HEAD", N)).toBeGreaterThan(0.005);
    expect(share(t.methods, "HEAD", N)).toBeLessThan(0.04);
    for (const m of ["PUT", "PATCH", "DELETE", "OPTIONS"])
      expect(share(t.methods, m, N)).toBeGreaterThan(0.0005);
    expect(t.methods.has("CONNECT") || t.methods.has("TRACE")).toBe(false);
  });

  it("status classes: 2xx 65-80%, 3xx 12-24%, 4xx 5-12%, 5xx 0.2-3% (outages vary by seed), no 1xx", () => {
    const c = (k: string) => share(t.classes, k, N);
    expect(c("2xx")).toBeGreaterThan(0.65);
    expect(c("2xx")).toBeLessThan(0.8);
    expect(c("3xx")).toBeGreaterThan(0.12);
    expect(c("3xx")).toBeLessThan(0.24);
    expect(c("4xx")).toBeGreaterThan(0.05);
    expect(c("4xx")).toBeLessThan(0.12);
    expect(c("5xx")).toBeGreaterThan(0.002);
    expect(c("5xx")).toBeLessThan(0.03);
    expect(c("1xx")).toBe(0);
  });

  it("bots send botShare (30%) of records, within ±1 point", () => {
    expect(Math.abs(t.bots / N - 0.3)).toBeLessThan(0.01);
  });

  it("status depends on the URL: assets only 200/304/404 (mostly 200/304), probes only 4xx", () => {
    let assets = 0;
    let probes = 0;
    let assetOk = 0;
    for (const r of t.records) {
      const path = r.url;
      if (isAsset(path)) {
        assets++;
        expect([200, 304, 404]).toContain(r.status_code);
        if (r.status_code !== 404) assetOk++;
      } else if (PROBE_URLS.has(path)) {
        probes++;
        expect(r.status_code).toBeGreaterThanOrEqual(400);
        expect(r.status_code).toBeLessThan(500);
      }
    }
    expect(assets / t.records.length).toBeGreaterThan(0.2); // pages pull in their assets
    expect(assetOk / assets).toBeGreaterThan(0.97);
    expect(probes / t.records.length).toBeGreaterThan(0.02);
  });

  it("visitors repeat with a few heavy hitters: top 1% of addresses send > 20% of records, and at most `visitors` addresses", () => {
    const counts = [...t.perIp.values()].sort((a, b) => b - a);
    expect(counts.length).toBeLessThanOrEqual(2000);
    expect(counts.length).toBeGreaterThan(1500); // the long tail shows up too
    const top = counts.slice(0, Math.ceil(counts.length / 100)).reduce((a, b) => a + b, 0);
    expect(top / N).toBeGreaterThan(0.2);
    expect(top / N).toBeLessThan(0.7);
  });
});

describe("knobs", () => {
  it.each([0, 0.1, 0.6, 1])("botShare %d is the bot share of records within ±1 point", (botShare) => {
    const t = tally({ seed: 21, botShare }, 100_000);
    expect(Math.abs(t.bots / t.n - botShare)).toBeLessThanOrEqual(0.01);
  });

  it.each([0, 0.15, 0.5, 1])(
    "ipv6Share %d is the share of IPv6 visitors within ±5 points (1000+ visitors)",
    (ipv6Share) => {
      const t = tally({ seed: 22, ipv6Share, visitors: 5000 }, 200_000);
      const ips = [...t.perIp.keys()];
      const v6 = ips.filter((ip) => ip.includes(":")).length / ips.length;
      expect(ips.length).toBeGreaterThan(1000);
      expect(Math.abs(v6 - ipv6Share)).toBeLessThanOrEqual(0.05);
    },
  );

  it("timestamps never decrease and average `rate` per second within 2% (jitter 0.5 and 1)", () => {
    for (const jitter of [0.5, 1]) {
      const rate = 250;
      const log = createFakeLog({ seed: 31, rate, jitter, startTime: "2026-11-25T00:00:00Z" });
      const n = 200_000;
      let previous = "";
      let first = 0;
      let last = 0;
      let equalGaps = 0;
      for (let i = 0; i < n; i++) {
        const ts = log.next().timestamp;
        if (ts < previous) throw new Error(`went back: ${previous} -> ${ts}`);
        if (ts === previous) equalGaps++;
        previous = ts;
        const ms = Date.parse(ts);
        if (i === 0) first = ms;
        last = ms;
      }
      const observed = (n - 1) / ((last - first) / 1000);
      expect(Math.abs(observed / rate - 1)).toBeLessThan(0.02);
      expect(first).toBe(Date.UTC(2026, 10, 25));
      expect(equalGaps).toBeLessThan(n * 0.2);
    }
  });

  it("jitter 0 spaces records exactly 1/rate apart", () => {
    const times = createFakeLog({ seed: 32, rate: 4, jitter: 0, startTime: 0 })
      .batch(10)
      .map((r) => Date.parse(r.timestamp));
    expect(times).toEqual(Array.from({ length: 10 }, (_, i) => i * 250));
  });

  it("5xx come in bursts: most 5xx have another 5xx within the next 50 records", () => {
    const log = createFakeLog({ seed: 33 });
    const statuses = Int16Array.from({ length: 400_000 }, () => log.next().status_code);
    let errors = 0;
    let clustered = 0;
    for (let i = 0; i < statuses.length; i++) {
      if (statuses[i]! < 500) continue;
      errors++;
      for (let j = i + 1; j <= i + 50 && j < statuses.length; j++) {
        if (statuses[j]! >= 500) {
          clustered++;
          break;
        }
      }
    }
    expect(errors).toBeGreaterThan(100);
    expect(clustered / errors).toBeGreaterThan(0.5);
  });
});
