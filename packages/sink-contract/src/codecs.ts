/**
 * A codec is everything the contract knows about one kind of connector value: its TypeBox schema (the settings
 * schema is composed of these, settings.ts), how a connector's string becomes the typed value (`parse`), how the
 * typed value is written back (`format`), and the one-line message when a typed value breaks the schema
 * (`explain`). The key table (connector-keys.ts) gives each honoured key one codec; load, write-back, validation
 * and the CLI flags all go through it. Pure.
 */
import { type TSchema, Type } from "@sinclair/typebox";
import { badConfig } from "./errors";

export interface Codec<T> {
  /** The value's schema (constraints included), composed into `SinkSettingsSchema`. */
  readonly schema: TSchema;
  /** Connector text -> value; throws SinkConfigError naming `key` when the text is not of this kind. */
  parse(key: string, text: string): T;
  /** Value -> connector text (Connect's convention: every value a string). */
  format(value: T): string;
  /** The one-line reason a value fails `schema`, naming `key` and the fix. */
  explain(key: string, value: unknown): string;
  /** For CLI flags: the values a choice flag accepts, or the least whole number a numeric flag accepts. */
  readonly flag: { kind: "text" } | { kind: "int"; min: number } | { kind: "choice"; values: string[] };
}

const show = (value: unknown): string => (typeof value === "string" ? `'${value}'` : String(value));

