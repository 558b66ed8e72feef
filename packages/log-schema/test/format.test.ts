import { describe, expect, it } from "vitest";
import { decode, encode, formatCombined, type WebLogRecord } from "../src/index";

const record: WebLogRecord = {
  ip: "2001:db8::7",
  timestamp: "2026-11-25T06:00:00.123Z",
  method: "POST",
  url: "/api/cart?x=1",
  status_code: 201,
  user_agent: 'Mozilla/5.0 "quoted" \\ back',
};

describe("encode", () => {
  it("writes one line in fixed key order, whatever the object's own order", () => {
    const shuffled = {
      user_agent: record.user_agent,
      status_code: record.status_code,
      url: record.url,
      method: record.method,
      timestamp: record.timestamp,
      ip: record.ip,
    };
    const line = encode(shuffled);
    expect(line).toBe(
      '{"ip":"2001:db8::7","timestamp":"2026-11-25T06:00:00.123Z","method":"POST","url":"/api/cart?x=1","status_code":201,"user_agent":"Mozilla/5.0 \\"quoted\\" \\\\ back"}',
    );
    expect(line).not.toMatch(/\n/);
    expect(Object.keys(JSON.parse(line))).toEqual([
      "ip",
      "timestamp",
      "method",
      "url",
      "status_code",
      "user_agent",
    ]);
  });
  it("round-trips through decode", () => {
    expect(decode(encode(record))).toEqual({ ok: true, record });
  });
  it("drops extra properties and escapes line breaks (never two lines)", () => {
    const odd = { ...record, user_agent: "a\nb\u2028c", extra: 1 } as WebLogRecord;
    const line = encode(odd);
    expect(line.split("\n")).toHaveLength(1);
    expect(JSON.parse(line)).toEqual({ ...record, user_agent: "a\nb\u2028c" });
  });
});

describe("encode matches JSON.stringify", () => {
  it("byte for byte on random strings (quotes, controls, non-ASCII, lone and paired surrogates)", () => {
    let seed = 99;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const alphabet = [
      '"',
      "\\",
      "\n",
      "\u0000",
      "\u001f",
      "a",
      "/",
      " ",
      "\u00e9",
      "\u2028",
      "\ud83d",
      "\ude00",
      "\ud83d\ude00",
    ];
    const randomText = () =>
      Array.from(
        { length: Math.floor(rnd() * 12) },
        () => alphabet[Math.floor(rnd() * alphabet.length)],
      ).join("");
    for (let i = 0; i < 5000; i++) {
      const r = {
        ip: randomText(),
        timestamp: randomText(),
        method: "GET",
        url: randomText(),
        status_code: 200,
        user_agent: randomText(),
      } as WebLogRecord;
      expect(encode(r)).toBe(JSON.stringify(r));
    }
  });
});

describe("formatCombined", () => {
  it("writes Apache combined log format with '-' for bytes and referer", () => {
    expect(
      formatCombined({
        ip: "203.0.113.42",
        timestamp: "2026-11-25T06:00:00.999Z",
        method: "GET",
        url: "/x",
        status_code: 200,
        user_agent: "UA",
      }),
    ).toBe('203.0.113.42 - - [25/Nov/2026:06:00:00 +0000] "GET /x HTTP/1.1" 200 - "-" "UA"');
  });
  it("escapes quotes and backslashes like Apache, and names every month", () => {
    expect(formatCombined(record)).toBe(
      '2001:db8::7 - - [25/Nov/2026:06:00:00 +0000] "POST /api/cart?x=1 HTTP/1.1" 201 - "-" "Mozilla/5.0 \\"quoted\\" \\\\ back"',
    );
    const months = Array.from(
      { length: 12 },
      (_, m) =>
        formatCombined({
          ...record,
          timestamp: `2026-${String(m + 1).padStart(2, "0")}-01T00:00:00.000Z`,
        }).match(/\[\d\d\/(\w{3})\//)?.[1],
    );
    expect(months).toEqual([
      "Jan",
      "Feb",
      "Mar",
      "Apr",
      "May",
      "Jun",
      "Jul",
      "Aug",
      "Sep",
      "Oct",
      "Nov",
      "Dec",
    ]);
  });
  it("writes control characters as \\xhh so the line stays one line", () => {
    const line = formatCombined({ ...record, user_agent: "a\nb\u007f" });
    expect(line.endsWith('"a\\x0ab\\x7f"')).toBe(true);
  });
  it("matches the combined-format grammar a log parser would use", () => {
    const combined =
      /^(\S+) (\S+) (\S+) \[([^\]]+)\] "(\S+) (\S+) (\S+)" (\d{3}) (\S+) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"$/;
    const m = combined.exec(formatCombined(record));
    expect(m?.slice(1, 10)).toEqual([
      "2001:db8::7",
      "-",
      "-",
      "25/Nov/2026:06:00:00 +0000",
      "POST",
      "/api/cart?x=1",
      "HTTP/1.1",
      "201",
      "-",
    ]);
  });
});
