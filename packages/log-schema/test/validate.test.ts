import { isIP } from "node:net";
import { describe, expect, it } from "vitest";
import {
  decode,
  encode,
  HTTP_METHODS,
  IP_PATTERN,
  TIMESTAMP_PATTERN,
  validate,
  WEB_LOG_FIELDS,
  type WebLogRecord,
} from "../src/index";

const good: WebLogRecord = {
  ip: "203.0.113.42",
  timestamp: "2026-11-25T06:00:00.123Z",
  method: "GET",
  url: "/products/42?ref=home&q=a%20b",
  status_code: 200,
  user_agent: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
};

function withField(field: string, value: unknown): Record<string, unknown> {
  return { ...good, [field]: value };
}

function issuesOf(value: unknown): { field: string; reason: string }[] {
  const result = validate(value);
  if (result.ok) throw new Error(`expected invalid: ${JSON.stringify(value)}`);
  return result.error.issues;
}

function expectOnlyBad(field: string, value: unknown, reason?: RegExp): void {
  const result = validate(withField(field, value));
  expect(result.ok, `${field}=${JSON.stringify(value)} should be rejected`).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe("INVALID_FIELDS");
  expect(result.error.issues.map((i) => i.field)).toEqual([field]);
  expect(result.error.message).not.toMatch(/\n/);
  expect(result.error.message).toContain(field);
  if (reason) expect(result.error.issues[0]?.reason).toMatch(reason);
}

function expectGood(field: string, value: unknown): void {
  const result = validate(withField(field, value));
  expect(result.ok, `${field}=${JSON.stringify(value)} should pass: ${JSON.stringify(result)}`).toBe(true);
}

describe("a valid record", () => {
  it("passes and is returned as is", () => {
    const result = validate(good);
    expect(result).toEqual({ ok: true, record: good });
    if (result.ok) expect(result.record).toBe(good);
  });
  it("decodes from a string and from UTF-8 bytes, with a trailing newline", () => {
    const line = encode(good);
    expect(decode(line)).toEqual({ ok: true, record: good });
    expect(decode(`${line}\r\n`)).toEqual({ ok: true, record: good });
    expect(decode(new TextEncoder().encode(line))).toEqual({ ok: true, record: good });
    expect(decode(Buffer.from(`${line}\n`))).toEqual({ ok: true, record: good });
  });
});

describe("ip", () => {
  it.each([
    "0.0.0.0",
    "255.255.255.255",
    "10.0.0.1",
    "::",
    "::1",
    "2001:db8::1",
    "2001:0db8:0000:0000:0000:ff00:0042:8329",
    "fe80::1ff:fe23:4567:890a",
    "::ffff:192.0.2.128",
    "64:ff9b::198.51.100.7",
    "1:2:3:4:5:6:7::",
    "::2:3:4:5:6:7:8",
    "1:2:3:4:5:6:1.2.3.4",
    "ABCD:EF01:2345:6789:ABCD:EF01:2345:6789",
  ])("accepts %s", (ip) => expectGood("ip", ip));
  it.each([
    "",
    "1.2.3",
    "1.2.3.4.5",
    "256.1.1.1",
    "1.2.3.04",
    "01.2.3.4",
    " 1.2.3.4",
    "1.2.3.4 ",
    "1.2.3.4\n",
    "localhost",
    "[::1]",
    "fe80::1%eth0",
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    ":::",
    "12345::1",
    "g::1",
    "::ffff:1.2.3.256",
    "1:2:3:4:5:6:7:1.2.3.4",
  ])("rejects %j", (ip) => expectOnlyBad("ip", ip, /IPv4 address .* or IPv6|empty/));
  it("rejects non-strings", () => {
    expectOnlyBad("ip", 16909060, /expected a string, got 16909060/);
    expectOnlyBad("ip", null, /expected a string, got null/);
  });
  it("agrees with node:net isIP on random candidates (except zone ids, which we reject)", () => {
    const re = new RegExp(IP_PATTERN);
    const alphabet = "0123456789abcdefABCDEF:.:.:.%z";
    let seed = 12345;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    let accepted = 0;
    for (let i = 0; i < 200_000; i++) {
      const len = 1 + Math.floor(rnd() * 20);
      let s = "";
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      const ours = re.test(s);
      const node = isIP(s) !== 0 && !s.includes("%");
      if (ours !== node) throw new Error(`disagree on ${JSON.stringify(s)}: ours=${ours} node=${node}`);
      if (ours) accepted++;
    }
    expect(accepted).toBeGreaterThan(100); // the comparison exercised accepted addresses too
  });
});

