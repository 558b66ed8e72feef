import { describe, expect, it } from "vitest";
import { decode, encode, HTTP_METHODS, quickAccept, type WebLogRecord } from "../src/index";

const good: WebLogRecord = {
  ip: "203.0.113.42",
  timestamp: "2026-11-25T06:00:00.123Z",
  method: "GET",
  url: "/products/42?ref=home&q=a%20b",
  status_code: 200,
  user_agent: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
};
const line = (changes: Partial<Record<keyof WebLogRecord, unknown>>) =>
  encode({ ...good, ...changes } as WebLogRecord);

/**
 * The contract with `decode`: quickAccept(t) implies decode(t).ok (so a caller that falls back to decode gets
 * decode's verdict and reasons for every line); and on lines in encode's form without escapes, the two agree
 * (so the fast path is taken for what producers write).
 */
function expectContract(text: string): boolean {
  const quick = quickAccept(text);
  const decoded = decode(text);
  if (quick) expect(decoded.ok, `quickAccept took a line decode rejects: ${JSON.stringify(text)}`).toBe(true);
  if (decoded.ok && !text.includes("\\") && encode(decoded.record) === text) {
    expect(quick, `quickAccept missed a line in encode's form: ${JSON.stringify(text)}`).toBe(true);
  }
  return quick;
}

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

describe("quickAccept", () => {
  it("accepts encode's lines across every field's range", () => {
    const values: Partial<Record<keyof WebLogRecord, unknown>>[] = [
      {},
      ...HTTP_METHODS.map((method) => ({ method })),
      ...["0.0.0.0", "255.255.255.255", "::", "::1", "2001:db8::1", "::ffff:192.0.2.1", "FE80::A:b"].map(
        (ip) => ({ ip }),
      ),
      { ip: "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" }, // 45 characters, the longest
      ...["2024-02-29T00:00:00.000Z", "2000-02-29T23:59:59.999Z", "0000-01-31T12:30:30.500Z"].map(
        (timestamp) => ({ timestamp }),
      ),
      { status_code: 100 },
      { status_code: 599 },
      { url: "/" },
      { url: `/${"a".repeat(2047)}` },
      { url: "/!#$%&'()*+,-./:;<=>?@[]^_`{|}~" },
      { user_agent: "-" },
      { user_agent: "x".repeat(512) },
      { user_agent: "Mozilla/5.0 (été; 日本語) \u2028 'quoted'" },
    ];
    for (const v of values) expect(expectContract(line(v)), JSON.stringify(v)).toBe(true);
  });

  it("never accepts a bad field (each field's bad values from validate's tests)", () => {
    const bad: Partial<Record<keyof WebLogRecord, unknown>>[] = [
      ...[
        "010.0.0.1",
        "256.1.1.1",
        "1.2.3",
        "1.2.3.4.5",
        "::1%eth0",
        "[::1]",
        "1:2:3:4:5:6:7:8:9",
        "1",
        "",
      ].map((ip) => ({ ip })),
      { ip: `${"1".repeat(44)}::` },
      ...[
        "2023-02-29T00:00:00.000Z",
        "1900-02-29T00:00:00.000Z",
        "2026-04-31T00:00:00.000Z",
        "2026-11-25T24:00:00.000Z",
        "2026-11-25T06:00:60.000Z",
        "2026-11-25T06:00:00.12Z",
        "2026-11-25t06:00:00.123Z",
        "2026-11-25T06:00:00.123+00:00",
      ].map((timestamp) => ({ timestamp })),
      ...["get", "GETS", "", "PROPFIND"].map((method) => ({ method })),
      ...["", "x", "/a b", "/\u00e9", "/\x7f", `/${"a".repeat(2048)}`, "http://h/"].map((url) => ({ url })),
      ...[99, 600, 200.5, -200, 0, 1e3, "200", null].map((status_code) => ({ status_code })),
      ...["", "a\tb", "a\x7fb", "a\nb", "x".repeat(513)].map((user_agent) => ({ user_agent })),
      ...["ip", "url", "user_agent", "status_code"].map((f) => ({ [f]: 42 })),
    ];
    for (const v of bad) {
      const text = line(v);
      expect(quickAccept(text), text).toBe(false);
      expectContract(text);
    }
  });

  it("leaves every other form to decode: whitespace, escapes, key order, extra or missing keys, not JSON", () => {
    const base = encode(good);
    const others = [
      `${base}\n`,
      ` ${base}`,
      JSON.stringify(good, null, 2),
      base.replace('"GET"', '"\\u0047ET"'),
      base.replace('"ip"', '"\\u0069p"'),
      base.replace("/products", "/pro\\/ducts"),
      JSON.stringify(Object.fromEntries(Object.entries(good).reverse())), // valid, in another key order
      base.replace('"method":"GET",', ""),
      `${base.slice(0, -1)},"extra":1}`,
      `${base.slice(0, -1)},"ip":"1.1.1.1"}`,
      base.replace("200", "200.0"),
      base.replace("200", "2e2"),
      base.slice(0, -1),
      `[${base}]`,
      "",
      "null",
    ];
    for (const text of others) {
      expect(quickAccept(text), text).toBe(false);
      expectContract(text);
    }
  });

  it("keeps the contract on 30k random one-character mutations of encoded lines", () => {
    const rnd = prng(12);
    const alphabet = [
      '"',
      "\\",
      ",",
      ":",
      "{",
      "}",
      "0",
      "9",
      "a",
      "F",
      ".",
      "/",
      "-",
      " ",
      "\n",
      "\x7f",
      "é",
      "Z",
    ];
    const bases = [
      encode(good),
      line({ ip: "2001:db8::ff00:42:8329", method: "DELETE", status_code: 503, url: "/" }),
      line({ timestamp: "2024-02-29T23:59:59.999Z", user_agent: "curl/8.5.0" }),
    ];
    let accepted = 0;
    for (let k = 0; k < 30_000; k++) {
      const base = bases[k % bases.length] as string;
      const at = Math.floor(rnd() * base.length);
      const op = Math.floor(rnd() * 3);
      const ch = alphabet[Math.floor(rnd() * alphabet.length)] as string;
      const text =
        op === 0
          ? base.slice(0, at) + base.slice(at + 1)
          : op === 1
            ? base.slice(0, at) + ch + base.slice(at + 1)
            : base.slice(0, at) + ch + base.slice(at);
      if (expectContract(text)) accepted++;
    }
    // both halves exercised: many mutants stay valid (inside the url or user agent), many do not
    expect(accepted).toBeGreaterThan(2_500);
    expect(accepted).toBeLessThan(27_500);
  });
});
