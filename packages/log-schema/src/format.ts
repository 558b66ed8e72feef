import type { WebLogRecord } from "./schema";

/**
 * One JSON line, no trailing newline, keys always in schema order
 * (ip, timestamp, method, url, status_code, user_agent). Other properties on the object are not written.
 * Strings are escaped by JSON.stringify, so the output is always a single line.
 */
export function encode(record: WebLogRecord): string {
  return (
    '{"ip":' +
    str(record.ip) +
    ',"timestamp":' +
    str(record.timestamp) +
    ',"method":' +
    str(record.method) +
    ',"url":' +
    str(record.url) +
    ',"status_code":' +
    JSON.stringify(record.status_code) +
    ',"user_agent":' +
    str(record.user_agent) +
    "}"
  );
}

/** Characters JSON.stringify would escape (quote, backslash, controls) plus any surrogate (lone ones are escaped). */
const JSON_UNSAFE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON string literal: plain quoting when nothing needs escaping (the common case), JSON.stringify otherwise. */
function str(value: unknown): string {
  return typeof value === "string" && !JSON_UNSAFE.test(value) ? `"${value}"` : JSON.stringify(value);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Apache "combined" log format (`%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"`):
 * `203.0.113.42 - - [25/Nov/2026:06:00:00 +0000] "GET /x HTTP/1.1" 200 - "-" "Mozilla/5.0 ..."`.
 * The record has no identity, user, size or referer, so those are "-" (Apache's "no value");
 * the protocol is always HTTP/1.1; the time is UTC (+0000) to the second (milliseconds dropped, as Apache does).
 * Inside the quoted fields `"` and `\` are backslash-escaped and control characters written as \xhh, as Apache does.
 * Expects a valid record (see `validate`); never throws for other strings but the output is then unspecified.
 */
export function formatCombined(record: WebLogRecord): string {
  return (
    record.ip +
    " - - [" +
    clfTime(record.timestamp) +
    '] "' +
    record.method +
    " " +
    escapeQuoted(record.url) +
    ' HTTP/1.1" ' +
    record.status_code +
    ' - "-" "' +
    escapeQuoted(record.user_agent) +
    '"'
  );
}

/** `2026-11-25T06:00:00.123Z` -> `25/Nov/2026:06:00:00 +0000`, by slicing (the format is fixed). */
function clfTime(ts: string): string {
  const month = MONTHS[Number(ts.slice(5, 7)) - 1] ?? "???";
  return `${ts.slice(8, 10)}/${month}/${ts.slice(0, 4)}:${ts.slice(11, 19)} +0000`;
}

const NEEDS_ESCAPE = /["\\\x00-\x1F\x7F]/;

function escapeQuoted(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/["\\\x00-\x1F\x7F]/g, (c) =>
    c === '"' || c === "\\" ? `\\${c}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}
