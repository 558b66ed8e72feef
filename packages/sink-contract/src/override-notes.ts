/**
 * When an environment variable overrides a key the connector file sets, start-up says so, one line per key:
 * `s3.bucket.name: my-bucket in my.json, overridden by S3_BUCKET=weblogs`. The documented order stays (flag > env >
 * file): the line only makes the env's win visible (after `eval "$(pnpm -s stack up)"` S3_BUCKET and S3_ENDPOINT are
 * set in the shell, and a file naming another bucket used to lose silently). Flags are typed on the command line
 * itself, so they get no line. Secrets never appear: a URL's user info is masked, and a secret key (or one named like a
 * secret) shows `[hidden]`, as everywhere in the contract.
 */
import { REDACTED } from "./codecs";
import { topLevelRows } from "./key-table";
import type { SinkSettings } from "./settings";

/** Which environment variable set each overriding field, e.g. `{ bucket: "S3_BUCKET" }`. */
export type EnvSources = Partial<Record<keyof SinkSettings, string>>;

const SECRET_NAME = /pass(word|wd)?\b|secret|token|credential|access[._-]?key/i;

/** `scheme://user:password@host` -> `scheme://user:***@host`; `scheme://user@host` -> `scheme://***@host`. */
export function maskUserInfo(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)([^\s/@]+)@/gi, (_m, scheme: string, info: string) => {
    const colon = info.indexOf(":");
    return `${scheme}${colon >= 0 ? `${info.slice(0, colon)}:***` : "***"}@`;
  });
}

/**
 * One note per key that `fileText` (the file's raw values by key) sets and an env variable in `envSources`
 * overrides with a different value. `fileSettings` are the file's parsed values, `overrides` what wins over them.
 */
export function envOverrideNotes(
  fileText: ReadonlyMap<string, string>,
  fileSettings: Readonly<Record<string, unknown>>,
  overrides: Partial<SinkSettings>,
  envSources: EnvSources,
  source: string,
): string[] {
  const notes: string[] = [];
  for (const row of topLevelRows()) {
    const envName = envSources[row.field as keyof SinkSettings];
    const text = fileText.get(row.key);
    const value = (overrides as Record<string, unknown>)[row.field];
    if (envName === undefined || text === undefined || value === undefined || !row.codec) continue;
    if (text === "" && row.emptyIsUnset) continue;
    const fileValue = fileSettings[row.field];
    if (JSON.stringify(fileValue) === JSON.stringify(value)) continue;
    const secret = row.secret === true || SECRET_NAME.test(row.key) || SECRET_NAME.test(envName);
    const shown = (v: unknown) => (secret ? REDACTED : maskUserInfo(row.codec?.format(v) ?? String(v)));
    notes.push(`${row.key}: ${shown(fileValue)} in ${source}, overridden by ${envName}=${shown(value)}`);
  }
  return notes;
}
