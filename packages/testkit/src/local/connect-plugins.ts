import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TestkitError } from "../errors";
import type { ConnectorConfig } from "./connect-rest";
import { cacheDir } from "./paths";

/**
 * Connect plugins in the cache (infra/local/connect/fetch-plugin.sh puts each in its own folder) and the connector
 * JSON files (infra/connect/*.json) as the local stack registers them.
 */

export const AIVEN_S3_SINK_CLASS = "io.aiven.kafka.connect.s3.AivenKafkaConnectS3SinkConnector";
export const CONFLUENT_S3_SINK_CLASS = "io.confluent.connect.s3.S3SinkConnector";
export const FETCH_PLUGIN_HINT = "run `bash infra/local/connect/fetch-plugin.sh`";

/** The worker's plugin.path: the folder that holds one folder per plugin. */
export function pluginRoot(): string {
  return join(cacheDir(), "connect-plugins");
}

/** Is plugin `name` fetched completely? Else why not (the fetch script's own verdict when it ran). */
export function pluginStatus(
  name: string,
): { installed: true; dir: string } | { installed: false; reason: string } {
  const dir = join(pluginRoot(), name);
  if (existsSync(join(dir, ".complete"))) return { installed: true, dir };
  const marker = join(pluginRoot(), `.${name}.unavailable`);
  if (existsSync(marker)) {
    const why = readFileSync(marker, "utf8").split("\n")[1]?.trim() || "the fetch failed";
    return {
      installed: false,
      reason: `Connect plugin ${name} is not installed (${why}); bash infra/local/connect/fetch-plugin.sh ${name} tries again`,
    };
  }
  return {
    installed: false,
    reason: `Connect plugin ${name} is not installed in ${dir}: ${FETCH_PLUGIN_HINT}`,
  };
}

export type ConnectorFile = { name: string; config: ConnectorConfig };

/** A connector JSON ({name, config} with string values), checked: a bad file is one line naming it and the field. */
export function readConnectorFile(path: string): ConnectorFile {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new TestkitError("INVALID_OPTION", `${path}: not readable JSON (${(err as Error).message})`);
  }
  const d = doc as Partial<ConnectorFile>;
  if (typeof d?.name !== "string" || !d.name) {
    throw new TestkitError("INVALID_OPTION", `${path}: "name" missing: give the connector a name`);
  }
  if (typeof d.config !== "object" || d.config === null) {
    throw new TestkitError("INVALID_OPTION", `${path}: "config" missing: an object of string settings`);
  }
  for (const [k, v] of Object.entries(d.config)) {
    if (typeof v !== "string") {
      throw new TestkitError(
        "INVALID_OPTION",
        `${path}: config.${k} must be a string (Connect's REST API takes strings)`,
      );
    }
  }
  return { name: d.name, config: d.config as ConnectorConfig };
}

/**
 * The connector's S3 settings pointed at a local S3 server (endpoint, bucket), for Aiven's and Confluent's keys;
 * `extra` (e.g. a unique topic) wins. Credentials are never put in the config: the worker's environment carries
 * them (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), read by Confluent's default credential chain, and by Aiven's
 * 2.15.0 (which has no chain) through the `${env:...}` references of its JSON, resolved by the worker's
 * EnvVarConfigProvider (`ENV_CONFIG_PROVIDER`).
 */
export function localConnectorConfig(
  config: ConnectorConfig,
  s3: { endpoint: string; bucket: string },
  extra: ConnectorConfig = {},
): ConnectorConfig {
  const out = { ...config };
  if (config["connector.class"] === AIVEN_S3_SINK_CLASS) {
    out["aws.s3.endpoint"] = s3.endpoint;
    out["aws.s3.bucket.name"] = s3.bucket;
  } else if (config["connector.class"] === CONFLUENT_S3_SINK_CLASS) {
    out["store.url"] = s3.endpoint;
    out["s3.bucket.name"] = s3.bucket;
  }
  return { ...out, ...extra };
}
