/**
 * JSON with Iceberg's 64-bit ids. Snapshot ids are random 63-bit longs (Java writers use the whole range), beyond
 * a JS number's 2^53, so they are kept as decimal strings here: `parseCatalogJson` quotes them before parsing and
 * `stringifyCatalogJson` writes them back as bare numbers.
 */

const ID_KEYS = ["snapshot-id", "parent-snapshot-id", "current-snapshot-id"] as const;
const ID_NUMBER = new RegExp(`("(?:${ID_KEYS.join("|")})"\\s*:\\s*)(-?\\d+)`, "g");
const MARK = "\u0000id:";

/** A catalog response -> a value whose snapshot ids are decimal strings. */
export function parseCatalogJson(text: string): unknown {
  return JSON.parse(text.replace(ID_NUMBER, '$1"$2"'));
}

/** A request body -> JSON, with snapshot ids (decimal strings under the id keys) written as numbers. */
export function stringifyCatalogJson(value: unknown): string {
  const marked = JSON.stringify(value, (key, v) =>
    (ID_KEYS as readonly string[]).includes(key) && typeof v === "string" && /^-?\d+$/.test(v)
      ? `${MARK}${v}`
      : v,
  );
  return marked.replace(/"\\u0000id:(-?\d+)"/g, "$1");
}

/** A fresh snapshot id: random, positive, below 2^53 (so also exact as a JS number), as a decimal string. */
export function newSnapshotId(): string {
  const hi = Math.floor(Math.random() * 2 ** 21);
  const lo = Math.floor(Math.random() * 2 ** 32);
  return String(BigInt(hi) * 2n ** 32n + BigInt(lo) || 1n);
}
