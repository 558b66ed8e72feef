import { createCommand, envName, Option, parsers, UsageError } from "@weblog/cli";
import { type KafkaSettings, loadKafkaSettings } from "@weblog/kafka-client";
import {
  DEFAULT_TIME_PARTITIONER,
  defaultSinkSettings,
  loadConnectorConfig,
  type PartitionerSettings,
  type SinkSettings,
  sinkSettingsFromEnv,
  validateSinkSettings,
} from "@weblog/s3";
import type { PrintOptions } from "./print/print-consumer";

/**
 * Command line -> what the two modes need. Precedence: flags > env (WEBLOG_<FLAG>, S3_*, KAFKA_*) > the connector
 * JSON given with --config > defaults (COMMON's shared stack: topic/bucket weblogs, MinIO on localhost:9000).
 */

/** `--print`: the print consumer's options (print/print-consumer.ts) and the broker. */
export interface PrintMode extends PrintOptions {
  mode: "print";
  kafka: KafkaSettings;
}

export interface SinkMode {
  mode: "sink";
  kafka: KafkaSettings;
  settings: SinkSettings;
  /** Notes from loading --config (ignored Connect-only keys, defaults used). */
  notes: string[];
  connectorName: string;
  configPath?: string | undefined;
}

export type ConsumerOptions = PrintMode | SinkMode;

interface RawOptions {
  print?: boolean;
  sink?: boolean;
  brokers?: string;
  topic?: string;
  group?: string;
  fromBeginning?: boolean;
  showKey?: boolean;
  showMeta?: boolean;
  maxMessages?: number;
  config?: string;
  topics?: string;
  bucket?: string;
  storeUrl?: string;
  region?: string;
  pathStyle?: string;
  flushSize?: number;
  rotateIntervalMs?: number;
  rotateScheduleIntervalMs?: number;
  compression?: "none" | "gzip";
  format?: "json" | "parquet";
  parquetCodec?: "snappy" | "gzip" | "zstd" | "none";
  topicsDir?: string;
  partitioner?: "default" | "field" | "time";
  partitionField?: string;
  pathFormat?: string;
  partitionDurationMs?: number;
  timezone?: string;
  timestampExtractor?: "Record" | "RecordField" | "Wallclock";
  timestampField?: string;
  errorsTolerance?: "none" | "all";
  dlqTopic?: string;
  behaviorOnNullValues?: "fail" | "ignore" | "write";
  bufferMaxBytes?: number;
}

const longOf = (flags: string): string => flags.split(/[ ,]+/).find((f) => f.startsWith("--")) ?? flags;
const opt = (flags: string, description: string) =>
  new Option(flags, description).env(envName(longOf(flags)));
/** A flag taking a whole number >= `min` (a bad value: one line naming the flag, exit 2). */
const intOpt = (flags: string, description: string, min: number) =>
  opt(flags, description).argParser(parsers.int(longOf(flags), { min }));
/** A flag taking one of `values`. */
const choiceOpt = (flags: string, description: string, values: string[]) =>
  opt(flags, description).argParser(parsers.oneOf(longOf(flags), values));

