/**
 * Output formats: each turns a valid record into one line (no newline). `clf` is kept as an alias of `combined`.
 * Every format is a pure function of the record; see each module for its layout and the README for how to parse
 * it back.
 */
import type { WebLogRecord } from "@weblog/log-schema";
import { encode } from "@weblog/log-schema/format";
import { formatCombined, formatCommon } from "./access";
import { formatApacheError } from "./apache-error";
import { formatElb } from "./elb";
import { formatBsdSyslog, formatSyslog } from "./syslog";

export const FORMATS = ["json", "combined", "common", "syslog", "bsd-syslog", "elb", "apache-error"] as const;
export type FormatName = (typeof FORMATS)[number];
/** Accepted names: the formats plus `clf` (= combined). */
export const FORMAT_NAMES: readonly string[] = [...FORMATS, "clf"];

const FORMATTERS: Readonly<Record<FormatName, (r: WebLogRecord) => string>> = {
  json: encode,
  combined: formatCombined,
  common: formatCommon,
  syslog: formatSyslog,
  "bsd-syslog": formatBsdSyslog,
  elb: formatElb,
  "apache-error": formatApacheError,
};

/** The canonical name of a format (`clf` -> `combined`), or undefined if unknown. */
export function formatName(name: string): FormatName | undefined {
  if (name === "clf") return "combined";
  return (FORMATS as readonly string[]).includes(name) ? (name as FormatName) : undefined;
}

/** The line writer of a format (`clf` accepted). Throws on an unknown name (check with formatName first). */
export function formatter(name: FormatName | "clf"): (record: WebLogRecord) => string {
  const canonical = formatName(name);
  if (canonical === undefined) throw new Error(`unknown format ${JSON.stringify(name)}`);
  return FORMATTERS[canonical];
}

/** One record in a format. */
export function formatRecord(record: WebLogRecord, name: FormatName | "clf" = "json"): string {
  return formatter(name)(record);
}

export { formatApacheError, formatBsdSyslog, formatCommon, formatElb, formatSyslog };
