import { TypeCompiler } from "@sinclair/typebox/compiler";
import { type ValueError, ValueErrorType } from "@sinclair/typebox/errors";
import { describeValue, oneLine, type RecordIssue, type RecordResult, recordError } from "./errors";
import { FIELD_RULES, WEB_LOG_FIELDS, type WebLogRecord, WebLogRecordSchema } from "./schema";

/** The schema compiled once to a JavaScript function (TypeBox TypeCompiler): the hot path of `validate`. */
const compiled = TypeCompiler.Compile(WebLogRecordSchema);

const KNOWN_FIELDS: ReadonlySet<string> = new Set(WEB_LOG_FIELDS);
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Check an already-parsed value. Never throws. On success the same object is returned typed as a record
 * (not copied). On failure every bad field is listed, in schema order, then unknown fields.
 */
export function validate(value: unknown): RecordResult {
  try {
    if (compiled.Check(value)) return { ok: true, record: value };
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return {
        ok: false,
        error: recordError("NOT_OBJECT", `expected a JSON object, got ${describeValue(value)}`),
      };
    }
    const issues = explain(value as Record<string, unknown>);
    return { ok: false, error: recordError("INVALID_FIELDS", summarize(issues), issues) };
  } catch (cause) {
    // Only reachable for hostile values (throwing getters, revoked proxies): still report, never throw.
    return {
      ok: false,
      error: recordError(
        "NOT_OBJECT",
        `value could not be inspected: ${String((cause as Error)?.message ?? cause)}`,
      ),
    };
  }
}

/**
 * Parse one JSON line (string or UTF-8 bytes; surrounding whitespace and a trailing "\r" or "\n" are fine)
 * and validate it. Never throws.
 */
export function decode(input: string | Uint8Array): RecordResult {
  let text: string;
  if (typeof input === "string") {
    text = input;
  } else {
    try {
      text = utf8.decode(input);
    } catch {
      return { ok: false, error: recordError("NOT_JSON", "input is not valid UTF-8") };
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return { ok: false, error: recordError("NOT_JSON", `not a JSON value: ${detail}`) };
  }
  return validate(value);
}

/** The one-line message: every field up to 10, then a count (the `issues` array always has them all). */
function summarize(issues: RecordIssue[]): string {
  const shown = issues.slice(0, 10).map((i) => `${i.field} (${i.reason})`);
  if (issues.length > 10) shown.push(`and ${issues.length - 10} more`);
  return `invalid fields: ${shown.join("; ")}`;
}

/** Turn TypeBox's errors into one reason per field (the first, most basic one), schema order, unknown fields last. */
function explain(value: Record<string, unknown>): RecordIssue[] {
  const byField = new Map<string, string>();
  for (const error of compiled.Errors(value)) {
    const field = fieldOf(error);
    if (field === undefined || byField.has(field)) continue;
    byField.set(field, reasonFor(field, error));
  }
  // Unknown keys TypeBox may stop reporting after the first: list every one of them.
  for (const key of Object.keys(value)) {
    if (!KNOWN_FIELDS.has(key) && !byField.has(key)) byField.set(key, unknownReason());
  }
  const issues: RecordIssue[] = [];
  for (const field of WEB_LOG_FIELDS) {
    const reason = byField.get(field);
    if (reason !== undefined) issues.push({ field, reason });
  }
  for (const [field, reason] of byField) {
    if (!KNOWN_FIELDS.has(field)) issues.push({ field: oneLine(field).slice(0, 64), reason });
  }
  if (issues.length === 0) {
    // Defensive: Check failed but no field error was attributable (should not happen for plain objects).
    issues.push({ field: "(record)", reason: "does not match the schema" });
  }
  return issues;
}

function fieldOf(error: ValueError): string | undefined {
  // Paths are JSON Pointers: "/ip", "/some~1key". Object-level errors have path "".
  if (error.path === "") return undefined;
  const first = error.path.split("/")[1];
  return first === undefined ? undefined : first.replace(/~1/g, "/").replace(/~0/g, "~");
}

function unknownReason(): string {
  return `unknown field (allowed: ${WEB_LOG_FIELDS.join(", ")})`;
}

function reasonFor(field: string, error: ValueError): string {
  const value = error.value;
  if (!KNOWN_FIELDS.has(field)) return unknownReason();
  const known = field as keyof WebLogRecord;
  if (value === undefined) return "missing";
  const schema = WebLogRecordSchema.properties[known] as { minLength?: number; maxLength?: number };
  const fixedLength = schema.minLength !== undefined && schema.minLength === schema.maxLength;
  switch (error.type) {
    case ValueErrorType.String:
      return `expected a string, got ${describeValue(value)}`;
    case ValueErrorType.Integer:
      return typeof value === "number"
        ? `${FIELD_RULES[known]}, got ${describeValue(value)}`
        : `expected an integer, got ${describeValue(value)}`;
    case ValueErrorType.StringMaxLength:
      if (fixedLength) return `${FIELD_RULES[known]}, got ${describeValue(value)}`;
      return `longer than ${schema.maxLength} characters (${(value as string).length})`;
    case ValueErrorType.StringMinLength:
      return (value as string).length === 0 && !fixedLength
        ? "empty"
        : `${FIELD_RULES[known]}, got ${describeValue(value)}`;
    default:
      return `${FIELD_RULES[known]}, got ${describeValue(value)}`;
  }
}
