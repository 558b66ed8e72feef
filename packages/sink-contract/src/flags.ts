/**
 * The consumer's sink flags, derived from the key table: every honoured row with a `flag` gives one flag, its
 * description (the key, what it means, the env variables, our default) and its kind (a whole number with its
 * least value, a choice, or text). `settingsFromFlags` turns the given flag values into settings overrides and the
 * partitioner's flags through the same codecs a connector file goes through. Pure: the CLI library is the app's.
 */
import type { Codec } from "./codecs";
import { HONOURED_KEYS } from "./connector-keys";
import type { KeyRow } from "./key-row";
import type { PartitionerFlags } from "./partitioner-settings";
import type { SinkSettings } from "./settings";

export interface SinkFlag {
  /** The long flag without dashes, e.g. `flush-size`; commander's camelCase of it is `attribute`. */
  name: string;
  attribute: string;
  /** e.g. `--flush-size <n>`. */
  flags: string;
  description: string;
  kind: { kind: "text" } | { kind: "int"; min: number } | { kind: "choice"; values: string[] };
  key: string;
  /** The top-level settings field it sets (none for the partitioner's flags). */
  field?: keyof SinkSettings;
  /** Our default as text, if the key has one. */
  defaultText?: string;
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function defaultText(row: KeyRow): string | undefined {
  if (row.default === undefined) return undefined;
  return row.field === "partitioner" ? "default" : (row.codec as Codec<unknown>).format(row.default);
}

function describe(row: KeyRow): string {
  const flag = row.flag as NonNullable<KeyRow["flag"]>;
  const extra: string[] = [];
  if (row.env) extra.push(`env ${row.env.join(" or ")}`);
  const d = defaultText(row);
  if (d !== undefined) extra.push(`default ${d}`);
  return `sink: ${row.key}${flag.help ? `, ${flag.help}` : ""}${extra.length > 0 ? ` (${extra.join("; ")})` : ""}`;
}

function kindOf(row: KeyRow): SinkFlag["kind"] {
  const flag = row.flag as NonNullable<KeyRow["flag"]>;
  if (flag.values) return { kind: "choice", values: [...flag.values] };
  const k = row.codec?.flag ?? { kind: "text" as const };
  return k.kind === "int" ? { kind: "int", min: flag.min ?? k.min } : k;
}

export const SINK_FLAGS: readonly SinkFlag[] = HONOURED_KEYS.filter((r) => r.flag).map((row) => {
  const flag = row.flag as NonNullable<KeyRow["flag"]>;
  const d = defaultText(row);
  return {
    name: flag.name,
    attribute: camel(flag.name),
    flags: `--${flag.name} ${flag.arg}`,
    description: describe(row),
    kind: kindOf(row),
    key: row.key,
    ...(typeof row.field === "string" && row.field !== "partitioner" ? { field: row.field } : {}),
    ...(d === undefined ? {} : { defaultText: d }),
  };
});

/** The sink's flags as a Markdown table (flag, Confluent key, default), for the consumer's README. */
export function sinkFlagTableMarkdown(): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const rows = SINK_FLAGS.map((f) => {
    const values = f.kind.kind === "choice" ? ` ${f.kind.values.join("|")}` : "";
    const d = f.defaultText === undefined || f.defaultText === "" ? "" : `\`${f.defaultText}\``;
    return `| ${cell(`\`--${f.name}${values}\``)} | \`${f.key}\` | ${cell(d)} |`;
  });
  return ["| flag | Confluent key | default |", "| --- | --- | --- |", ...rows].join("\n");
}

/**
 * Flag values (by attribute, as commander gives them: numbers for whole-number flags, strings otherwise) -> the
 * settings they override and the partitioner flags (applied with `partitionerFromFlags`). Unset flags are skipped.
 */
export function settingsFromFlags(values: Record<string, unknown>): {
  overrides: Partial<SinkSettings>;
  partitioner: PartitionerFlags;
} {
  const overrides: Record<string, unknown> = {};
  const partitioner: PartitionerFlags = {};
  for (const row of HONOURED_KEYS) {
    if (!row.flag) continue;
    const raw = values[camel(row.flag.name)];
    if (raw === undefined) continue;
    if (row.field === "partitioner") {
      partitioner.kind = raw as PartitionerFlags["kind"];
      continue;
    }
    const value = (row.codec as Codec<unknown>).parse(`--${row.flag.name}`, String(raw));
    if (typeof row.field === "object") partitioner[row.key] = value;
    else if (row.field !== undefined) overrides[row.field] = value;
  }
  return { overrides: overrides as Partial<SinkSettings>, partitioner };
}