export function buildCommand() {
  return (
    createCommand(
      "consumer",
      "Reads web logs from Kafka: --print them (a console consumer), or --sink them to S3 exactly once, laid out like Confluent's S3 sink.",
    )
      .addOption(new Option("--print", "console consumer: print each message's value").conflicts("sink"))
      .addOption(new Option("--sink", "S3 sink (Kafka Connect S3 sink compatible layout and settings)"))
      .addOption(
        opt(
          "--brokers <list>",
          "Kafka bootstrap brokers, comma separated (env KAFKA_BROKERS; default localhost:9092)",
        ),
      )
      .addOption(opt("--group <id>", "consumer group (print: a fresh console group; sink: weblog-s3-sink)"))
      // print
      .addOption(opt("--topic <name>", "print: topic to read (default weblogs)"))
      .addOption(
        opt("--from-beginning", "print: start at the oldest message when the group has no committed offset"),
      )
      .addOption(opt("--show-key", "print: prefix each line with the message key"))
      .addOption(opt("--show-meta", "print: prefix each line with p=<partition> o=<offset>"))
      .addOption(intOpt("--max-messages <n>", "print: exit after n messages", 1))
      // sink
      .addOption(
        opt("--config <path>", "sink: Kafka Connect connector JSON (the file infra registers with Connect)"),
      )
      .addOption(opt("--topics <list>", "sink: topics, comma separated (topics; default weblogs)"))
      .addOption(opt("--bucket <name>", "sink: s3.bucket.name (env S3_BUCKET; default weblogs)"))
      .addOption(
        opt(
          "--store-url <url>",
          "sink: store.url, custom S3 endpoint (env S3_ENDPOINT; default http://localhost:9000)",
        ),
      )
      .addOption(opt("--region <region>", "sink: s3.region (env S3_REGION; default us-east-1)"))
      .addOption(
        choiceOpt("--path-style <bool>", "sink: s3.path.style.access.enabled (default true)", [
          "true",
          "false",
        ]),
      )
      .addOption(intOpt("--flush-size <n>", "sink: flush.size, records per object (default 10)", 1))
      .addOption(
        intOpt(
          "--rotate-interval-ms <ms>",
          "sink: rotate.interval.ms, record-time rotation (-1 off; default -1)",
          -1,
        ),
      )
      .addOption(
        intOpt(
          "--rotate-schedule-interval-ms <ms>",
          "sink: rotate.schedule.interval.ms, wall-clock rotation, idle partitions too (-1 off; default 10000)",
          -1,
        ),
      )
      .addOption(choiceOpt("--compression <type>", "sink: s3.compression.type none|gzip", ["none", "gzip"]))
      .addOption(
        choiceOpt("--format <format>", "sink: format.class JsonFormat (json) | ParquetFormat (parquet)", [
          "json",
          "parquet",
        ]),
      )
      .addOption(
        choiceOpt("--parquet-codec <codec>", "sink: parquet.codec snappy|gzip|zstd|none (default snappy)", [
          "snappy",
          "gzip",
          "zstd",
          "none",
        ]),
      )
      .addOption(opt("--topics-dir <dir>", "sink: topics.dir (default topics)"))
      .addOption(
        choiceOpt("--partitioner <kind>", "sink: partitioner.class: default (partition=<p>), field, time", [
          "default",
          "field",
          "time",
        ]),
      )
      .addOption(
        opt(
          "--partition-field <list>",
          "sink: partition.field.name for --partitioner field (e.g. status_code)",
        ),
      )
      .addOption(
        opt(
          "--path-format <fmt>",
          "sink: path.format for --partitioner time (e.g. 'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH)",
        ),
      )
      .addOption(
        intOpt(
          "--partition-duration-ms <ms>",
          "sink: partition.duration.ms for --partitioner time (default 3600000)",
          1,
        ),
      )
      .addOption(opt("--timezone <zone>", "sink: timezone (IANA; default UTC)"))
      .addOption(
        choiceOpt("--timestamp-extractor <kind>", "sink: timestamp.extractor Record|RecordField|Wallclock", [
          "Record",
          "RecordField",
          "Wallclock",
        ]),
      )
      .addOption(
        opt("--timestamp-field <field>", "sink: timestamp.field for RecordField (default timestamp)"),
      )
      .addOption(
        choiceOpt(
          "--errors-tolerance <mode>",
          "sink: errors.tolerance none (stop on a bad record) | all (send it to the DLQ)",
          ["none", "all"],
        ),
      )
      .addOption(opt("--dlq-topic <name>", "sink: errors.deadletterqueue.topic.name (default weblogs-dlq)"))
      .addOption(
        choiceOpt(
          "--behavior-on-null-values <b>",
          "sink: behavior.on.null.values for tombstones fail|ignore|write",
          ["fail", "ignore", "write"],
        ),
      )
      .addOption(
        intOpt(
          "--buffer-max-bytes <n>",
          "sink: cap on buffered record bytes across partitions (default 67108864)",
          1024,
        ),
      )
  );
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Partitioner flags applied on top of the partitioner from the config file / defaults. */
function partitionerFrom(base: PartitionerSettings, raw: RawOptions): PartitionerSettings | undefined {
  const touched =
    raw.partitioner !== undefined ||
    raw.partitionField !== undefined ||
    raw.pathFormat !== undefined ||
    raw.partitionDurationMs !== undefined ||
    raw.timestampExtractor !== undefined ||
    raw.timestampField !== undefined;
  if (!touched) return undefined;
  const kind = raw.partitioner ?? base.kind;
  if (kind === "default") return { kind: "default" };
  if (kind === "field") {
    const fields = (raw.partitionField ?? (base.kind === "field" ? base.fields.join(",") : ""))
      .split(",")
      .map((f) => f.trim())
      .filter((f) => f.length > 0);
    if (fields.length === 0)
      throw new UsageError("--partitioner field needs --partition-field <name>, e.g. status_code");
    return { kind: "field", fields };
  }
  const start =
    base.kind === "time"
      ? base
      : { ...DEFAULT_TIME_PARTITIONER, timezone: raw.timezone ?? DEFAULT_TIME_PARTITIONER.timezone };
  return defined({
    ...start,
    kind: "time" as const,
    pathFormat: raw.pathFormat ?? start.pathFormat,
    partitionDurationMs: raw.partitionDurationMs ?? start.partitionDurationMs,
    timezone: raw.timezone ?? start.timezone,
    timestampExtractor: raw.timestampExtractor ?? start.timestampExtractor,
    timestampField: raw.timestampField ?? start.timestampField,
  }) as PartitionerSettings;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): ConsumerOptions {
  const cmd = buildCommand();
  cmd.parse(argv, { from: "user" });
  const raw = cmd.opts<RawOptions>();
  const kafka = loadKafkaSettings({ env, flags: defined({ brokers: raw.brokers }) });

  if (raw.print) {
    return {
      mode: "print",
      kafka,
      topic: raw.topic ?? "weblogs",
      groupId: raw.group ?? `weblog-console-${process.pid}-${Date.now().toString(36)}`,
      fromBeginning: raw.fromBeginning === true,
      showKey: raw.showKey === true,
      showMeta: raw.showMeta === true,
      maxMessages: raw.maxMessages,
    };
  }
  if (!raw.sink) throw new UsageError("choose a mode: --print (console consumer) or --sink (S3 sink)");
  // WEBLOG_TOPIC is the stack-wide topic variable (root README "Defaults"; the producer and --print read it): the
  // sink reads it too, at env level, below --topics / WEBLOG_TOPICS. Only a literal --topic flag is a mistake here.
  const topicFromEnv = raw.topic !== undefined && cmd.getOptionValueSource("topic") === "env";
  if (raw.topic !== undefined && !topicFromEnv)
    throw new UsageError("--topic is for --print; the sink takes --topics <list>");

  const overrides: Partial<SinkSettings> = {
    ...sinkSettingsFromEnv(env),
    ...defined({
      topics: (raw.topics ?? (topicFromEnv ? raw.topic : undefined))
        ?.split(",")
        .map((t) => t.trim())
        .filter((t) => t.length > 0),
      bucket: raw.bucket,
      storeUrl: raw.storeUrl,
      region: raw.region,
      pathStyle: raw.pathStyle === undefined ? undefined : raw.pathStyle === "true",
      flushSize: raw.flushSize,
      rotateIntervalMs: raw.rotateIntervalMs,
      rotateScheduleIntervalMs: raw.rotateScheduleIntervalMs,
      compression: raw.compression,
      format: raw.format,
      parquetCodec: raw.parquetCodec,
      topicsDir: raw.topicsDir,
      timezone: raw.timezone,
      errorsTolerance: raw.errorsTolerance,
      dlqTopic: raw.dlqTopic,
      behaviorOnNullValues: raw.behaviorOnNullValues,
      groupId: raw.group,
      bufferMaxBytes: raw.bufferMaxBytes,
    }),
  };

  let settings: SinkSettings;
  let notes: string[] = [];
  let connectorName = "weblogs-s3-sink";
  if (raw.config !== undefined) {
    const loaded = loadConnectorConfig(raw.config, overrides);
    settings = loaded.settings;
    notes = loaded.notes;
    if (loaded.name) connectorName = loaded.name;
  } else {
    settings = { ...defaultSinkSettings(), ...overrides };
    if (overrides.timezone !== undefined && settings.partitioner.kind === "time") {
      settings.partitioner = { ...settings.partitioner, timezone: overrides.timezone };
    }
  }
  const partitioner = partitionerFrom(settings.partitioner, raw);
  if (partitioner) settings.partitioner = partitioner;
  validateSinkSettings(settings);
  return { mode: "sink", kafka, settings, notes, connectorName, configPath: raw.config };
}
