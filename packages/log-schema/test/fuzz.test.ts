import { describe, expect, it } from "vitest";
import { decode, encode, validate, type WebLogRecord } from "../src/index";

/** Small deterministic PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const good: WebLogRecord = {
  ip: "198.51.100.7",
  timestamp: "2026-11-25T06:00:00.123Z",
  method: "GET",
  url: "/",
  status_code: 200,
  user_agent: "curl/8.5.0",
};

function garbageValue(rnd: () => number, depth = 0): unknown {
  const pick = Math.floor(rnd() * 12);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rnd() < 0.5;
    case 2:
      return (rnd() - 0.5) * 10 ** Math.floor(rnd() * 12);
    case 3:
      return Math.floor(rnd() * 700);
    case 4:
      return String.fromCharCode(
        ...Array.from({ length: Math.floor(rnd() * 30) }, () => Math.floor(rnd() * 0x3000)),
      );
    case 5:
      return depth > 2
        ? []
        : Array.from({ length: Math.floor(rnd() * 4) }, () => garbageValue(rnd, depth + 1));
    case 6:
      return depth > 2 ? {} : { a: garbageValue(rnd, depth + 1) };
    case 7:
      return undefined;
    case 8:
      return Number.NaN;
    default:
      return "/x";
  }
}

describe("never throws", () => {
  it("decode() over 20k random byte strings and mutated good lines", () => {
    const rnd = prng(7);
    const line = Buffer.from(encode(good));
    const codes = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      let bytes: Uint8Array;
      if (i % 2 === 0) {
        bytes = Uint8Array.from({ length: Math.floor(rnd() * 80) }, () => Math.floor(rnd() * 256));
      } else {
        bytes = Uint8Array.from(line);
        const flips = 1 + Math.floor(rnd() * 3);
        for (let f = 0; f < flips; f++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
      }
      const result = decode(i % 4 === 1 ? Buffer.from(bytes).toString("latin1") : bytes);
      expect(typeof result.ok).toBe("boolean");
      if (!result.ok) {
        codes.add(result.error.code);
        expect(result.error.message).not.toMatch(/[\n\r]/);
        if (result.error.code === "INVALID_FIELDS") expect(result.error.issues.length).toBeGreaterThan(0);
      } else {
        expect(validate(JSON.parse(encode(result.record))).ok).toBe(true);
      }
    }
    expect([...codes]).toEqual(expect.arrayContaining(["INVALID_FIELDS", "NOT_JSON"]));
  });

  it("validate() over 20k random values and records with random field values", () => {
    const rnd = prng(11);
    const fields = Object.keys(good);
    for (let i = 0; i < 20_000; i++) {
      let value: unknown;
      if (i % 3 === 0) {
        value = garbageValue(rnd);
      } else {
        const record: Record<string, unknown> = { ...good };
        for (const f of fields) if (rnd() < 0.3) record[f] = garbageValue(rnd);
        if (rnd() < 0.1) delete record[fields[Math.floor(rnd() * fields.length)]!];
        value = record;
      }
      const result = validate(value);
      if (!result.ok && result.error.code === "INVALID_FIELDS") {
        for (const issue of result.error.issues) {
          expect(typeof issue.field).toBe("string");
          expect(issue.reason.length).toBeGreaterThan(0);
        }
      }
    }
  });

  it("validate() survives hostile objects (throwing getters, proxies, symbols, BigInt)", () => {
    const throwing = Object.defineProperty({ ...good }, "ip", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
        ownKeys() {
          throw new Error("trap");
        },
      },
    );
    for (const value of [throwing, proxy, Symbol("s"), 10n, () => 1, { ...good, status_code: 200n }]) {
      const result = validate(value);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).not.toMatch(/\n/);
    }
  });
});
