/**
 * The whole key table (honoured + Connect's keys + key families) and its lookups. `CONFLUENT_S3_SINK_KEYS` is the
 * table as `key -> { status, note, onlyValues }`, for tests and docs that only need to know what a key is.
 */
import { CONNECT_KEY_PREFIXES, CONNECT_KEYS } from "./connect-keys";
import { HONOURED_KEYS } from "./connector-keys";
import type { ConnectorKeyStatus, KeyRow, SettingsField } from "./key-row";

export const KEY_ROWS: readonly KeyRow[] = [...HONOURED_KEYS, ...CONNECT_KEYS];

export interface ConnectorKeyInfo {
  status: ConnectorKeyStatus;
  /** What the key means to us: the SinkSettings field, or why it is ignored. */
  note: string;
  /** When set, values other than these are rejected ("not supported by our sink"). Compared case-sensitively. */
  onlyValues?: readonly string[];
}

const infoOf = (r: KeyRow): ConnectorKeyInfo =>
  r.onlyValues
    ? { status: r.status, note: r.note, onlyValues: r.onlyValues }
    : { status: r.status, note: r.note };

const byKey = new Map(KEY_ROWS.map((r) => [r.key, r]));
if (byKey.size !== KEY_ROWS.length) throw new Error("sink-contract: a key appears twice in the key table");

/** Every documented key: honoured, Connect-only or ignored. */
export const CONFLUENT_S3_SINK_KEYS: Readonly<Record<string, ConnectorKeyInfo>> = Object.freeze(
  Object.fromEntries(KEY_ROWS.map((r) => [r.key, infoOf(r)])),
);

/** Key families documented by Connect: `transforms.<alias>.*`, `consumer.override.*`, converter sub-keys, ... */
export const CONFLUENT_S3_SINK_KEY_PREFIXES: Readonly<Record<string, ConnectorKeyInfo>> = Object.freeze(
  Object.fromEntries(CONNECT_KEY_PREFIXES.map((r) => [r.key, infoOf(r)])),
);

/** The row of a key: an exact key first, then a key family (prefix). */
export function keyRow(key: string): KeyRow | undefined {
  const exact = byKey.get(key);
  if (exact) return exact;
  return CONNECT_KEY_PREFIXES.find((r) => key.startsWith(r.key) && key.length > r.key.length);
}

/** Looks a key up in the table, then among the prefixes. */
export function connectorKeyInfo(key: string): ConnectorKeyInfo | undefined {
  const row = keyRow(key);
  return row ? infoOf(row) : undefined;
}

/** The key that sets a top-level settings field (for messages about settings given in code or by flags). */
export function keyOfField(field: string): string {
  return HONOURED_KEYS.find((r) => r.field === field)?.key ?? field;
}

/** The honoured rows of one partitioner kind's fields. */
export function partitionerRows(kind: "field" | "time"): KeyRow[] {
  return HONOURED_KEYS.filter((r) => typeof r.field === "object" && r.field.partitioner === kind);
}

/** The honoured rows of top-level fields (not the partitioner's). */
export function topLevelRows(): (KeyRow & { field: Exclude<SettingsField, object> })[] {
  return HONOURED_KEYS.filter(
    (r): r is KeyRow & { field: Exclude<SettingsField, object> } => typeof r.field === "string",
  );
}

/** The documented key nearest to an unknown one (a "did you mean"), if one is close enough. */
export function closestKey(key: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(key.length / 4)) + 1;
  for (const candidate of byKey.keys()) {
    const d = editDistance(key, candidate, bestDistance);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}

function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let x = 1; x <= a.length; x++) {
    const cur = [x];
    for (let y = 1; y <= b.length; y++) {
      cur[y] = Math.min(
        (prev[y] as number) + 1,
        (cur[y - 1] as number) + 1,
        (prev[y - 1] as number) + (a[x - 1] === b[y - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length] as number;
}
