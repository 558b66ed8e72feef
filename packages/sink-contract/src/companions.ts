/**
 * The lines of the companion objects (`store.kafka.keys`, `store.kafka.headers`), JsonFormat as Confluent's S3 sink
 * writes them with a StringConverter key and header converter: one JSON line per record, in the value object's
 * order.
 * - keys: the key as a JSON string, e.g. `"203.0.113.9"` (Confluent's JsonRecordWriterProvider writes a
 *   non-Struct key with Jackson: a quoted string).
 * - headers: `{"headers":[{"key":"<name>","value":"<value>"},...]}` (HeaderRecordView's enveloped struct through
 *   JsonConverter, schemas off); a header without a value has `"value":null`.
 * A record without a key (keys on) or without headers (headers on) has no line: Confluent fails it with a
 * DataException ("Key cannot be null", "Headers cannot be null"), the errant-record path; our sink rejects it the
 * same way (DLQ with errors.tolerance=all, else it stops). Pure; shared by the sink (writes) and the verifier
 * (compares with Kafka).
 */

/** A header value as kafkajs gives it: bytes or text, a list when the name repeats, or nothing. */
export type HeaderValue =
  | Buffer
  | string
  | null
  | undefined
  | readonly (Buffer | string | null | undefined)[];

/** The keys companion's line for a record's key; null when the record has no key. */
export function keyLine(key: Buffer | string | null | undefined): string | null {
  if (key === null || key === undefined) return null;
  return quoted(typeof key === "string" ? key : key.toString("utf8"));
}

/** Printable ASCII without `"` and `\\`: its JSON string is itself in quotes. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** `JSON.stringify(s)`, without its cost for the common plain text (once or twice per record). */
const quoted = (s: string): string => (PLAIN.test(s) ? `"${s}"` : JSON.stringify(s));

const text = (v: Buffer | string | null | undefined): string | null =>
  v === null || v === undefined ? null : typeof v === "string" ? v : v.toString("utf8");

/**
 * The headers companion's line for a record's headers (in kafkajs's order; a repeated name's values in their
 * order); null when the record has none. Built as text (no objects per header: it runs once per record).
 */
export function headersLine(
  headers: Readonly<Record<string, HeaderValue>> | null | undefined,
): string | null {
  if (!headers) return null;
  let out = "";
  for (const name in headers) {
    const v = headers[name];
    if (Array.isArray(v)) for (const one of v) out = headerItem(out, name, one);
    else out = headerItem(out, name, v as Buffer | string | null | undefined);
  }
  return out === "" ? null : `{"headers":[${out}]}`;
}

/** `out` with one `{"key":..,"value":..}` item appended. */
function headerItem(out: string, name: string, v: Buffer | string | null | undefined): string {
  const value = text(v);
  const item = `{"key":${quoted(name)},"value":${value === null ? "null" : quoted(value)}}`;
  return out === "" ? item : `${out},${item}`;
}
