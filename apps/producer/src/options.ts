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
import {
  BAD_KINDS,
  type BadKind,
  FORMAT_NAMES,
  type FormatName,
  INCIDENT_KINDS,
  type IncidentSpec,
} from "@weblog/fake-log";
import { type KafkaSettings, loadKafkaSettings } from "@weblog/kafka-client";
import { checkTraffic, incidentArg, list, type TrafficOptions, traffic } from "./traffic-flags";

export type { TrafficOptions } from "./traffic-flags";

/** Everything the producer needs, parsed from flags (then WEBLOG_* / KAFKA_* env) and validated once. */
export interface ProducerOptions {
  kafka: KafkaSettings;
  topic: string;
  /** Records per second; 0 = as fast as the broker takes them. */
  rate: number;
  /** Stop after this many records (undefined = no limit). */
  count: number | undefined;
  /** Stop after this long, in ms (undefined = no limit). */
  durationMs: number | undefined;
  seed: number | undefined;
  key: "ip" | "none";
  compression: "none" | "gzip";
  /** acks: -1 (all in-sync replicas), 1 (leader), 0 (none). */
  acks: -1 | 0 | 1;
  format: FormatName | "clf";
  /** fake-log traffic shape and breakage (see @weblog/fake-log): profile, incidents, late and bad records. */
  traffic: TrafficOptions;
  /** Console producer: each stdin line is one message. */
  stdin: boolean;
  /** Pin every message to this partition (stdin mode defaults to 0 so the order is total). */
  partition: number | undefined;
  batchSize: number;
  maxInFlight: number;
  json: boolean;
  quiet: boolean;
  /** Stamp each record with the wall clock when produced (live-time.ts); false: fake-log's log time. */
  liveTimestamps: boolean;
  /** --metrics-port / --metrics-host (metrics.ts); undefined: off. */
  metrics: MetricsAddress | undefined;
}

export const DEFAULTS = {
  topic: "weblogs",
  key: "none",
  compression: "none",
  acks: "all",
  format: "json",
  batchSize: 1000,
  maxInFlight: 8,
} as const;

const ACKS = { all: -1, "-1": -1, "1": 1, "0": 0 } as const;

function opt(flags: string, description: string): Option {
  const long = flags.match(/--[a-z-]+/)?.[0] ?? flags;
  return new Option(flags, description).env(envName(long));
}

export function buildCommand() {
  const cmd = createCommand("producer", "Send fake web-access logs (or stdin lines) to a Kafka topic.")
    .addOption(
      new Option("--brokers <list>", "comma-separated bootstrap brokers (default localhost:9092)").env(
        "KAFKA_BROKERS",
      ),
    )
    .addOption(opt("--topic <name>", "topic to write to").default(DEFAULTS.topic))
    .addOption(
      opt("--rate <n>", "records per second (token bucket); 0 = as fast as possible").argParser(
        parsers.number("--rate", { min: 0 }),
      ),
    )
    .addOption(opt("--count <n>", "stop after n records").argParser(parsers.int("--count", { min: 1 })))
    .addOption(
      opt("--duration <time>", "stop after this long, e.g. 30s, 5m (default: until Ctrl-C)").argParser(
        parsers.duration("--duration", { min: 1 }),
      ),
    )
    .addOption(opt("--seed <n>", "seed for reproducible fake data").argParser(parsers.int("--seed")))
    .addOption(
      opt("--key <kind>", "message key: ip (the record's ip) or none (null)")
        .argParser(parsers.oneOf("--key", ["ip", "none"] as const))
        .default(DEFAULTS.key),
    )
    .addOption(
      opt("--compression <codec>", "none or gzip")
        .argParser(parsers.oneOf("--compression", ["none", "gzip"] as const))
        .default(DEFAULTS.compression),
    )
    .addOption(
      opt("--acks <acks>", "all (every in-sync replica), 1 (leader only) or 0 (fire and forget)")
        .argParser(parsers.oneOf("--acks", ["all", "-1", "1", "0"] as const))
        .default(DEFAULTS.acks),
    )
    .addOption(
      opt(
        "--format <fmt>",
        "record format: json (one JSON object per message, what the pipeline reads) or clf",
      )
        .argParser(parsers.oneOf("--format", FORMAT_NAMES as readonly (FormatName | "clf")[]))
        .default(DEFAULTS.format),
    )
    .addOption(
      opt("--profile <name>", "traffic over log time: steady, diurnal or bursty (fake-log)")
        .argParser(parsers.oneOf("--profile", ["steady", "diurnal", "bursty"] as const))
        .default("steady"),
    )
    .addOption(
      opt("--peak-ratio <n>", "diurnal: busiest / quietest hour (default 4)").argParser(
        parsers.number("--peak-ratio", { min: 1 }),
      ),
    )
    .addOption(opt("--timezone <tz>", "diurnal: IANA time zone of the audience (default UTC)"))
    .addOption(
      opt(
        "--incident <spec>",
        `incident, repeatable: KIND[@AT][/DURATION][:SERVICE][*INTENSITY], KIND one of ${INCIDENT_KINDS.join(", ")}`,
      ).argParser(incidentArg),
    )
    .addOption(
      opt("--incident-rate <n>", "random incidents per hour of log time").argParser(
        parsers.number("--incident-rate", { min: 0, max: 3600 }),
      ),
    )
    .addOption(
      opt("--late-share <0-1>", "share of records delivered late (sent in delivery order)").argParser(
        parsers.number("--late-share", { min: 0, max: 1 }),
      ),
    )
    .addOption(
      opt(
        "--late-mean <time>",
        "mean delay of a late record (exponential), e.g. 30s (default 30s)",
      ).argParser(parsers.duration("--late-mean", { min: 1 })),
    )
    .addOption(
      opt(
        "--late-distribution <name>",
        "delay distribution: exponential (default) or uniform up to --late-max",
      ).argParser(parsers.oneOf("--late-distribution", ["exponential", "uniform"] as const)),
    )
    .addOption(
      opt("--late-max <time>", "longest delay of a late record, e.g. 5m (default 5m)").argParser(
        parsers.duration("--late-max", { min: 1 }),
      ),
    )
    .addOption(
      opt("--bad-share <0-1>", "share of messages broken on purpose (tombstones are null values)").argParser(
        parsers.number("--bad-share", { min: 0, max: 1 }),
      ),
    )
    .addOption(
      opt("--bad-kinds <list>", `bad kinds to mix (default all: ${BAD_KINDS.join(", ")})`).argParser(
        list("--bad-kinds", BAD_KINDS),
      ),
    )
    .addOption(opt("--stdin", "console producer: each stdin line is one message, in order (to partition 0)"))
    .addOption(
      opt("--partition <n>", "send every message to this partition (stdin default: 0)").argParser(
        parsers.int("--partition", { min: 0 }),
      ),
    )
    .addOption(
      opt("--batch-size <n>", "records per produce request")
        .argParser(parsers.int("--batch-size", { min: 1, max: 100_000 }))
        .default(DEFAULTS.batchSize),
    )
    .addOption(
      opt("--max-in-flight <n>", "produce requests awaiting acks before generation pauses")
        .argParser(parsers.int("--max-in-flight", { min: 1, max: 64 }))
        .default(DEFAULTS.maxInFlight),
    )
    .addOption(
      opt("--timestamps <clock>", "live (each record stamped when produced) or log (fake-log's clock)")
        .argParser(parsers.oneOf("--timestamps", ["live", "log"] as const))
        .default("live"),
    )
    .addOption(opt("--json", "print the final summary as JSON on stdout"))
    .addOption(
      opt("--quiet", "errors only: no progress line, no info logs, no human summary (--json still prints)"),
    )
    .addHelpText(
      "after",
      "\nEvery flag is also read from the environment: WEBLOG_<FLAG> (e.g. WEBLOG_TOPIC, WEBLOG_RATE),\n" +
        "and the brokers from KAFKA_BROKERS (KAFKA_CLIENT_ID, KAFKA_SSL, KAFKA_SASL_* too). Flags win.\n" +
        "Without --count or --duration it runs until Ctrl-C; Ctrl-C waits for every in-flight message to be\n" +
        "acknowledged, prints the summary and exits 0 (a second Ctrl-C exits at once with 130).",
    );
  for (const o of metricsOptions()) cmd.addOption(o);
  return cmd;
}

