/**
 * Reads a Kafka Connect S3 sink connector config (the JSON that infra registers with Connect) into `SinkSettings`,
 * so our sink, the verifier and Connect share one file. Derived from the key table: every key must have a row (or
 * fall under a key family); honoured keys are parsed by their row's codec into their field, Connect-only and
 * ignored keys come back as notes, unknown keys are an error naming the key.
 *
 * - Accepts `{ "name": ..., "config": { ... } }` (the POST /connectors body) or the flat config
 *   (the PUT /connectors/<name>/config body). Values may be strings (Connect's convention), numbers or booleans.
 * - Keys the file leaves out take our defaults, except `store.url`: absent means AWS S3, as in Connect. Where our
 *   default differs from Connect's, a note says so.
 * - `overrides` (from flags / env, see `sinkSettingsFromEnv`) are applied last: e.g. the compose file says
 *   `store.url=http://minio:9000` (the container network) while our sink on the host passes
 *   `--store-url http://localhost:9000` or S3_ENDPOINT.
 */
import { AIVEN_S3_SINK_CLASS, loadAivenConnectorConfig } from "./aiven-config";
import { readConnectorFile } from "./connector-file";
import { badConfig } from "./errors";
import { closestKey, keyRow, topLevelRows } from "./key-table";
import { type EnvSources, envOverrideNotes } from "./override-notes";
import { partitionerFromKeys } from "./partitioner-settings";
import { defaultSinkSettings, type SinkSettings } from "./settings";
import { validateSinkSettings } from "./validate";

export interface LoadedConnectorConfig {
  settings: SinkSettings;
  /** One line per key that was ignored, or where our default was used in place of Connect's. */
  notes: string[];
  /** The connector name (`name`), if the file gave one. */
  name?: string;
}

export type ConnectorConfigInput = string | Record<string, unknown>;

export interface LoadConnectorOptions {
  /**
   * Which environment variable gave each field of `overrides` (`sinkEnvSources`, plus WEBLOG_<FLAG> ones): a key the
   * file sets and one of them overrides gets a note naming both (`override-notes.ts`).
   */
  envSources?: EnvSources;
}

/**
 * Loads a connector JSON (path, or the parsed object) into settings. Throws SinkConfigError (BAD_CONFIG, exit 2)
 * with a one-line message naming the key and the fix. `overrides` win over the file; undefined fields are skipped.
 */
export function loadConnectorConfig(
  pathOrObject: ConnectorConfigInput,
  overrides: Partial<SinkSettings> = {},
  opts: LoadConnectorOptions = {},
): LoadedConnectorConfig {
  const source = typeof pathOrObject === "string" ? pathOrObject : "connector config";
  const raw = typeof pathOrObject === "string" ? readConnectorFile(pathOrObject) : pathOrObject;
  const { flat, name: outerName } = unwrap(raw, source);
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(flat)) values.set(key, stringValue(key, value));
  const innerName = values.get("name");
  if (outerName !== undefined && innerName !== undefined && innerName !== outerName) {
    throw badConfig(
      "name",
      `name: "${innerName}" inside config differs from the connector name "${outerName}"; make them equal`,
    );
  }
  const name = outerName ?? innerName;
  // Aiven's S3 sink writes the same kind of objects under its own keys: its own reader (aiven-config.ts).
  if (values.get("connector.class") === AIVEN_S3_SINK_CLASS) {
    const aiven = loadAivenConnectorConfig(values, name);
    Object.assign(aiven.settings, defined(overrides));
    return aiven;
  }

  const notes = checkKeys(values, source);
  if (values.get("topics") && values.get("topics.regex")) {
    throw badConfig(
      "topics.regex",
      "topics.regex: set together with topics; Connect takes one of them: remove one",
    );
  }
  const settings = defaultSinkSettings() as unknown as Record<string, unknown>;
  for (const row of topLevelRows()) {
    if (row.field === "partitioner" || !row.codec) continue;
    const text = values.get(row.key);
    if (text === undefined || (text === "" && row.emptyIsUnset)) {
      if (row.absentIsUnset) delete settings[row.field];
      const byPattern = row.key === "topics" && values.get("topics.regex"); // the pattern finds them
      if (text === undefined && row.connectDefault !== undefined && !byPattern) {
        notes.push(
          `${row.key} not set: using our default ${row.codec.format(row.default)} (Kafka Connect: ${row.connectDefault})`,
        );
      }
      continue;
    }
    settings[row.field] = row.codec.parse(row.key, text);
  }
  settings.partitioner = partitionerFromKeys((key) => values.get(key));
  if (!values.get("errors.deadletterqueue.topic.name") && settings.errorsTolerance === "all") {
    notes.push(
      `errors.deadletterqueue.topic.name not set: bad records go to our default '${settings.dlqTopic}' (Kafka Connect would log and skip them)`,
    );
  }
  notes.push(...envOverrideNotes(values, settings, defined(overrides), opts.envSources ?? {}, source));
  Object.assign(settings, defined(overrides));
  const result: LoadedConnectorConfig = {
    settings: validateSinkSettings(settings as unknown as SinkSettings),
    notes,
  };
  if (name !== undefined) result.name = name;
  return result;
}

