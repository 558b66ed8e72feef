/**
 * `partitioner.class` and the keys that belong to it, read once: from a connector's keys (`partitionerFromKeys`),
 * back to keys (`partitionerToKeys`), and from the consumer's partitioner flags on top of a base
 * (`partitionerFromFlags`). Each dependent key's codec and default come from its row (connector-keys.ts).
 */

import { PARTITIONER_CLASSES, PARTITIONER_PACKAGE } from "./connector-keys";
import { badConfig } from "./errors";
import { keyRow, partitionerRows } from "./key-table";
import { DEFAULT_TIME_PARTITIONER, type PartitionerSettings } from "./settings";

type ClassName = keyof typeof PARTITIONER_CLASSES;
type TimePartitioner = Extract<PartitionerSettings, { kind: "time" }>;

/** Hourly/Daily fix path.format and partition.duration.ms, as Connect's presets do. */
const PRESETS: Partial<Record<ClassName, Pick<TimePartitioner, "pathFormat" | "partitionDurationMs">>> = {
  HourlyPartitioner: {
    pathFormat: "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH",
    partitionDurationMs: 3_600_000,
  },
  DailyPartitioner: { pathFormat: "'year'=YYYY/'month'=MM/'day'=dd", partitionDurationMs: 86_400_000 },
};

/** The rows of a kind's fields keyed by field name. */
function rowsOf(kind: "field" | "time") {
  return partitionerRows(kind).map((r) => ({ row: r, field: (r.field as { field: string }).field }));
}

/** The value of a dependent key from the connector's keys, or undefined when absent (or empty where that means unset). */
function read(get: (key: string) => string | undefined, key: string): unknown {
  const row = keyRow(key);
  const text = get(key);
  if (!row?.codec || text === undefined || (text === "" && row.emptyIsUnset)) return undefined;
  return row.codec.parse(key, text);
}

/** `partitioner.class` (full or short name) -> its short name; unknown classes are one line naming the choices. */
export function partitionerClassOf(cls: string | undefined): ClassName {
  if (cls === undefined) return "DefaultPartitioner";
  const short = cls.slice(cls.lastIndexOf(".") + 1);
  if (!(short in PARTITIONER_CLASSES) || (cls.includes(".") && !cls.startsWith(PARTITIONER_PACKAGE))) {
    throw badConfig(
      "partitioner.class",
      `partitioner.class='${cls}' is not supported by our sink; use ${Object.keys(PARTITIONER_CLASSES)
        .map((k) => PARTITIONER_PACKAGE + k)
        .join(", ")}`,
    );
  }
  return short as ClassName;
}

export function partitionerFromKeys(get: (key: string) => string | undefined): PartitionerSettings {
  const cls = partitionerClassOf(get("partitioner.class"));
  const kind = PARTITIONER_CLASSES[cls];
  if (kind === "default") return { kind: "default" };
  if (kind === "field") {
    const fields = read(get, "partition.field.name") as string[] | undefined;
    if (fields === undefined) {
      throw badConfig(
        "partition.field.name",
        "partition.field.name: required with FieldPartitioner (e.g. status_code or method,status_code)",
      );
    }
    return { kind: "field", fields };
  }
  const preset = PRESETS[cls];
  const out: Record<string, unknown> = { kind: "time" };
  for (const { row, field } of rowsOf("time")) out[field] = read(get, row.key) ?? undefined;
  if (preset) Object.assign(out, preset);
  for (const required of ["pathFormat", "partitionDurationMs"] as const) {
    if (out[required] === undefined) {
      throw badConfig(
        required === "pathFormat" ? "path.format" : "partition.duration.ms",
        required === "pathFormat"
          ? "path.format: required with TimeBasedPartitioner, e.g. 'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH"
          : "partition.duration.ms: required with TimeBasedPartitioner (e.g. 3600000 for hourly)",
      );
    }
  }
  for (const { field } of rowsOf("time")) {
    if (out[field] === undefined) out[field] = DEFAULT_TIME_PARTITIONER[field as keyof TimePartitioner];
  }
  return out as TimePartitioner;
}

/** The partitioner as connector keys (Connect's convention: string values), with the full class name. */
export function partitionerToKeys(p: PartitionerSettings): Record<string, string> {
  if (p.kind === "default") return { "partitioner.class": `${PARTITIONER_PACKAGE}DefaultPartitioner` };
  const cls = p.kind === "field" ? "FieldPartitioner" : "TimeBasedPartitioner";
  const out: Record<string, string> = { "partitioner.class": PARTITIONER_PACKAGE + cls };
  for (const { row, field } of rowsOf(p.kind)) {
    out[row.key] = row.codec?.format((p as unknown as Record<string, unknown>)[field]) ?? "";
  }
  return out;
}

/** Partitioner flag values (already parsed by each row's codec), keyed by connector key. */
export type PartitionerFlags = Partial<Record<string, unknown>> & { kind?: "default" | "field" | "time" };

/**
 * The consumer's partitioner flags applied on top of `base` (from the connector file or the defaults); undefined
 * when no partitioner flag was given. `--partitioner time` alone means the time partitioner's defaults.
 */
export function partitionerFromFlags(
  base: PartitionerSettings,
  flags: PartitionerFlags,
): PartitionerSettings | undefined {
  const given = Object.entries(flags).filter(([, v]) => v !== undefined);
  if (given.length === 0) return undefined;
  const kind = flags.kind ?? base.kind;
  if (kind === "default") return { kind: "default" };
  if (kind === "field") {
    const fields =
      (flags["partition.field.name"] as string[] | undefined) ?? (base.kind === "field" ? base.fields : []);
    if (fields.length === 0) {
      throw badConfig(
        "partition.field.name",
        "--partitioner field needs --partition-field <name>, e.g. status_code",
      );
    }
    return { kind: "field", fields: [...fields] };
  }
  const out: Record<string, unknown> = { ...(base.kind === "time" ? base : DEFAULT_TIME_PARTITIONER) };
  for (const { row, field } of rowsOf("time")) {
    if (flags[row.key] !== undefined) out[field] = flags[row.key];
  }
  return out as TimePartitioner;
}
