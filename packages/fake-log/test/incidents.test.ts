import { validate } from "@weblog/log-schema";
import { describe, expect, it } from "vitest";
import { serviceOf } from "../src/data/services";
import { createFakeLog, type FakeMessage, INCIDENT_KINDS } from "../src/index";

const START = Date.UTC(2026, 10, 25, 6);
const at = (s: number) => START + s * 1000;

describe("incidents", () => {
  const log = createFakeLog({
    seed: 4,
    startTime: START,
    rate: 50,
    incidents: [
      { kind: "5xx-storm", at: 60, duration: 60, service: "checkout" },
      { kind: "crawler-flood", at: 180, duration: 60 },
      { kind: "credential-stuffing", at: 300, duration: 60 },
      { kind: "scanner-sweep", at: 420, duration: 60, intensity: 0.5 },
    ],
  });
  const messages: FakeMessage[] = [];
  for (let i = 0; i < 200_000; i++) {
    const m = log.message();
    if (Date.parse(m.record.timestamp) >= at(500)) break;
    messages.push(m);
  }

  it("each incident's records fall inside its window and say which incident they are (side channel)", () => {
    const windows = {
      "5xx-storm": 60,
      "crawler-flood": 180,
      "credential-stuffing": 300,
      "scanner-sweep": 420,
    };
    for (const kind of INCIDENT_KINDS) {
      const own = messages.filter((m) => m.incident === kind);
      expect(own.length, kind).toBeGreaterThan(100);
      for (const m of own) {
        const t = Date.parse(m.record.timestamp);
        expect(t).toBeGreaterThanOrEqual(at(windows[kind]));
        expect(t).toBeLessThan(at(windows[kind] + 60));
      }
    }
    expect(log.incidents().map((i) => i.kind)).toEqual([...INCIDENT_KINDS]);
  });

  it("floods add intensity x the base rate (+-15%): crawler 4x, stuffing 2x, sweep 0.5x over 60 s at 50/s", () => {
    const count = (k: string) => messages.filter((m) => m.incident === k).length;
    expect(Math.abs(count("crawler-flood") / (4 * 50 * 60) - 1)).toBeLessThan(0.15);
    expect(Math.abs(count("credential-stuffing") / (2 * 50 * 60) - 1)).toBeLessThan(0.15);
    expect(Math.abs(count("scanner-sweep") / (0.5 * 50 * 60) - 1)).toBeLessThan(0.15);
    // The base traffic keeps its rate meanwhile: 60 s of base records inside the crawler window (+-15%).
    const base = messages.filter(
      (m) =>
        m.incident === undefined &&
        Date.parse(m.record.timestamp) >= at(180) &&
        Date.parse(m.record.timestamp) < at(240),
    );
    expect(Math.abs(base.length / (50 * 60) - 1)).toBeLessThan(0.15);
  });

  it("what each incident looks like", () => {
    const of = (k: string) => messages.filter((m) => m.incident === k).map((m) => m.record);
    const storm = of("5xx-storm");
    expect(storm.every((r) => r.status_code >= 500 && serviceOf(r.url.split("?")[0]!) === "checkout")).toBe(
      true,
    );
    const stuffing = of("credential-stuffing");
    expect(stuffing.every((r) => r.method === "POST" && r.url === "/login")).toBe(true);
    expect(stuffing.filter((r) => r.status_code === 401).length / stuffing.length).toBeGreaterThan(0.8);
    expect(new Set(stuffing.map((r) => r.ip)).size / stuffing.length).toBeGreaterThan(0.95); // rotating addresses
    const crawl = of("crawler-flood");
    expect(new Set(crawl.map((r) => r.ip)).size).toBeLessThanOrEqual(8);
    expect(new Set(crawl.map((r) => r.ip.split(".").slice(0, 3).join("."))).size).toBe(1); // one /24
    const sweep = of("scanner-sweep");
    expect(new Set(sweep.map((r) => r.ip)).size).toBe(1);
    expect(sweep.filter((r) => r.status_code === 404).length / sweep.length).toBeGreaterThan(0.85);
    expect(sweep[0]?.url).toBe("/.env");
  });

  it("a 5xx storm fails about 80% of the service's requests in its window, other services as usual", () => {
    const inWindow = messages.filter((m) => {
      const t = Date.parse(m.record.timestamp);
      return (t >= at(60) && t < at(120) && m.incident === undefined) || m.incident === "5xx-storm";
    });
    const checkout = inWindow.filter(
      (m) => serviceOf(m.record.url.split("?")[0]!) === "checkout" && m.record.method !== "OPTIONS",
    );
    const failed = checkout.filter((m) => m.record.status_code >= 500).length;
    expect(checkout.length).toBeGreaterThan(100);
    expect(failed / checkout.length).toBeGreaterThan(0.6);
  });

  it("records stay schema-valid, no JSON field says incident unless tagIncidents", () => {
    for (const m of messages) {
      expect(validate(m.record).ok).toBe(true);
      expect(m.value).not.toContain('"incident"');
    }
    const tagged = createFakeLog({
      seed: 4,
      startTime: START,
      rate: 50,
      tagIncidents: true,
      incidents: [{ kind: "scanner-sweep", at: 1 }],
    }).messages(500);
    const sweep = tagged.filter((m) => m.incident === "scanner-sweep");
    expect(sweep.length).toBeGreaterThan(0);
    for (const m of sweep) expect(JSON.parse(m.value as string).incident).toBe("scanner-sweep");
    for (const m of tagged.filter((x) => x.incident === undefined))
      expect(m.value).not.toContain('"incident"');
  });

  it("random incidents at a rate: 6 per hour gives 6 x 10 h +- 35%, of every kind, the same for the same seed", () => {
    const run = () => {
      const l = createFakeLog({ seed: 9, startTime: START, rate: 2, incidentRate: 6 });
      const end = START + 10 * 3_600_000;
      while (Date.parse(l.next().timestamp) < end);
      return l.incidents().filter((i) => i.start < end);
    };
    const a = run();
    expect(a.length).toBeGreaterThan(39);
    expect(a.length).toBeLessThan(81);
    expect(new Set(a.map((i) => i.kind)).size).toBe(4);
    expect(run()).toEqual(a);
  });

  it("switching incidents on keeps the base traffic: the non-incident records outside windows are the same stream", () => {
    const plain = createFakeLog({ seed: 4, startTime: START, rate: 50 }).batch(2000);
    const withStorm = createFakeLog({
      seed: 4,
      startTime: START,
      rate: 50,
      incidents: [{ kind: "5xx-storm", at: 10, duration: 5, service: "search" }],
    });
    const got = withStorm.batch(2000);
    expect(got.map((r) => r.url)).toEqual(plain.map((r) => r.url));
    expect(got.filter((r, i) => r.status_code !== plain[i]!.status_code).length).toBeGreaterThan(0);
  });
});
