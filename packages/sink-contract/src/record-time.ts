/**
 * A record's time, the one implementation the sink (rotate.interval.ms, the RecordField extractor) and the verifier
 * (the newest record in an object) share: a field of the JSON value, nested with dots, holding an ISO-8601 string,
 * epoch milliseconds, or epoch milliseconds as a numeric string.
 */

/** Reads `a.b.c` from a JSON value; a field whose own name contains dots wins over nesting. */
export function readPath(value: unknown, path: string): unknown {
  if (value === null || typeof value !== "object") return undefined;
  const obj = value as Record<string, unknown>;
  if (Object.hasOwn(obj, path)) return obj[path];
  const dot = path.indexOf(".");
  if (dot < 0) return undefined;
  return readPath(obj[path.slice(0, dot)], path.slice(dot + 1));
}

/** Epoch ms of a timestamp value (ISO-8601 string, epoch ms number or numeric string), or undefined. */
export function toEpochMs(raw: unknown): number | undefined {
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw === "string") {
    if (/^-?\d+$/.test(raw)) return Number(raw);
    const ms = Date.parse(raw);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** The time of `record` read from `field` (e.g. `timestamp`, `meta.ts`), or undefined when it has none. */
export function recordTimeMs(record: unknown, field: string): number | undefined {
  return toEpochMs(readPath(record, field));
}
