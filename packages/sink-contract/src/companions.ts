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
  return JSON.stringify(typeof key === "string" ? key : key.toString("utf8"));
}

const text = (v: Buffer | string | null | undefined): string | null =>
  v === null || v === undefined ? null : typeof v === "string" ? v : v.toString("utf8");

/**
 * The headers companion's line for a record's headers (in kafkajs's order; a repeated name's values in their
 * order); null when the record has none.
 */
export function headersLine(
  headers: Readonly<Record<string, HeaderValue>> | null | undefined,
): string | null {
  if (!headers) return null;
  const list: { key: string; value: string | null }[] = [];
  for (const name in headers) {
    const v = headers[name];
    if (Array.isArray(v)) for (const one of v) list.push({ key: name, value: text(one) });
    else list.push({ key: name, value: text(v as Buffer | string | null | undefined) });
  }
  return list.length === 0 ? null : JSON.stringify({ headers: list });
}
