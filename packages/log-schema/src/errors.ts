import type { WebLogRecord } from "./schema";

/**
 * Why a line or value is not a record:
 * - `NOT_JSON`: the bytes are not UTF-8 or the text is not one JSON value;
 * - `NOT_OBJECT`: valid JSON but not an object (array, string, number, null, ...);
 * - `INVALID_FIELDS`: an object with at least one missing, unknown or bad field (all listed in `issues`).
 */
export type RecordErrorCode = "NOT_JSON" | "NOT_OBJECT" | "INVALID_FIELDS";

/** One bad field: `field` is the property name (unknown properties are named too), `reason` says what is wrong. */
export interface RecordIssue {
  field: string;
  reason: string;
}

/** A plain, serialisable error value (never thrown). `message` is one line naming every bad field. */
export interface RecordError {
  code: RecordErrorCode;
  message: string;
  issues: RecordIssue[];
}

export type RecordResult = { ok: true; record: WebLogRecord } | { ok: false; error: RecordError };

export function recordError(code: RecordErrorCode, message: string, issues: RecordIssue[] = []): RecordError {
  return { code, message: oneLine(message), issues };
}

/** Collapse whitespace/control characters so a message always fits on one log line. */
export function oneLine(text: string): string {
  return text.replace(/[\x00-\x1F\x7F\u2028\u2029]+/g, " ");
}

/** A short, one-line, safe rendering of an arbitrary value for a reason text. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string": {
      const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
      return `${JSON.stringify(shown)}`;
    }
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    case "undefined":
      return "undefined";
    case "object":
      return "an object";
    default:
      return `a ${typeof value}`;
  }
}
