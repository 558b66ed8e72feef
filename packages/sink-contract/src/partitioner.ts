/**
 * Confluent's partitioners: they decide the `encodedPartition` directory of each record's object key.
 *
 * - Default: `partition=<kafka partition>`.
 * - Field: `<field>=<value>` for each of `partition.field.name`, joined by `directory.delim`.
 * - TimeBased (and Hourly/Daily presets): the record's timestamp, floored to `partition.duration.ms` in `timezone`,
 *   formatted with the Joda-style `path.format` (the subset users write: `YYYY yyyy MM dd HH mm ss` and quoted
 *   literals; other pattern letters are rejected when the partitioner is created).
 */
import { badConfig, PartitionError } from "./errors";
import type { PartitionerSettings, TimestampExtractor } from "./settings";

export interface PartitionInput {
  kafkaPartition: number;
  /** The record's JSON value (already parsed). Needed by Field and RecordField. */
  record?: unknown;
  /** The Kafka message timestamp (ms). Needed by `timestamp.extractor=Record`. */
  kafkaTimestampMs?: number;
  /** Wall clock (ms) for `Wallclock`; defaults to Date.now(). */
  nowMs?: number;
}

export interface Partitioner {
  /** The directory part for this record; throws PartitionError for a record that cannot be placed. */
  encodePartition(input: PartitionInput): string;
}

export interface PartitionerOptions {
  /** `directory.delim` used between Field partitioner segments (default `/`). */
  directoryDelim?: string;
}

export function createPartitioner(
  settings: PartitionerSettings,
  options: PartitionerOptions = {},
): Partitioner {
  const delim = options.directoryDelim ?? "/";
  switch (settings.kind) {
    case "default":
      return { encodePartition: ({ kafkaPartition }) => `partition=${kafkaPartition}` };
    case "field": {
      if (settings.fields.length === 0) {
        throw badConfig(
          "partition.field.name",
          "partition.field.name: give at least one field for FieldPartitioner",
        );
      }
      const fields = settings.fields;
      return {
        encodePartition: ({ record }) =>
          fields
            .map((field) => {
              const value = readPath(record, field);
              if (value === undefined || value === null || typeof value === "object") {
                throw new PartitionError(
                  `record has no scalar field '${field}' for FieldPartitioner (partition.field.name)`,
                  { field },
                );
              }
              return `${field}=${String(value)}`;
            })
            .join(delim),
      };
    }
    case "time": {
      const format = compilePathFormat(settings.pathFormat);
      const duration = settings.partitionDurationMs;
      if (!Number.isInteger(duration) || duration <= 0) {
        throw badConfig(
          "partition.duration.ms",
          `partition.duration.ms: ${duration} is not a positive integer (e.g. 3600000 for hourly directories)`,
        );
      }
      const zone = checkTimezone(settings.timezone, "timezone");
      const extract = timestampExtractor(settings.timestampExtractor, settings.timestampField);
      return {
        encodePartition: (input) => {
          const ts = extract(input);
          const offset = zoneOffsetMs(ts, zone);
          const localFloored = Math.floor((ts + offset) / duration) * duration;
          // localFloored's UTC fields are the wall-clock fields in `zone`.
          return format(new Date(localFloored));
        },
      };
    }
  }
}

/** Reads `a.b.c` from a JSON value; a field whose own name contains dots wins over nesting. */
export function readPath(value: unknown, path: string): unknown {
  if (value === null || typeof value !== "object") return undefined;
  const obj = value as Record<string, unknown>;
  if (Object.hasOwn(obj, path)) return obj[path];
  const dot = path.indexOf(".");
  if (dot < 0) return undefined;
  return readPath(obj[path.slice(0, dot)], path.slice(dot + 1));
}

function timestampExtractor(kind: TimestampExtractor, field: string): (input: PartitionInput) => number {
  switch (kind) {
    case "Wallclock":
      return (input) => input.nowMs ?? Date.now();
    case "Record":
      return (input) => {
        if (input.kafkaTimestampMs === undefined || !Number.isFinite(input.kafkaTimestampMs)) {
          throw new PartitionError("the Kafka message has no timestamp (timestamp.extractor=Record)");
        }
        return input.kafkaTimestampMs;
      };
    case "RecordField":
      return (input) => {
        const raw = readPath(input.record, field);
        const ms = toEpochMs(raw);
        if (ms === undefined) {
          throw new PartitionError(
            `record field '${field}' is ${raw === undefined ? "missing" : `not a timestamp (${JSON.stringify(raw)})`}: timestamp.extractor=RecordField needs an ISO-8601 string or epoch milliseconds`,
            { field },
          );
        }
        return ms;
      };
  }
}

function toEpochMs(raw: unknown): number | undefined {
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw === "string") {
    if (/^-?\d+$/.test(raw)) return Number(raw);
    const ms = Date.parse(raw);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

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
