import { type Static, Type } from "@sinclair/typebox";
import { HTTP_METHODS, type HttpMethod } from "./methods";
import { IP_PATTERN, TIMESTAMP_PATTERN, URL_PATTERN, USER_AGENT_PATTERN } from "./patterns";

/** Longest IPv6 text: eight groups of four hex digits with an embedded dotted quad, e.g. `ffff:...:255.255.255.255`. */
export const IP_MAX_LENGTH = 45;
/** Request targets longer than this are rejected (browsers and CDNs commonly cap URLs near 2 KB). */
export const URL_MAX_LENGTH = 2048;
export const USER_AGENT_MAX_LENGTH = 512;
export const STATUS_CODE_MIN = 100;
export const STATUS_CODE_MAX = 599;

/**
 * The one source of truth for a web-log record. The TypeScript type (`WebLogRecord`), the compiled runtime check
 * (`validate`/`decode`) and the exported JSON Schema (`webLogJsonSchema`) are all derived from this value.
 * Key order here is the order `encode` writes.
 */
export const WebLogRecordSchema = Type.Object(
  {
    ip: Type.String({
      minLength: 2,
      maxLength: IP_MAX_LENGTH,
      pattern: IP_PATTERN,
      description:
        "Client address: IPv4 dotted quad (no leading zeros) or IPv6 text (RFC 4291), no zone, no brackets.",
      examples: ["203.0.113.42", "2001:db8::1"],
    }),
    timestamp: Type.String({
      minLength: 24,
      maxLength: 24,
      pattern: TIMESTAMP_PATTERN,
      description:
        "When the request was received: UTC, millisecond precision, exactly YYYY-MM-DDTHH:mm:ss.sssZ.",
      examples: ["2026-11-25T06:00:00.123Z"],
    }),
    method: Type.Union(
      HTTP_METHODS.map((m) => Type.Literal(m)),
      { description: "HTTP request method, upper case.", examples: ["GET"] },
    ),
    url: Type.String({
      minLength: 1,
      maxLength: URL_MAX_LENGTH,
      pattern: URL_PATTERN,
      description:
        'Request target in origin form: "/" + path + optional "?query", visible ASCII only (0x21-0x7E), at most 2048 characters.',
      examples: ["/products/42?ref=home"],
    }),
    status_code: Type.Integer({
      minimum: STATUS_CODE_MIN,
      maximum: STATUS_CODE_MAX,
      description: "HTTP response status, an integer 100-599.",
      examples: [200],
    }),
    user_agent: Type.String({
      minLength: 1,
      maxLength: USER_AGENT_MAX_LENGTH,
      pattern: USER_AGENT_PATTERN,
      description: "User-Agent request header: 1-512 characters, no control characters.",
      examples: ["Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"],
    }),
  },
  {
    $id: "urn:weblog:schema:web-log-record:1",
    title: "WebLogRecord",
    description: "One web-access log record as a JSON object, one per line (JSON Lines).",
    additionalProperties: false,
  },
);

/**
 * One web-access log record. Spelled out (rather than `Static<typeof WebLogRecordSchema>`) so that bundled
 * declaration files need no TypeBox; the check below fails to compile if it ever drifts from the schema.
 */
export interface WebLogRecord {
  ip: string;
  timestamp: string;
  method: HttpMethod;
  url: string;
  status_code: number;
  user_agent: string;
}
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesType: Same<Static<typeof WebLogRecordSchema>, WebLogRecord> = true;
void schemaMatchesType;

/** The field names in schema (and `encode`) order. */
export const WEB_LOG_FIELDS = Object.keys(WebLogRecordSchema.properties) as readonly (keyof WebLogRecord)[];

/**
 * The same schema as a plain JSON Schema (draft 2020-12) document: TypeBox's symbol-keyed metadata removed,
 * `$schema` added. Also shipped as `@weblog/log-schema/weblog-record.schema.json`.
 */
export const webLogJsonSchema: Readonly<Record<string, unknown>> = Object.freeze({
  $schema: "https://json-schema.org/draft/2020-12/schema",
  ...(JSON.parse(JSON.stringify(WebLogRecordSchema)) as Record<string, unknown>),
});

/** What each field must be, in words: the reason given when a value breaks the field's pattern or range. */
export const FIELD_RULES: Readonly<Record<keyof WebLogRecord, string>> = {
  ip: "must be an IPv4 address (dotted quad, no leading zeros) or IPv6 text, without zone or brackets",
  timestamp: "must be a real UTC instant written YYYY-MM-DDTHH:mm:ss.sssZ (3 fraction digits, Z)",
  method: `must be one of ${HTTP_METHODS.join(", ")}`,
  url: 'must start with "/" and contain only visible ASCII (no spaces or control characters)',
  status_code: `must be an integer ${STATUS_CODE_MIN}-${STATUS_CODE_MAX}`,
  user_agent: "must be non-empty and contain no control characters",
};
