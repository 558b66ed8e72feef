/**
 * Apache 2.4 error-log line for a record (the ErrorLogFormat default):
 * `[Wed Nov 25 06:00:00.123456 2026] [core:info] [pid 2231:tid 140245] [client 203.0.113.42:51234] AH00128: ...`.
 * The message follows the status (data/formats.ts ERROR_LOG: 404 file does not exist, 403 denied, 5xx proxy
 * errors, ...; other statuses a debug line). Pure function of the record.
 */
import type { WebLogRecord } from "@weblog/log-schema";
import { ERROR_LOG } from "../data/formats";
import { clientPort, recordHash } from "./detail";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export function formatApacheError(r: WebLogRecord): string {
  const h = recordHash(r);
  const d = new Date(r.timestamp);
  const ts = r.timestamp;
  const stamp = `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${ts.slice(8, 10)} ${ts.slice(11, 23)}${String(h % 1000).padStart(3, "0")} ${ts.slice(0, 4)}`;
  const entries = ERROR_LOG[String(r.status_code)] ?? ERROR_LOG.default!;
  const [module, level, template] = entries[h % entries.length]!;
  const path = r.url.split("?")[0]!;
  const message = template.replace("{url}", r.url).replace("{file}", path).replace("{method}", r.method);
  const pid = 2000 + (h % 64);
  const tid = 139_900_000_000_000 + (h % 1_000_000);
  return `[${stamp}] [${module}:${level}] [pid ${pid}:tid ${tid}] [client ${r.ip}:${clientPort(h)}] ${message}`;
}
