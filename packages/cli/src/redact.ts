import { redactUrlPasswords } from "@weblog/errors";
export const MASK = "***";

/**
 * Field names whose values are secrets: password, passwd, secret, token, credential(s), authorization, cookie,
 * and "<something>Key" like secretAccessKey, accessKeyId, apiKey, privateKey, sessionToken.
 * A bare `key` (a Kafka message key) is not a secret and is kept.
 */
const SECRET_FIELD =
  /pass(word|wd|phrase)?$|secret|token|credential|authori[sz]ation|cookie|(api|access|private|secret|session|signing)[_-]?key/i;

export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/**
 * A deep copy of `value` with every secret field's value replaced by "***" (non-empty values only, so you can still
 * see that a field was unset) and any `scheme://user:password@host` string's password masked. Cycles are cut.
 * Use it on settings/options before logging them.
 */
export function redact<T>(value: T): T {
  return redactValue(value, new WeakSet()) as T;
}

function redactValue(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return maskUrlPassword(value);
  if (typeof value !== "object" || value === null) return value;
  // Errors are kept whole (pino's serializer needs them); mask secrets inside messages with redactText.
  if (value instanceof Date || value instanceof Error || Buffer.isBuffer(value)) return value;
  if (seen.has(value)) return "[Circular]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, seen));
  if (value instanceof Map) {
    return new Map(
      [...value].map(([k, v]) => [
        k,
        typeof k === "string" && isSecretField(k) ? mask(v) : redactValue(v, seen),
      ]),
    );
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretField(k) ? mask(v) : redactValue(v, seen);
  }
  return out;
}

function mask(v: unknown): unknown {
  return v === undefined || v === null || v === "" ? v : MASK;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The shared rule for URLs (`@weblog/errors`' `redactUrlPasswords`): `scheme://user:***@host`. */
const maskUrlPassword = redactUrlPasswords;

/**
 * Masks every given secret (and its URL-encoded form) inside free text, e.g. an error message from a client
 * library, plus the password of any `scheme://user:password@host`. Undefined/empty secrets are ignored.
 */
export function redactText(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text;
  const list = secrets.filter((s): s is string => typeof s === "string" && s.length > 0);
  list.sort((a, b) => b.length - a.length); // a secret containing another is masked whole
  for (const secret of list) {
    out = out.replace(new RegExp(escapeRegExp(secret), "g"), MASK);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.replace(new RegExp(escapeRegExp(encoded), "g"), MASK);
  }
  return maskUrlPassword(out);
}
