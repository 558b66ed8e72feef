/**
 * The shape of one row of the connector key table (connector-keys.ts, connect-keys.ts). A row is all the contract
 * knows about one Confluent S3 sink / Kafka Connect key; load (load.ts), write-back (write-back.ts), validation
 * (validate.ts), the settings schema (schema.ts), the CLI flags (flags.ts) and the README table (docs.ts) are derived
 * from the rows, so adding a key is adding a row (plus its field in `SinkSettings`).
 */
import type { Codec } from "./codecs";
import type { PartitionerSettings, SinkSettings } from "./settings";

/**
 * - `honoured`: our sink reads it (mapped onto a `SinkSettings` field).
 * - `connect-only`: a Kafka Connect framework / converter key; meaningful to Connect, not to our sink.
 * - `ignored`: a documented Confluent S3 sink key our sink does not implement; harmless, noted when set.
 * A key in no row (and under no prefix) is unknown: loading it is an error naming it.
 */
export type ConnectorKeyStatus = "honoured" | "connect-only" | "ignored";

type TimeFields = Exclude<keyof Extract<PartitionerSettings, { kind: "time" }>, "kind">;

/** Where an honoured key lands: a top-level settings field, or a field of one partitioner kind. */
export type SettingsField =
  | Exclude<keyof SinkSettings, "partitioner">
  | "partitioner"
  | { partitioner: "field"; field: "fields" }
  | { partitioner: "time"; field: TimeFields };

export interface FlagSpec {
  /** The long flag without dashes, e.g. `flush-size`. */
  name: string;
  /** The value placeholder, e.g. `<n>`. */
  arg: string;
  /** What the flag means beyond the key's name, e.g. `records per object`. */
  help?: string;
  /** For numeric flags: a stricter lower bound than the codec's (e.g. a buffer of at least 1024 bytes). */
  min?: number;
  /** For `--partitioner`: the flag's own short values (`default`, `field`, `time`) in place of class names. */
  values?: readonly string[];
}

export interface KeyRow {
  key: string;
  status: ConnectorKeyStatus;
  /** What the key means to us: the field, or why it is Connect's / ignored. */
  note: string;
  /** When set, values other than these are rejected ("not supported by our sink"). Compared case-sensitively. */
  onlyValues?: readonly string[];
  /** Honoured keys: the field it sets. */
  field?: SettingsField;
  // biome-ignore lint/suspicious/noExplicitAny: each row's codec has its own value type
  codec?: Codec<any>;
  /** Honoured keys: our default (undefined = unset, e.g. `store.url`: AWS S3). */
  default?: unknown;
  /** Where our default comes from or differs from Connect's (documentation). */
  origin?: string;
  /** When the key is absent, a note says "using our default ... (Kafka Connect: <this>)". */
  connectDefault?: string;
  /** Absent from the file means unset (undefined), not our default (store.url: AWS S3, as in Connect). */
  absentIsUnset?: boolean;
  /** An empty value in the file means "not set" (keep the default). */
  emptyIsUnset?: boolean;
  /**
   * Write-back (settings -> connector JSON): `always` (honoured keys' default), `if-set` (optional fields),
   * `if-not-default` (our own keys, so a Connect file stays free of them), `never`, or a fixed value Connect needs.
   */
  write?: "always" | "if-set" | "if-not-default" | "never" | { value: string };
  /** A secret: its value is never shown (write-back and messages print `[hidden]`). */
  secret?: boolean;
  /** The consumer's CLI flag for this key, if any. */
  flag?: FlagSpec;
  /** Environment variables (in order of precedence) that set this field below the flags: S3_ENDPOINT, ... */
  env?: readonly string[];
}