function integerText(key: string, text: string): number {
  if (!/^-?\d+$/.test(text)) throw badConfig(key, `${key}='${text}' is not an integer`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw badConfig(key, `${key}='${text}' is out of range`);
  return n;
}

/** A whole number >= `min` (and <= `max` when given). */
export function int(min: number, max?: number): Codec<number> {
  const range = max === undefined ? { minimum: min } : { minimum: min, maximum: max };
  return {
    schema: Type.Integer(range),
    parse: integerText,
    format: String,
    explain: (key, n) =>
      max !== undefined
        ? `${key}: ${n} must be an integer ${min}..${max}`
        : min === 1
          ? `${key}: ${n} must be a positive integer`
          : `${key}: ${n} must be an integer >= ${min}`,
    flag: { kind: "int", min },
  };
}

/** Milliseconds, or -1 for off (rotate.interval.ms, rotate.schedule.interval.ms). */
export const intervalMs: Codec<number> = {
  schema: Type.Union([Type.Literal(-1), Type.Integer({ minimum: 1 })]),
  parse: integerText,
  format: String,
  explain: (key, n) => `${key}: ${n} must be -1 (off) or a positive number of milliseconds`,
  flag: { kind: "int", min: -1 },
};

/** Bytes, or -1 for off (weblog.flush.size.bytes). */
export const bytesOrOff: Codec<number> = {
  schema: Type.Union([Type.Literal(-1), Type.Integer({ minimum: 1 })]),
  parse: integerText,
  format: String,
  explain: (key, n) => `${key}: ${n} must be -1 (off) or a positive number of bytes`,
  flag: { kind: "int", min: -1 },
};

export const bool: Codec<boolean> = {
  schema: Type.Boolean(),
  parse(key, text) {
    const t = text.toLowerCase();
    if (t === "true") return true;
    if (t === "false") return false;
    throw badConfig(key, `${key}='${text}' must be true or false`);
  },
  format: String,
  explain: (key, v) => `${key}: ${show(v)} must be true or false`,
  flag: { kind: "choice", values: ["true", "false"] },
};

/** One of `values`; `caseless` accepts any case in a connector file (Connect's own parsing of the key). */
export function oneOf<T extends string>(
  values: readonly T[],
  options: { caseless?: boolean } = {},
): Codec<T> {
  const explain = (key: string, v: unknown) => `${key}=${show(v)} must be one of ${values.join(", ")}`;
  return {
    schema: Type.Union(values.map((v) => Type.Literal(v))),
    parse(key, text) {
      const t = options.caseless ? text.toLowerCase() : text;
      if ((values as readonly string[]).includes(t)) return t as T;
      throw badConfig(key, explain(key, text));
    },
    format: (v) => v,
    explain,
    flag: { kind: "choice", values: [...values] },
  };
}

/**
 * Free text. `pattern` constrains it (`invalid` ends the message: "<key>: '<value>' <invalid>"); `nonEmpty` forbids
 * a blank value ("<key>: empty; <emptyHint>").
 */
export function text(
  options: { pattern?: RegExp; invalid?: string; nonEmpty?: boolean; emptyHint?: string } = {},
): Codec<string> {
  const pattern = options.pattern?.source ?? (options.nonEmpty ? "\\S" : undefined);
  return {
    schema: Type.String(pattern === undefined ? {} : { pattern }),
    parse: (_key, t) => t,
    format: (v) => v,
    explain: (key, v) =>
      typeof v === "string" && v.trim() === "" && options.nonEmpty
        ? `${key}: empty${options.emptyHint ? `; ${options.emptyHint}` : ""}`
        : `${key}: ${show(v)} ${options.invalid ?? "is not valid"}`,
    flag: { kind: "text" },
  };
}

/** A comma-separated list of items matching `item` (topics, partition.field.name). */
export function list(item: RegExp, hint: string, emptyHint: string): Codec<string[]> {
  const explain = (key: string, v: unknown) =>
    Array.isArray(v) && v.length > 0
      ? `${key}: '${v.find((x) => typeof x !== "string" || !item.test(x))}' ${hint}`
      : `${key}: ${emptyHint}`;
  return {
    schema: Type.Array(Type.String({ pattern: item.source }), { minItems: 1 }),
    parse(key, t) {
      const items = t
        .split(",")
        .map((x) => x.trim())
        .filter((x) => x.length > 0);
      if (items.length === 0) throw badConfig(key, `${key}: empty; ${emptyHint}`);
      const wrong = items.find((x) => !item.test(x));
      if (wrong !== undefined) throw badConfig(key, `${key}: '${wrong}' ${hint}`);
      return items;
    },
    format: (v) => v.join(","),
    explain,
    flag: { kind: "text" },
  };
}

/** A BCP 47 locale; Java's `en_US` is read as `en-US`. */
export const locale: Codec<string> = {
  schema: Type.String({ minLength: 1 }),
  parse(key, t) {
    try {
      const [canonical] = Intl.getCanonicalLocales(t.replace(/_/g, "-"));
      if (canonical) return canonical;
    } catch {
      // fall through: one line below
    }
    throw badConfig(key, `${key}='${t}' is not a locale tag (e.g. en-US or en_US)`);
  },
  format: (v) => v,
  explain: (key, v) => `${key}: ${show(v)} is not a locale tag (e.g. en-US)`,
  flag: { kind: "text" },
};

/** What write-back and every message print in place of a secret (Kafka's `Password.toString()`). */
export const REDACTED = "[hidden]";

/**
 * A secret (`aws.secret.access.key`, `s3.sse.customer.key`): parsed like text (optionally checked by `valid`), but
 * never shown: `format` (write-back, notes) prints `[hidden]`, and no message quotes the value. The placeholder
 * itself is refused on load, so a written-back file cannot pass for a real key.
 */
export function secret(valid?: { test(text: string): boolean; hint: string }): Codec<string> {
  const hint = valid?.hint ?? "must not be empty";
  return {
    schema: Type.String({ minLength: 1 }),
    parse(key, t) {
      if (t === REDACTED) {
        throw badConfig(
          key,
          `${key}: '${REDACTED}' is the placeholder a write-back prints for a secret: put the real value in the connector file`,
        );
      }
      if (valid && !valid.test(t)) throw badConfig(key, `${key}: ${hint} (the value is not shown)`);
      return t;
    },
    format: () => REDACTED,
    explain: (key) => `${key}: ${hint} (the value is not shown)`,
    flag: { kind: "text" },
  };
}

/** An SSE-C key as Confluent and S3 take it: base64 of exactly 256 bits. */
export const SSE_C_KEY = {
  test: (t: string) => /^[A-Za-z0-9+/]{43}=$/.test(t) && Buffer.from(t, "base64").length === 32,
  hint: "must be a base64-encoded 256-bit key (44 characters, e.g. `openssl rand -base64 32`)",
};

/**
 * A Java-style regular expression matched against whole names (`topics.regex`: Connect's Pattern.matches), checked
 * by compiling it as a JavaScript RegExp (the common syntax of both).
 */
export const wholeNameRegex: Codec<string> = {
  schema: Type.String({ minLength: 1 }),
  parse(key, t) {
    if (t.trim() === "") throw badConfig(key, `${key}: empty; give a pattern, e.g. weblogs-.*`);
    try {
      new RegExp(`^(?:${t})$`);
    } catch (err) {
      throw badConfig(key, `${key}='${t}' is not a valid regular expression: ${(err as Error).message}`);
    }
    return t;
  },
  format: (v) => v,
  explain: (key, v) => `${key}: ${show(v)} is not a valid regular expression`,
  flag: { kind: "text" },
};
