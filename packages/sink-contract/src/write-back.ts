/**
 * Settings -> a flat Connect config (string values, Connect's convention) that `loadConnectorConfig` reads back to
 * the same settings. Derived from the key table: each row's `write` rule and codec; the Connect-only keys Connect
 * needs to run it (connector.class, storage.class, format.class, converters) carry their fixed value in their row.
 */
import { isDeepStrictEqual } from "node:util";
import { KEY_ROWS } from "./key-table";
import { partitionerToKeys } from "./partitioner-settings";
import type { SinkSettings } from "./settings";

export function toConnectorConfig(s: SinkSettings): Record<string, string> {
  const out: Record<string, string> = {};
  const fields = s as unknown as Record<string, unknown>;
  for (const row of KEY_ROWS) {
    const rule = row.write;
    if (rule === undefined || rule === "never") continue;
    if (typeof rule === "object") {
      out[row.key] = rule.value;
      continue;
    }
    if (typeof row.field !== "string" || !row.codec) continue;
    const value = fields[row.field];
    if (value === undefined && rule !== "always") continue;
    if (rule === "if-not-default" && isDeepStrictEqual(value, row.default)) continue;
    out[row.key] = row.codec.format(value);
  }
  Object.assign(out, partitionerToKeys(s.partitioner));
  // Connect takes topics or topics.regex, not both: with a pattern, `topics` holds only what it found
  if (s.topicsRegex !== undefined) delete out.topics;
  return out;
}