export interface RawFlags {
  brokers?: string;
  topic: string;
  rate?: number;
  count?: number;
  duration?: number;
  seed?: number;
  key: "ip" | "none";
  compression: "none" | "gzip";
  acks: keyof typeof ACKS;
  format: FormatName | "clf";
  profile: "steady" | "diurnal" | "bursty";
  peakRatio?: number;
  timezone?: string;
  incident?: IncidentSpec[];
  incidentRate?: number;
  lateShare?: number;
  lateMax?: number;
  lateMean?: number;
  lateDistribution?: "exponential" | "uniform";
  badShare?: number;
  badKinds?: BadKind[];
  stdin?: boolean;
  partition?: number;
  batchSize: number;
  maxInFlight: number;
  json?: boolean;
  quiet?: boolean;
  timestamps: "live" | "log";
  metricsPort?: number;
  metricsHost?: string;
}

/** Parses argv (without node and script) plus env; throws UsageError (exit 2) naming the flag and the fix. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): ProducerOptions {
  const cmd = buildCommand();
  cmd.parse(argv, { from: "user" });
  const f = cmd.opts<RawFlags>();

  const topic = f.topic.trim();
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(topic)) {
    throw new UsageError(
      `--topic "${f.topic}" is not a valid Kafka topic name (letters, digits, '.', '_', '-'; at most 249).`,
    );
  }
  const stdin = f.stdin === true;
  if (stdin) {
    for (const [flag, value] of [
      ["--count", f.count],
      ["--duration", f.duration],
      ["--rate", f.rate],
      ["--seed", f.seed],
      ["--incident", f.incident],
      ["--incident-rate", f.incidentRate],
      ["--late-share", f.lateShare],
      ["--bad-share", f.badShare],
    ] as const) {
      if (value !== undefined) {
        throw new UsageError(
          `${flag} does not apply with --stdin (stdin mode sends each line once, until EOF).`,
        );
      }
    }
    if (f.key === "ip")
      throw new UsageError("--key ip does not apply with --stdin (lines are sent with null keys).");
    if (f.format !== "json")
      throw new UsageError("--format does not apply with --stdin (lines are sent as typed).");
  }

  if (!stdin) checkTraffic(f);

  // Throws KafkaClientError BAD_SETTINGS (expected, exit 2, one line naming the flag/variable) on a bad address.
  const kafka = loadKafkaSettings({ env, flags: f.brokers === undefined ? {} : { brokers: f.brokers } });

  return {
    kafka,
    topic,
    rate: f.rate ?? 0,
    count: f.count,
    durationMs: f.duration,
    seed: f.seed,
    key: f.key,
    compression: f.compression,
    acks: ACKS[f.acks],
    format: f.format,
    traffic: traffic(f),
    stdin,
    partition: f.partition ?? (stdin ? 0 : undefined),
    batchSize: f.batchSize,
    maxInFlight: f.maxInFlight,
    json: f.json === true,
    quiet: f.quiet === true,
    liveTimestamps: f.timestamps === "live",
    metrics: metricsAddress(f),
  };
}
