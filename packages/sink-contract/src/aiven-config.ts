/**
 * Aiven's S3 sink connector (io.aiven.kafka.connect.s3.AivenKafkaConnectS3SinkConnector) read as the settings the
 * verifier needs: where its objects are (bucket, endpoint, region), their key layout (from `file.name.template`),
 * their envelope (JSON lines of the bare record values), how many records an object holds at most
 * (`file.max.records`), the dead-letter topic and the consumer group (`connect-<name>`).
 *
 * The verifier reads keys in Confluent's shape only (keys.ts), so the template must have that shape:
 *
 *   [<dir>/]{{topic}}/partition={{partition}}/{{topic}}<d>{{partition}}<d>{{start_offset[:padding=true]}}.json[.gz]
 *
 * (with `<d>` one delimiter, e.g. `+`). Aiven's padding is 20 digits; parsing does not depend on the width. An
 * unsupported setting is one line naming the key and the fix (SinkConfigError BAD_CONFIG, exit 2).
 */

import { badConfig, type SinkConfigError } from "./errors";
import type { Compression } from "./keys";
import type { LoadedConnectorConfig } from "./load";
import { defaultSinkSettings, type SinkSettings } from "./settings";

export const AIVEN_S3_SINK_CLASS = "io.aiven.kafka.connect.s3.AivenKafkaConnectS3SinkConnector";

/** Aiven pads `{{start_offset:padding=true}}` to 20 digits (a Long's width). */
export const AIVEN_OFFSET_PAD_WIDTH = 20;

function bad(key: string, message: string): SinkConfigError {
  return badConfig(key, message);
}

const TEMPLATE_SHAPE =
  "[<dir>/]{{topic}}/partition={{partition}}/{{topic}}+{{partition}}+{{start_offset:padding=true}}.json";

/** The key layout a supported `file.name.template` gives, or a one-line reason. */
export function layoutOfAivenTemplate(
  template: string,
  compression: Compression,
): { topicsDir: string; directoryDelim: string; fileDelim: string; offsetPadWidth: number } {
  const ext = compression === "gzip" ? "\\.json\\.gz" : "\\.json";
  const m = new RegExp(
    `^(?:(.+)/)?\\{\\{topic\\}\\}/partition=\\{\\{partition\\}\\}/\\{\\{topic\\}\\}([^{}/])\\{\\{partition\\}\\}\\2\\{\\{start_offset(:padding=(?:true|false))?\\}\\}${ext}$`,
  ).exec(template);
  if (!m) {
    throw bad(
      "file.name.template",
      `file.name.template='${template}': the verifier reads keys shaped ${TEMPLATE_SHAPE}${compression === "gzip" ? ".gz" : ""}; use that shape`,
    );
  }
  const topicsDir = m[1] ?? "";
  if (/[{}]/.test(topicsDir)) {
    throw bad("file.name.template", `file.name.template: the directory '${topicsDir}' must be fixed text`);
  }
  return {
    topicsDir,
    directoryDelim: "/",
    fileDelim: m[2] as string,
    offsetPadWidth: m[3] === ":padding=true" ? AIVEN_OFFSET_PAD_WIDTH : 1,
  };
}

function must(values: Map<string, string>, key: string, want: string, why: string): void {
  const got = values.get(key);
  if (got !== want) throw bad(key, `${key}='${got ?? "(unset)"}': set it to '${want}' (${why})`);
}

/** Loads Aiven's connector config (the flat `config` object) into the verifier's settings. */
export function loadAivenConnectorConfig(
  flat: Map<string, string>,
  name: string | undefined,
): LoadedConnectorConfig {
  const s: SinkSettings = defaultSinkSettings();
  const notes: string[] = [];
  const topics = flat.get("topics");
  if (!topics)
    throw bad("topics", "topics: name the topic(s) the connector reads (topics.regex is not read)");
  s.topics = topics
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  const bucket = flat.get("aws.s3.bucket.name");
  if (!bucket) throw bad("aws.s3.bucket.name", "aws.s3.bucket.name: name the bucket the connector writes");
  s.bucket = bucket;
  s.region = flat.get("aws.s3.region") || "us-east-1";
  s.storeUrl = flat.get("aws.s3.endpoint") || undefined;
  s.pathStyle = true; // Aiven's client uses path-style requests whenever an endpoint is set

  // Envelope: one JSON value per line, as produced.
  must(flat, "format.output.type", "jsonl", "the verifier reads JSON lines");
  if ((flat.get("format.output.fields") ?? "value") !== "value") {
    throw bad("format.output.fields", "format.output.fields: set it to 'value' (one record value per line)");
  }
  must(
    flat,
    "format.output.envelope",
    "false",
    'each line must be the bare record value, not {"value": ...}',
  );
  const compressionType = flat.get("file.compression.type") ?? "gzip"; // Aiven's default
  if (compressionType !== "none" && compressionType !== "gzip") {
    throw bad("file.compression.type", `file.compression.type='${compressionType}': use none or gzip`);
  }
  s.compression = compressionType;

  const template = flat.get("file.name.template");
  if (!template) {
    throw bad(
      "file.name.template",
      `file.name.template: unset (Aiven's default has no directories); set ${TEMPLATE_SHAPE}`,
    );
  }
  const layout = layoutOfAivenTemplate(template, s.compression);
  s.topicsDir = layout.topicsDir;
  s.directoryDelim = layout.directoryDelim;
  s.fileDelim = layout.fileDelim;
  s.offsetPadWidth = layout.offsetPadWidth;

  const maxRecords = flat.get("file.max.records");
  if (maxRecords !== undefined && maxRecords !== "0") {
    if (!/^\d+$/.test(maxRecords))
      throw bad("file.max.records", `file.max.records='${maxRecords}' is not a number`);
    s.flushSize = Number(maxRecords);
  } else {
    s.flushSize = Number.MAX_SAFE_INTEGER;
    notes.push("file.max.records unset: objects are not checked against a record limit");
  }
  s.rotateIntervalMs = -1;
  s.rotateScheduleIntervalMs = -1; // Aiven uploads on the worker's offset commit (offset.flush.interval.ms)
  s.errorsTolerance = flat.get("errors.tolerance") === "all" ? "all" : "none";
  s.dlqTopic = flat.get("errors.deadletterqueue.topic.name") || undefined;
  if (name) s.groupId = `connect-${name}`;
  const result: LoadedConnectorConfig = { settings: s, notes };
  if (name !== undefined) result.name = name;
  return result;
}
