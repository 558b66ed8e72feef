import { createHash } from "node:crypto";
import { encode } from "@weblog/log-schema";
import { describe, expect, it } from "vitest";
import { createFakeLog, createRandomizer } from "../src/index";

const START = "2026-11-25T06:00:00.000Z";

function digest(seed: number, n: number): string {
  const log = createFakeLog({ seed, startTime: START });
  const hash = createHash("sha256");
  for (let i = 0; i < n; i++) hash.update(`${encode(log.next())}\n`);
  return hash.digest("hex");
}

describe("determinism", () => {
  it("seed 42: the first records are exactly these (on every machine)", () => {
    const log = createFakeLog({ seed: 42, startTime: START, rate: 100 });
    expect(log.batch(6).map(encode)).toMatchInlineSnapshot(`
      [
        "{"ip":"70.104.103.141","timestamp":"2026-11-25T06:00:00.000Z","method":"GET","url":"/admin","status_code":302,"user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"}",
        "{"ip":"182.152.188.171","timestamp":"2026-11-25T06:00:00.009Z","method":"GET","url":"/category/health?page=16","status_code":301,"user_agent":"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}",
        "{"ip":"203.122.216.41","timestamp":"2026-11-25T06:00:00.015Z","method":"GET","url":"/products/intelligent-gold-chair-90729","status_code":200,"user_agent":"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"}",
        "{"ip":"121.4.169.62","timestamp":"2026-11-25T06:00:00.022Z","method":"GET","url":"/api/v1/products?page=5","status_code":200,"user_agent":"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"}",
        "{"ip":"118.132.194.192","timestamp":"2026-11-25T06:00:00.029Z","method":"GET","url":"/","status_code":200,"user_agent":"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"}",
        "{"ip":"70.104.103.141","timestamp":"2026-11-25T06:00:00.037Z","method":"GET","url":"/products/intelligent-gold-chair-90729","status_code":200,"user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"}",
      ]
    `);
  });

  it("seed 7 with other options: first records", () => {
    const log = createFakeLog({
      seed: 7,
      startTime: Date.UTC(2030, 0, 1),
      rate: 5,
      jitter: 1,
      visitors: 50,
      ipv6Share: 0.5,
      botShare: 0.5,
    });
    expect(log.batch(4)).toMatchInlineSnapshot(`
      [
        {
          "ip": "57.99.11.178",
          "method": "GET",
          "status_code": 200,
          "timestamp": "2030-01-01T00:00:00.000Z",
          "url": "/",
          "user_agent": "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        },
        {
          "ip": "56.11.40.35",
          "method": "GET",
          "status_code": 200,
          "timestamp": "2030-01-01T00:00:00.239Z",
          "url": "/category/music",
          "user_agent": "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        },
        {
          "ip": "57.99.11.178",
          "method": "GET",
          "status_code": 200,
          "timestamp": "2030-01-01T00:00:00.598Z",
          "url": "/account",
          "user_agent": "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        },
        {
          "ip": "57.99.11.178",
          "method": "GET",
          "status_code": 304,
          "timestamp": "2030-01-01T00:00:00.602Z",
          "url": "/",
          "user_agent": "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        },
      ]
    `);
  });

  it("the first 100k records of seeds 1 and 2 hash to fixed digests", () => {
    expect({ seed1: digest(1, 100_000), seed2: digest(2, 100_000) }).toMatchInlineSnapshot(`
      {
        "seed1": "b62e6e8b8847a3b63b8c7332647ef2bb2f91c87f57589d3cf5739c5fd36eea8d",
        "seed2": "72cf6404a16ba416d3ac3364eeee46982e8a5a00551877099d451eeefdb319f3",
      }
    `);
  });

  it("same seed and options -> same sequence; another seed -> another sequence", () => {
    const a = createFakeLog({ seed: 123, startTime: START }).batch(5000);
    const b = createFakeLog({ seed: 123, startTime: START }).batch(5000);
    const c = createFakeLog({ seed: 124, startTime: START }).batch(5000);
    expect(b).toEqual(a);
    expect(c.filter((r, i) => encode(r) === encode(a[i]!)).length).toBeLessThan(50);
  });

  it("next(), batch() and the iterator walk the same sequence", () => {
    const viaNext = createFakeLog({ seed: 9, startTime: START });
    const viaBatch = createFakeLog({ seed: 9, startTime: START });
    const viaIterator = createFakeLog({ seed: 9, startTime: START });
    const expected = Array.from({ length: 300 }, () => viaNext.next());
    expect([...viaBatch.batch(100), ...viaBatch.batch(0), ...viaBatch.batch(200)]).toEqual(expected);
    const iterated = [];
    for (const record of viaIterator) {
      iterated.push(record);
      if (iterated.length === 300) break;
    }
    expect(iterated).toEqual(expected);
  });

  it("a random seed is picked when none is given, and reusing it reproduces the run", () => {
    const first = createFakeLog({ startTime: START });
    const second = createFakeLog({ startTime: START });
    expect(Number.isSafeInteger(first.seed)).toBe(true);
    expect(first.seed).not.toBe(second.seed);
    const replay = createFakeLog({ seed: first.seed, startTime: START });
    expect(replay.batch(100)).toEqual(first.batch(100));
  });

  it("an injected randomizer is the only source: reseeded with the seed, it gives the default stream", () => {
    const injected = createRandomizer(999);
    const log = createFakeLog({ seed: 5, startTime: START }, { randomizer: injected });
    expect(log.batch(200)).toEqual(createFakeLog({ seed: 5, startTime: START }).batch(200));
    const before = injected.next();
    createFakeLog({ seed: 5, startTime: START }, { randomizer: injected }).next();
    expect(injected.next()).not.toBe(before); // the generator drew from it
  });

  it("the randomizer is a pure 32-bit function of its seed", () => {
    const r = createRandomizer(42);
    expect(Array.from({ length: 5 }, () => r.next())).toMatchInlineSnapshot(`
      [
        0.113641906529665,
        0.781842437107116,
        0.9063611791934818,
        0.22455900930799544,
        0.24616024713031948,
      ]
    `);
    const big = createRandomizer(2 ** 40 + 3);
    const neg = createRandomizer(-(2 ** 40 + 3));
    expect(big.next()).not.toBe(neg.next());
    for (let i = 0; i < 10_000; i++) {
      const u = r.next();
      if (!(u >= 0 && u < 1)) throw new Error(`out of range: ${u}`);
      const k = r.int(7);
      if (!(Number.isInteger(k) && k >= 0 && k < 7)) throw new Error(`int out of range: ${k}`);
    }
  });
});