/** The `SinkSettings` a process should use from the env vars the key table names (S3_ENDPOINT, S3_BUCKET, ...). */
export function sinkSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<SinkSettings> {
  const out: Record<string, unknown> = {};
  for (const row of topLevelRows()) {
    const value = row.env?.map((name) => env[name]).find((v) => v !== undefined && v !== "");
    if (value !== undefined && row.codec)
      out[row.field] = row.codec.parse(row.env?.join("/") ?? row.key, value);
  }
  return out as Partial<SinkSettings>;
}

/** Which env variable (the first set, in the key table's order) gives each field `sinkSettingsFromEnv` returns. */
export function sinkEnvSources(env: NodeJS.ProcessEnv = process.env): EnvSources {
  const out: Record<string, string> = {};
  for (const row of topLevelRows()) {
    const name = row.env?.find((n) => env[n] !== undefined && env[n] !== "");
    if (name !== undefined) out[row.field] = name;
  }
  return out as EnvSources;
}

const CONNECT_ONLY = "Connect-only";

/**
 * How loud a note of `loadConnectorConfig` should be: a Kafka Connect framework key we know and need not read
 * (`<key>: Connect-only: ...`, a dozen in a typical file) is `debug`; the rest (a Confluent key we ignore, our default
 * differing from Connect's, an env variable overriding the file) is `info`. So a start that fails says its one line.
 */
export function noteLevel(note: string): "debug" | "info" {
  return note.includes(`: ${CONNECT_ONLY}: `) ? "debug" : "info";
}

/** The fields of `o` that are set. */
export function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Every key known, every restricted key at an allowed value; the notes for keys our sink does not read. */
function checkKeys(values: ReadonlyMap<string, string>, source: string): string[] {
  const notes: string[] = [];
  const runWithout = ignoreKeysOf(values);
  for (const [key, value] of values) {
    const row = keyRow(key);
    if (!row) {
      const hint = closestKey(key);
      throw badConfig(
        key,
        `unknown key '${key}' in ${source}: not a Confluent S3 sink or Kafka Connect key${hint ? ` (did you mean '${hint}'?)` : ""}; remove it or fix its spelling`,
      );
    }
    if (row.onlyValues && !row.onlyValues.includes(value)) {
      if (runWithout.has(key)) {
        notes.push(
          `${key}='${value}': not honoured, run without it (weblog.ignore.keys lists it): ${row.note}`,
        );
        continue;
      }
      const allowed = row.onlyValues.filter((v) => v !== "").map((v) => `'${v}'`);
      throw badConfig(
        key,
        `${key}='${value}' is not supported by our sink: ${row.note}${allowed.length > 0 ? `; use ${allowed.join(" or ")}` : "; remove it"}, or list it in weblog.ignore.keys to run without it`,
      );
    }
    if (row.status !== "honoured")
      notes.push(`${key}: ${row.status === "connect-only" ? CONNECT_ONLY : "ignored"}: ${row.note}`);
  }
  return notes;
}

/** `weblog.ignore.keys` (read before the other keys are checked): each must be a key we do not honour. */
function ignoreKeysOf(values: ReadonlyMap<string, string>): Set<string> {
  const text = values.get("weblog.ignore.keys");
  const row = keyRow("weblog.ignore.keys");
  if (!text || !row?.codec) return new Set();
  const keys = row.codec.parse("weblog.ignore.keys", text) as string[];
  for (const key of keys) {
    const listed = keyRow(key);
    if (!listed || listed.status === "honoured") {
      throw badConfig(
        "weblog.ignore.keys",
        `weblog.ignore.keys: '${key}' is ${listed ? "a key our sink honours" : "not a Confluent S3 sink key"}; list only keys the sink refuses`,
      );
    }
  }
  return new Set(keys);
}

function unwrap(raw: unknown, source: string): { flat: Record<string, unknown>; name?: string } {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw badConfig(
      "config",
      `${source}: expected a JSON object ({"name": ..., "config": {...}} or the flat config)`,
    );
  }
  const top = raw as Record<string, unknown>;
  const inner = top.config;
  if (inner === undefined || typeof inner !== "object" || inner === null || Array.isArray(inner)) {
    return { flat: top };
  }
  const extra = Object.keys(top).filter(
    (k) => k !== "name" && k !== "config" && k !== "tasks" && k !== "type",
  );
  if (extra.length > 0) {
    throw badConfig(
      extra[0] as string,
      `${source}: unexpected top-level key '${extra[0]}' beside "config": move it inside "config"`,
    );
  }
  const flat = inner as Record<string, unknown>;
  return typeof top.name === "string" ? { flat, name: top.name } : { flat };
}

function stringValue(key: string, value: unknown): string {
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null) return "";
  throw badConfig(
    key,
    `${key}: expected a string, number or boolean, got ${Array.isArray(value) ? "an array" : "an object"}`,
  );
}
