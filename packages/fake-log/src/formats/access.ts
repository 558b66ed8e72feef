/**
 * Apache access-log layouts: `combined` (@weblog/log-schema's formatCombined, the default text form) and `common`
 * (NCSA common log format, `%h %l %u %t "%r" %>s %b`: combined without referer and user agent). The record has no
 * size, identity or user, so those are "-" in both, as Apache writes "no value".
 */
import type { WebLogRecord } from "@weblog/log-schema";
import { formatCombined } from "@weblog/log-schema/format";

export { formatCombined };

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `2026-11-25T06:00:00.123Z` -> `25/Nov/2026:06:00:00 +0000`. */
export function clfTime(ts: string): string {
  return `${ts.slice(8, 10)}/${MONTHS[Number(ts.slice(5, 7)) - 1]}/${ts.slice(0, 4)}:${ts.slice(11, 19)} +0000`;
}

/** NCSA common log format line: `203.0.113.42 - - [25/Nov/2026:06:00:00 +0000] "GET /x HTTP/1.1" 200 -`. */
export function formatCommon(r: WebLogRecord): string {
  // URLs are visible ASCII without quotes' meaning to Apache; escape `"` and `\` as Apache does.
  const url = /["\\]/.test(r.url) ? r.url.replace(/["\\]/g, (c) => `\\${c}`) : r.url;
  return `${r.ip} - - [${clfTime(r.timestamp)}] "${r.method} ${url} HTTP/1.1" ${r.status_code} -`;
}
