import { HTTP_METHODS } from "./methods";
import { IP_PATTERN, TIMESTAMP_PATTERN } from "./patterns";
import {
  IP_MAX_LENGTH,
  STATUS_CODE_MAX,
  STATUS_CODE_MIN,
  URL_MAX_LENGTH,
  USER_AGENT_MAX_LENGTH,
  WEB_LOG_FIELDS,
  type WebLogRecord,
} from "./schema";

/**
 * A one-pass check of a JSON line exactly as `encode` writes it (schema key order, no whitespace, no escapes,
 * the status as three digits), without building the object or its strings: the hot path of a consumer that keeps
 * the line as it came (the S3 sink). Accept-only: `true` means `decode(text)` accepts the line, for certain;
 * `false` means "not known here" (a bad record, or a good one in another form: other key order, whitespace,
 * escapes ...) and the caller asks `decode`, which gives the verdict and the reasons. So verdicts and rejection
 * messages stay `decode`'s by construction; tests check the "true => decode accepts" half on fixtures, mutations
 * and fake-log's bad records.
 *
 * Why one regular expression: V8 compiles it to native code (irregexp), which scans a line faster than a
 * charCodeAt loop in JavaScript and skips JSON.parse's object and string allocations (README "Speed").
 */
export function quickAccept(text: string): boolean {
  return LINE.test(text);
}

/** A pattern's body, for embedding: the `^...$` anchors dropped. */
const body = (pattern: string): string => pattern.slice(1, -1);

if (STATUS_CODE_MIN !== 100 || STATUS_CODE_MAX !== 599) {
  throw new Error("log-schema: quick.ts spells the status range as [1-5][0-9]{2}; update it with the schema");
}

/**
 * Each field's value as JSON text, from the schema's own patterns and limits. Inside a JSON string the
 * characters `"` and `\` would end it or start an escape, so the classes exclude them (escaped values go to
 * `decode`); the IP and timestamp patterns contain neither. `Record<keyof WebLogRecord, ...>`: a new field
 * does not compile until it has a pattern here.
 */
const VALUE: Record<keyof WebLogRecord, string> = {
  ip: `"(?=[^"]{2,${IP_MAX_LENGTH}}")(?:${body(IP_PATTERN)})"`,
  timestamp: `"(?:${body(TIMESTAMP_PATTERN)})"`,
  method: `"(?:${HTTP_METHODS.join("|")})"`,
  // URL_PATTERN (visible ASCII after "/") minus '"' (0x22) and '\' (0x5C)
  url: `"/[\\x21\\x23-\\x5B\\x5D-\\x7E]{0,${URL_MAX_LENGTH - 1}}"`,
  status_code: "[1-5][0-9]{2}",
  // USER_AGENT_PATTERN (no C0 control, no DEL) minus '"' and '\'
  user_agent: `"[^\\x00-\\x1F\\x7F"\\\\]{1,${USER_AGENT_MAX_LENGTH}}"`,
};

const LINE = new RegExp(`^\\{${WEB_LOG_FIELDS.map((f) => `"${f}":${VALUE[f]}`).join(",")}\\}$`);
