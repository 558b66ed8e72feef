import { createRequire } from "node:module";
import { decode, type WebLogRecord } from "@weblog/log-schema";
import { describe, expect, it } from "vitest";
import { createFakeLog, FORMATS, formatRecord, formatter } from "../src/index";

// Well-known parsers: alpine (Apache mod_log LogFormat parser) and glossy (RFC 3164 / RFC 5424 syslog parser).
const require = createRequire(import.meta.url);
const Alpine = require("alpine");
const glossy = require("glossy").Parse;
const combined = new Alpine(Alpine.LOGFORMATS.COMBINED);
const common = new Alpine(Alpine.LOGFORMATS.CLF);

/**
 * The ALB access-log entry, field by field (after the RegexSerDe pattern in AWS's Athena docs for ALB logs):
 * type time elb client:port target:port 3 times elb_status target_status received sent "request" "ua" cipher
 * protocol tg_arn "trace" "domain" "cert" priority creation_time "actions" "redirect" "error" "targets"
 * "target_statuses" "classification" "classification_reason" conn_trace_id.
 */
const ELB_REGEX =
  /^([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*):([0-9]*) ([^ ]*)[:-]([0-9]*) ([-.0-9]*) ([-.0-9]*) ([-.0-9]*) (|[-0-9]*) (-|[-0-9]*) ([-0-9]*) ([-0-9]*) "([^ ]*) (.*) (- |[^ ]*)" "([^"]*)" ([A-Z0-9-_]+) ([A-Za-z0-9.-]*) ([^ ]*) "([^"]*)" "([^"]*)" "([^"]*)" ([-.0-9]*) ([^ ]*) "([^"]*)" "([^"]*)" "([^ ]*)" "([^\s]+?)" "([^\s]+)" "([^ ]*)" "([^ ]*)" ?([^ ]*)?$/;

/** Apache 2.4 error log (default ErrorLogFormat): [time] [module:level] [pid N:tid N] [client ip:port] message. */
const APACHE_ERROR_REGEX =
  /^\[(\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2}\.\d{6} \d{4})\] \[([a-z_0-9]+):([a-z]+\d?)\] \[pid (\d+):tid (\d+)\] \[client (\S+):(\d+)\] (.+)$/;

const START = "2026-11-25T06:00:00Z";
const records = (): WebLogRecord[] => createFakeLog({ seed: 42, startTime: START }).batch(3000);

describe("formats: seeded snapshots (seed 42, first two records)", () => {
  it.each(FORMATS)("%s", (name) => {
    const lines = createFakeLog({ seed: 42, startTime: START, format: name })
      .messages(2)
      .map((m) => m.value);
    expect(lines).toMatchSnapshot();
  });

  it("clf is an alias of combined", () => {
    const r = records()[0]!;
    expect(formatRecord(r, "clf")).toBe(formatRecord(r, "combined"));
    expect(formatter("clf")).toBe(formatter("combined"));
  });
});

describe("formats parse back to the record", () => {
  const rs = records();
  it("json: @weblog/log-schema decode gives the record", () => {
    for (const r of rs) expect(decode(formatRecord(r, "json"))).toEqual({ ok: true, record: r });
  });

  const checkCombined = (parsed: Record<string, string>, r: WebLogRecord) => {
    expect(parsed.remoteHost).toBe(r.ip);
    // Apache writes `\` and `"` inside quoted fields backslash-escaped; alpine keeps the escapes.
    expect(parsed.request).toBe(`${r.method} ${r.url.replace(/["\\]/g, "\\$&")} HTTP/1.1`);
    expect(Number(parsed.status)).toBe(r.status_code);
    expect(parsed.time?.slice(12, 20)).toBe(r.timestamp.slice(11, 19));
  };

  it("combined and common: alpine (Apache LogFormat parser)", () => {
    for (const r of rs) {
      const c = combined.parseLine(formatRecord(r, "combined"));
      checkCombined(c, r);
      expect(c["RequestHeader User-agent"]).toBe(r.user_agent);
      checkCombined(common.parseLine(formatRecord(r, "common")), r);
    }
  });

  it("syslog (RFC 5424) and bsd-syslog (RFC 3164): glossy, then the message with alpine", () => {
    for (const r of rs) {
      const s = glossy.parse(formatRecord(r, "syslog"));
      expect(s.type).toBe("RFC5424");
      expect(s.facility).toBe("local7");
      expect(s.time.toISOString()).toBe(r.timestamp);
      expect(s.severity).toBe(r.status_code >= 500 ? "err" : r.status_code >= 400 ? "warn" : "info");
      checkCombined(combined.parseLine(s.message), r);
      const b = glossy.parse(formatRecord(r, "bsd-syslog"));
      expect(b.type).toBe("RFC3164");
      expect(b.prival).toBe(s.prival);
      expect(b.host).toBe(s.host);
      expect(b.time.toISOString().slice(5, 19)).toBe(r.timestamp.slice(5, 19));
      const m = /^httpd\[(\d+)\]: (.*)$/.exec(b.message);
      expect(m?.[1]).toBe(s.pid);
      checkCombined(combined.parseLine(m?.[2] ?? ""), r);
    }
  });

  it("elb: the documented ALB regex, every field where it belongs", () => {
    for (const r of rs) {
      const m = ELB_REGEX.exec(formatRecord(r, "elb"));
      if (!m) throw new Error(`no match: ${formatRecord(r, "elb")}`);
      expect(m[1]).toBe("https");
      expect(m[4]).toBe(r.ip);
      expect(Number(m[11])).toBe(r.status_code);
      expect(m[15]).toBe(r.method);
      expect(m[16]).toBe(`https://shop.example.com:443${r.url}`);
      expect(m[18]).toBe(r.user_agent);
      expect(m[26]).toBe(`${r.timestamp.slice(0, 23)}${m[26]!.slice(23, 26)}Z`); // request_creation_time
      expect(Date.parse(m[2]!)).toBeGreaterThanOrEqual(Date.parse(r.timestamp));
      expect(Number(m[14])).toBeGreaterThanOrEqual(0);
    }
  });

  it("apache-error: the documented error-log regex; 404s say the file does not exist, 5xx are errors", () => {
    for (const r of rs) {
      const m = APACHE_ERROR_REGEX.exec(formatRecord(r, "apache-error"));
      if (!m) throw new Error(`no match: ${formatRecord(r, "apache-error")}`);
      expect(m[6]).toBe(r.ip);
      expect(m[1]?.slice(8, 10)).toBe(r.timestamp.slice(8, 10));
      expect(m[1]?.slice(11, 23)).toBe(r.timestamp.slice(11, 23));
      if (r.status_code === 404)
        expect(m[8]).toContain(`File does not exist: /var/www/html${r.url.split("?")[0]}`);
      if (r.status_code >= 500) expect(m[3]).toBe("error");
    }
  });

  it("every format is one line per record and a pure function of it", () => {
    for (const name of FORMATS) {
      for (const r of rs.slice(0, 500)) {
        const line = formatRecord(r, name);
        expect(line).not.toMatch(/[\r\n]/);
        expect(formatRecord({ ...r }, name)).toBe(line);
      }
    }
  });
});