describe("timestamp", () => {
  it.each([
    "2026-11-25T06:00:00.123Z",
    "2024-02-29T23:59:59.999Z",
    "2000-02-29T00:00:00.000Z",
    "1970-01-01T00:00:00.000Z",
    "2026-12-31T23:59:59.999Z",
    "2026-04-30T12:00:00.000Z",
  ])("accepts %s", (ts) => expectGood("timestamp", ts));
  it.each([
    "2026-11-25T06:00:00Z",
    "2026-11-25T06:00:00.12Z",
    "2026-11-25T06:00:00.1234Z",
    "2026-11-25T06:00:00.123",
    "2026-11-25T06:00:00.123+00:00",
    "2026-11-25 06:00:00.123Z",
    "2026-11-25t06:00:00.123z",
    "2026-13-01T00:00:00.000Z",
    "2026-00-10T00:00:00.000Z",
    "2026-02-29T00:00:00.000Z",
    "1900-02-29T00:00:00.000Z",
    "2026-04-31T00:00:00.000Z",
    "2026-11-25T24:00:00.000Z",
    "2026-11-25T23:60:00.000Z",
    "2026-11-25T23:59:60.000Z",
    "+02026-11-25T06:00:00.123Z",
    "",
  ])("rejects %j", (ts) => expectOnlyBad("timestamp", ts, /UTC instant|empty/));
  it("rejects numbers and Date objects", () => {
    expectOnlyBad("timestamp", 1764050400123, /expected a string/);
    expectOnlyBad("timestamp", new Date(), /expected a string/);
  });
  it("accepts exactly what Date#toISOString writes, day by day over 1600-2400", () => {
    const re = new RegExp(TIMESTAMP_PATTERN);
    const start = Date.UTC(1600, 0, 1);
    const end = Date.UTC(2400, 11, 31);
    let days = 0;
    for (let t = start; t <= end; t += 86_400_000) {
      const iso = new Date(t + 45_296_789).toISOString();
      if (!re.test(iso)) throw new Error(`rejected ${iso}`);
      days++;
    }
    expect(days).toBeGreaterThan(290_000);
    // and every impossible day-of-month is rejected
    for (let y = 1999; y <= 2101; y++) {
      for (let m = 1; m <= 12; m++) {
        const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
        for (let d = 1; d <= 31; d++) {
          const iso = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}T00:00:00.000Z`;
          expect(re.test(iso), iso).toBe(d <= daysInMonth);
        }
      }
    }
  });
});

describe("method", () => {
  it.each([...HTTP_METHODS])("accepts %s", (m) => expectGood("method", m));
  it.each(["get", "Get", "", "PROPFIND", " GET", "GET "])("rejects %j", (m) =>
    expectOnlyBad("method", m, /must be one of GET, HEAD/),
  );
  it("rejects a number", () => expectOnlyBad("method", 1, /must be one of/));
});

describe("url", () => {
  it.each(["/", "/a/b.css", "/search?q=a%20b&x=1", "/~user/!$&'()*+,;=:@", "/" + "a".repeat(2047)])(
    "accepts %s",
    (url) => expectGood("url", url),
  );
  it.each([
    "",
    "x",
    "http://example.com/",
    "*",
    "/a b",
    "/a\tb",
    "/a\nb",
    "/a\x7fb",
    "/caf\u00e9",
    "/\u2028",
    `/${"a".repeat(2048)}`,
  ])("rejects %j", (url) => expectOnlyBad("url", url, /must start with "\/"|empty|longer than 2048/));
  it("names the length limit", () =>
    expectOnlyBad("url", `/${"a".repeat(3000)}`, /longer than 2048 characters \(3001\)/));
});

describe("status_code", () => {
  it.each([100, 200, 304, 404, 599])("accepts %s", (s) => expectGood("status_code", s));
  it.each([99, 600, 0, -200, 200.5, Number.NaN, Number.POSITIVE_INFINITY])("rejects %s", (s) =>
    expectOnlyBad("status_code", s, /integer 100-599|expected an integer/),
  );
  it.each(["200", null, true])("rejects non-numbers %j", (s) =>
    expectOnlyBad("status_code", s, /expected an integer/),
  );
});

describe("user_agent", () => {
  it.each(["curl/8.5.0", "x", "Mozilla/5.0 (Macintosh) \u00e9\u4e2d", "a".repeat(512), " spaced "])(
    "accepts %j",
    (ua) => expectGood("user_agent", ua),
  );
  it.each(["", "a\nb", "tab\there", "nul\u0000", "del\u007f", "a".repeat(513)])("rejects %j", (ua) =>
    expectOnlyBad("user_agent", ua, /empty|control characters|longer than 512/),
  );
});

describe("errors name every bad field", () => {
  it("lists all bad, missing and unknown fields in schema order, unknown last", () => {
    const issues = issuesOf({
      ip: "nope",
      timestamp: "2026-02-30T00:00:00.000Z",
      method: "get",
      url: "x",
      status_code: "200",
      extra: 1,
      "weird/key~": 2,
    });
    expect(issues.map((i) => i.field)).toEqual([
      "ip",
      "timestamp",
      "method",
      "url",
      "status_code",
      "user_agent",
      "extra",
      "weird/key~",
    ]);
    expect(issues.find((i) => i.field === "user_agent")?.reason).toBe("missing");
    expect(issues.find((i) => i.field === "extra")?.reason).toMatch(/^unknown field/);
  });
  it("an empty object is missing all six fields", () => {
    const result = validate({});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues).toEqual(WEB_LOG_FIELDS.map((field) => ({ field, reason: "missing" })));
    expect(result.error.message).toBe(
      "invalid fields: ip (missing); timestamp (missing); method (missing); url (missing); status_code (missing); user_agent (missing)",
    );
  });
  it("one unknown field is enough to reject an otherwise good record", () => {
    expect(issuesOf({ ...good, referer: "-" })).toEqual([
      { field: "referer", reason: expect.stringMatching(/unknown field/) },
    ]);
  });
  it("a __proto__ key from JSON is an unknown field, not a prototype change", () => {
    const result = decode(`{"__proto__":{"x":1},${encode(good).slice(1)}`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.issues.map((i) => i.field)).toEqual(["__proto__"]);
  });
  it("the message stays one line and bounded with many unknown fields, issues keep them all", () => {
    const value: Record<string, unknown> = { ...good };
    for (let i = 0; i < 50; i++) value[`k${i}\n`] = i;
    const result = validate(value);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues).toHaveLength(50);
    expect(result.error.message).toMatch(/and 40 more$/);
    expect(result.error.message).not.toMatch(/[\n\r]/);
  });
});

describe("not a record at all", () => {
  it.each([
    ["", "NOT_JSON"],
    ["{", "NOT_JSON"],
    ["{'ip':1}", "NOT_JSON"],
    ["[1,2]", "NOT_OBJECT"],
    ["null", "NOT_OBJECT"],
    ['"text"', "NOT_OBJECT"],
    ["42", "NOT_OBJECT"],
    ["{} {}", "NOT_JSON"],
  ])("decode(%j) -> %s", (input, code) => {
    const result = decode(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.issues).toEqual([]);
      expect(result.error.message).not.toMatch(/\n/);
    }
  });
  it("invalid UTF-8 bytes are NOT_JSON", () => {
    const result = decode(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    expect(result).toEqual({
      ok: false,
      error: { code: "NOT_JSON", message: "input is not valid UTF-8", issues: [] },
    });
  });
});
