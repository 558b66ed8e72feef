/**
 * A combined access-log line carried in syslog, as web servers ship it: RFC 5424
 * (`<190>1 2026-11-25T06:00:00.123Z web-2 httpd 2231 access - <combined line>`) or BSD syslog, RFC 3164
 * (`<190>Nov 25 06:00:00 web-2 httpd[2231]: <combined line>`). PRI = facility local7 * 8 + severity (5xx err,
 * 4xx warning, else informational); the host and process id follow the client (a hash of its address).
 */
import type { WebLogRecord } from "@weblog/log-schema";
import { formatCombined } from "@weblog/log-schema/format";
import { HOSTS, SEVERITY_BY_CLASS, SYSLOG } from "../data/formats";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function ipHash(ip: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < ip.length; i++) h = Math.imul(h ^ ip.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function header(r: WebLogRecord): { pri: number; host: string; pid: number } {
  const h = ipHash(r.ip);
  const severity = SEVERITY_BY_CLASS[Math.floor(r.status_code / 100)] ?? 6;
  const slot = h % HOSTS.length;
  return { pri: SYSLOG.facility * 8 + severity, host: HOSTS[slot]!, pid: 2000 + slot * 37 + ((h >>> 8) % 4) };
}

/** RFC 5424 message (VERSION 1, timestamp with milliseconds in UTC, no structured data). */
export function formatSyslog(r: WebLogRecord): string {
  const { pri, host, pid } = header(r);
  return `<${pri}>1 ${r.timestamp} ${host} ${SYSLOG.appName} ${pid} ${SYSLOG.msgId} - ${formatCombined(r)}`;
}

/** RFC 3164 message (`Mmm dd hh:mm:ss`, day space-padded, UTC; the year is not part of the format). */
export function formatBsdSyslog(r: WebLogRecord): string {
  const { pri, host, pid } = header(r);
  const ts = r.timestamp;
  const day = ts.charCodeAt(8) === 48 ? ` ${ts[9]}` : ts.slice(8, 10);
  const stamp = `${MONTHS[Number(ts.slice(5, 7)) - 1]} ${day} ${ts.slice(11, 19)}`;
  return `<${pri}>${stamp} ${host} ${SYSLOG.appName}[${pid}]: ${formatCombined(r)}`;
}
