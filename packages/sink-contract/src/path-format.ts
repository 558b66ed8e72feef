/**
 * Time zones and Joda-style `path.format`s for the time-based partitioner: `checkTimezone` (an IANA name, via Intl),
 * `zoneOffsetMs` (a zone's UTC offset at an instant, DST included) and `compilePathFormat` (the subset users write:
 * `YYYY yyyy MM dd HH mm ss` and quoted literals; other pattern letters are one line naming them).
 */
import { badConfig } from "./errors";

/** Validates an IANA zone name (via Intl). Returns the canonical name. */
export function checkTimezone(zone: string, key = "timezone"): string {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw badConfig(key, `${key}: '${zone}' is not an IANA time zone (e.g. UTC, Europe/Berlin, Asia/Seoul)`);
  }
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of `zone` from UTC at instant `ms`, in ms (e.g. +9 h for Asia/Seoul). */
export function zoneOffsetMs(ms: number, zone: string): number {
  if (zone === "UTC" || zone === "Etc/UTC") return 0;
  let fmt = zoneFormatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    zoneFormatters.set(zone, fmt);
  }
  const parts: Record<string, number> = {};
  for (const p of fmt.formatToParts(new Date(ms))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  const wholeSecond = ms - (((ms % 1000) + 1000) % 1000);
  return wall - wholeSecond;
}

type Piece =
  | { literal: string }
  | { field: "year" | "month" | "day" | "hour" | "minute" | "second"; width: number };

const PATTERNS: Record<string, Piece> = {
  YYYY: { field: "year", width: 4 },
  yyyy: { field: "year", width: 4 },
  MM: { field: "month", width: 2 },
  dd: { field: "day", width: 2 },
  HH: { field: "hour", width: 2 },
  mm: { field: "minute", width: 2 },
  ss: { field: "second", width: 2 },
};

/**
 * Compiles a Joda-style `path.format` into a formatter of a Date's UTC fields. Throws BAD_CONFIG naming the
 * unsupported pattern (e.g. `MMM`, `E`, `a`), or an unterminated quote.
 */
export function compilePathFormat(pathFormat: string): (d: Date) => string {
  if (pathFormat.length === 0) {
    throw badConfig(
      "path.format",
      "path.format: required for TimeBasedPartitioner, e.g. 'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH",
    );
  }
  const pieces: Piece[] = [];
  let i = 0;
  while (i < pathFormat.length) {
    const ch = pathFormat[i] as string;
    if (ch === "'") {
      if (pathFormat[i + 1] === "'") {
        pieces.push({ literal: "'" });
        i += 2;
        continue;
      }
      let text = "";
      let j = i + 1;
      for (;;) {
        if (j >= pathFormat.length) {
          throw badConfig("path.format", `path.format: unterminated quote in "${pathFormat}"`);
        }
        if (pathFormat[j] === "'") {
          if (pathFormat[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pathFormat[j];
        j++;
      }
      pieces.push({ literal: text });
      i = j + 1;
    } else if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (pathFormat[j] === ch) j++;
      const token = pathFormat.slice(i, j);
      const piece = PATTERNS[token];
      if (!piece) {
        throw badConfig(
          "path.format",
          `path.format: pattern '${token}' is not supported (use YYYY, yyyy, MM, dd, HH, mm, ss and 'quoted' literals)`,
        );
      }
      pieces.push(piece);
      i = j;
    } else {
      pieces.push({ literal: ch });
      i++;
    }
  }
  return (d: Date) => {
    let out = "";
    for (const p of pieces) {
      if ("literal" in p) {
        out += p.literal;
        continue;
      }
      const value =
        p.field === "year"
          ? d.getUTCFullYear()
          : p.field === "month"
            ? d.getUTCMonth() + 1
            : p.field === "day"
              ? d.getUTCDate()
              : p.field === "hour"
                ? d.getUTCHours()
                : p.field === "minute"
                  ? d.getUTCMinutes()
                  : d.getUTCSeconds();
      out += String(value).padStart(p.width, "0");
    }
    return out;
  };
}
