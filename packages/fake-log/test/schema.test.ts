import { decode, encode, formatCombined, validate } from "@weblog/log-schema";
import { describe, expect, it } from "vitest";
import { createFakeLog, type FakeLogOptions } from "../src/index";

describe("every generated record is valid @weblog/log-schema", () => {
  const cases: [string, FakeLogOptions, number][] = [
    ["defaults", { seed: 1 }, 100_000],
    [
      "all IPv6, all bots, Poisson, fast",
      { seed: 2, ipv6Share: 1, botShare: 1, jitter: 1, rate: 50_000 },
      30_000,
    ],
    ["no bots, slow, exact spacing", { seed: 3, botShare: 0, jitter: 0, rate: 0.5, visitors: 10 }, 30_000],
    [
      "every feature on (diurnal, incidents at a rate, late delivery, bad messages: next() stays valid)",
      {
        seed: 6,
        rate: 500,
        profile: { kind: "diurnal", timeZone: "America/New_York" },
        incidentRate: 120,
        lateShare: 0.1,
        badShare: 0.2,
      },
      50_000,
    ],
    [
      "bursty with scheduled floods",
      {
        seed: 7,
        profile: "bursty",
        incidents: [
          { kind: "crawler-flood" },
          { kind: "credential-stuffing", at: 5 },
          { kind: "scanner-sweep", at: 10 },
        ],
      },
      30_000,
    ],
    [
      "near the end of the accepted time range",
      { seed: 4, startTime: "8999-12-31T23:59:00Z", rate: 10 },
      10_000,
    ],
  ];
  it.each(cases)("%s (%j): %d records", (_name, options, n) => {
    const log = createFakeLog(options);
    let invalid = 0;
    let firstProblem = "";
    for (let i = 0; i < n; i++) {
      const record = log.next();
      const result = validate(record);
      if (!result.ok) {
        invalid++;
        firstProblem ||= `${JSON.stringify(record)}: ${result.error.message}`;
      }
    }
    expect(firstProblem).toBe("");
    expect(invalid).toBe(0);
  });

  it("records survive encode -> decode unchanged, and format as one combined-log line", () => {
    for (const record of createFakeLog({ seed: 5 }).batch(5000)) {
      expect(decode(encode(record))).toEqual({ ok: true, record });
      expect(formatCombined(record)).not.toMatch(/\n/);
    }
  });
});
