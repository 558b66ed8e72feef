import {
  createCommand,
  envName,
  type MetricsAddress,
  metricsAddress,
  metricsOptions,
  Option,
  parsers,
  UsageError,
} from "@weblog/cli";
import { checkTopicName, type KafkaSettings, loadKafkaSettings } from "@weblog/kafka-client";
import {
  defaultSinkSettings,
  defined,
  type EnvSources,
  loadConnectorConfig,
  partitionerFromFlags,
  SINK_FLAGS,
  type SinkFlag,
  type SinkSettings,
  settingsFromFlags,
  sinkEnvSources,
  sinkSettingsFromEnv,
  validateSinkSettings,
} from "@weblog/sink-contract";
import type { PrintOptions } from "./print/print-consumer";
import { checkDlqTopic } from "./sink/dlq";

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
  /** --metrics-port / --metrics-host: Prometheus /metrics, /healthz, /readyz (off when undefined). */
  metrics?: MetricsAddress | undefined;
}

export type ConsumerOptions = PrintMode | SinkMode;

/** The flags that are the consumer's own; the sink's flags come from the contract's key table (SINK_FLAGS). */
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
  metricsPort?: number;
  metricsHost?: string;
  [sinkFlag: string]: unknown;
}

const longOf = (flags: string): string => flags.split(/[ ,]+/).find((f) => f.startsWith("--")) ?? flags;
const opt = (flags: string, description: string) =>
  new Option(flags, description).env(envName(longOf(flags)));
/** A flag taking a whole number >= `min` (a bad value: one line naming the flag, exit 2). */
const intOpt = (flags: string, description: string, min: number) =>
  opt(flags, description).argParser(parsers.int(longOf(flags), { min }));
/** A sink flag from the key table: a whole number, a choice or text, as its row's codec says. */
function sinkOpt(f: SinkFlag): Option {
  const o = opt(f.flags, f.description);
  if (f.kind.kind === "int") return o.argParser(parsers.int(`--${f.name}`, { min: f.kind.min }));
  if (f.kind.kind === "choice") return o.argParser(parsers.oneOf(`--${f.name}`, f.kind.values));
  return o;
}

export function buildCommand() {
  const cmd = createCommand(
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
    );
  for (const f of SINK_FLAGS) cmd.addOption(sinkOpt(f));
  for (const o of metricsOptions("sink: ")) cmd.addOption(o);
  return cmd;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): ConsumerOptions {
  const cmd = buildCommand();
  cmd.parse(argv, { from: "user" });
  const raw = cmd.opts<RawOptions>();
  const kafka = loadKafkaSettings({ env, flags: defined({ brokers: raw.brokers }) });

  if (raw.print) {
    const topic = raw.topic ?? "weblogs";
    // Before any connection: the broker's answer ("invalid topic") would cost a round trip and its log lines.
    checkTopicName(topic, cmd.getOptionValueSource("topic") === "env" ? "WEBLOG_TOPIC" : "--topic");
    return {
      mode: "print",
      kafka,
      topic,
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

  const fromFlags = settingsFromFlags(raw);
  const overrides: Partial<SinkSettings> = { ...sinkSettingsFromEnv(env), ...defined(fromFlags.overrides) };
  // --topics (or WEBLOG_TOPICS) wins over WEBLOG_TOPIC.
  if (raw.topics === undefined && topicFromEnv)
    overrides.topics = settingsFromFlags({ topics: raw.topic }).overrides.topics;

  let settings: SinkSettings;
  let notes: string[] = [];
  let connectorName = "weblogs-s3-sink";
  if (raw.config !== undefined) {
    const envSources = envSourcesOf(cmd, env, raw.topics === undefined && topicFromEnv);
    const loaded = loadConnectorConfig(raw.config, overrides, { envSources });
    settings = loaded.settings;
    notes = loaded.notes;
    if (loaded.name) connectorName = loaded.name;
  } else {
    settings = { ...defaultSinkSettings(), ...overrides };
  }
  const partitioner = partitionerFromFlags(settings.partitioner, fromFlags.partitioner);
  if (partitioner) settings = { ...settings, partitioner };
  settings = validateSinkSettings(settings);
  checkDlqTopic(settings); // a DLQ topic among `topics` would feed the sink its own bad records
  const metrics = metricsAddress(raw);
  return { mode: "sink", kafka, settings, notes, connectorName, configPath: raw.config, metrics };
}

/**
 * Which environment variable gave each sink setting that overrides the connector file (its start-up note names it):
 * S3_BUCKET / S3_ENDPOINT / S3_REGION ..., then the WEBLOG_<FLAG> variables commander read (they rank as the flag);
 * a flag typed on the command line wins over both and needs no note.
 */
function envSourcesOf(
  cmd: ReturnType<typeof buildCommand>,
  env: NodeJS.ProcessEnv,
  topic: boolean,
): EnvSources {
  const sources: EnvSources = sinkEnvSources(env);
  for (const f of SINK_FLAGS) {
    if (f.field === undefined) continue;
    const from = cmd.getOptionValueSource(f.attribute);
    if (from === "env") sources[f.field] = envName(f.name);
    else if (from === "cli") delete sources[f.field];
  }
  if (topic) sources.topics = "WEBLOG_TOPIC";
  return sources;
}
