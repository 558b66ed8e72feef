/**
 * The verifier's options, validated once: flags, then env (S3_*, KAFKA_BROKERS, WEBLOG_*), then the connector JSON
 * given with --config (the same file the sink and Kafka Connect read), then the shared defaults.
 */
import { createCommand, envName, Option, parseDuration, parsers, UsageError } from "@weblog/cli";
import { isExpectedError } from "@weblog/errors";
import {
  type CompanionView,
  DEFAULT_KEY_LAYOUT,
  DEFAULT_SINK_SETTINGS,
  endpointOrAws,
  isBucketName,
  isStoreUrl,
  type KeyLayout,
  keyLayoutOf,
  loadConnectorConfig,
  type SinkSettings,
  topicsDirPrefix,
} from "@weblog/sink-contract";

/** The sink's defaults (the contract's), so the verifier looks where the sink writes; plus its own concurrency. */
export const DEFAULTS = {
  bucket: DEFAULT_SINK_SETTINGS.bucket,
  endpoint: DEFAULT_SINK_SETTINGS.storeUrl as string,
  region: DEFAULT_SINK_SETTINGS.region,
  concurrency: 16,
} as const;

export interface VerifierOptions {
  bucket: string;
  /** undefined: AWS S3 itself (no custom endpoint). */
  endpoint: string | undefined;
  region: string;
  pathStyle: boolean;
  /** Listing prefix (ends with the directory delimiter unless the user said otherwise). */
  prefix: string;
  /** Topics to verify; empty = every topic found under the prefix. */
  topics: string[];
  layout: KeyLayout;
  /** Set when Kafka is to be compared (--brokers or KAFKA_BROKERS). */
  brokers: string | undefined;
  group: string | undefined;
  /** Dead-letter topic whose records explain offsets missing from S3 (needs brokers). */
  dlqTopic: string | undefined;
  flushSize: number | undefined;
  flushSizeBytes: number | undefined;
  expectCount: number | undefined;
  maxLag: number | undefined;
  allowDuplicates: boolean;
  json: boolean;
  concurrency: number;
  /** What loading the connector config had to say (ignored Connect-only keys, ...). */
  configNotes: string[];
  /** Verify this Apache Iceberg table (`namespace.table`, --format iceberg's output) instead of objects. */
  icebergTable: string | undefined;
  /** Its REST catalog. */
  icebergCatalogUri: string;
  /** Where the table's Kafka offsets are: its snapshots (our sink) or the group's commits in Kafka (Apache's sink). */
  icebergOffsets: "table" | "kafka";
  /** --checkpoint: the incremental mode's file (src/checkpoint). */
  checkpoint: string | undefined;
  /** --since: objects stored before this time (ms since the epoch) are left unread. */
  sinceMs: number | undefined;
  /** --partition: only these Kafka partitions (empty: all). */
  partitions: number[];
  /** --keys / --headers (or the connector JSON's store.kafka.keys / headers): companions every object must have. */
  companions: CompanionView[];
  /** --sse-customer-key (or the JSON's s3.sse.customer.key): SSE-C key sent on every read; never shown. */
  sseCustomerKey: string | undefined;
}

interface RawFlags {
  bucket?: string;
  endpoint?: string;
  region?: string;
  prefix?: string;
  topic?: string[];
  brokers?: string;
  group?: string;
  dlqTopic?: string;
  flushSize?: number;
  flushSizeBytes?: number;
  expectCount?: number;
  maxLag?: number;
  allowDuplicates?: boolean;
  json?: boolean;
  config?: string;
  concurrency?: number;
  icebergTable?: string;
  icebergCatalogUri?: string;
  icebergOffsets?: string;
  checkpoint?: string;
  since?: string;
  partition?: string;
  keys?: boolean;
  headers?: boolean;
  sseCustomerKey?: string;
}

/** Help of the companion and SSE-C flags (issue 24). */
const HELP = {
  keys: "every object has its keys companion (<object>.keys.json, store.kafka.keys), line for line, equal to Kafka's keys (default from --config; also on when the bucket holds such objects)",
  headers:
    "every object has its headers companion (<object>.headers.json, store.kafka.headers), equal to Kafka's headers (default from --config; also on when found)",
  sseCustomerKey:
    "SSE-C key (base64, 256 bits) sent on every read of SSE-C objects (default from --config's s3.sse.customer.key; never shown)",
};

export function buildCommand() {
  return createCommand(
    "s3-verifier",
    "Proves what landed in S3, record by record: per Kafka partition objects, records, offset coverage, gaps, overlaps, duplicates, invalid records; with --brokers compared with Kafka's watermarks and the sink group's committed offsets. Exit 0 when everything holds, 1 on a discrepancy, 2 on a usage or connection error.",
  )
    .addOption(new Option("--bucket <name>", `S3 bucket (default ${DEFAULTS.bucket})`).env("S3_BUCKET"))
    .addOption(
      new Option(
        "--endpoint <url>",
        `S3 endpoint, path-style, like the connector's store.url (default ${DEFAULTS.endpoint}; "aws" for AWS S3 itself)`,
      ).env("S3_ENDPOINT"),
    )
    .addOption(
      new Option("--region <region>", `S3 region (default S3_REGION, AWS_REGION or ${DEFAULTS.region})`),
    )
    .addOption(
      new Option("--prefix <prefix>", "listing prefix (default topics.dir + '/', i.e. topics/)").env(
        envName("prefix"),
      ),
    )
    .addOption(
      new Option(
        "--topic <topic...>",
        "verify only these topics (default: every topic under the prefix)",
      ).env(envName("topic")),
    )
    .addOption(
      new Option(
        "--brokers <list>",
        "Kafka bootstrap brokers (host:port,...): compare S3 with the topic's watermarks",
      ).env("KAFKA_BROKERS"),
    )
    .addOption(
      new Option(
        "--group <id>",
        "the sink's consumer group (weblog-s3-sink for ours, connect-<connector name> for Kafka Connect): committed offsets missing from S3 are loss",
      ).env(envName("group")),
    )
    .addOption(
      new Option(
        "--dlq-topic <topic>",
        "the sink's dead-letter topic: offsets it holds (__connect.errors.* headers) are bad records, not gaps (default from --config when errors.tolerance=all)",
      ).env(envName("dlq-topic")),
    )
    .addOption(
      wholeNumberOption("flush-size", "configured flush.size: objects with more records are reported", {
        min: 1,
      }),
    )
    .addOption(
      wholeNumberOption(
        "flush-size-bytes",
        "configured weblog.flush.size.bytes: objects of 2+ records with more bytes of lines are reported",
        { min: 1 },
      ),
    )
    .addOption(wholeNumberOption("expect-count", "expected number of records in S3", { min: 0 }))
    .addOption(
      wholeNumberOption(
        "max-lag",
        "fail when more than n records in Kafka are not in S3 yet (default: no limit)",
        { min: 0 },
      ),
    )
    .addOption(
      new Option(
        "--allow-duplicates",
        "identical records at different offsets are shown as notes, not failures (real logs with second-precision timestamps have twins)",
      ).env(envName("allow-duplicates")),
    )
    .addOption(new Option("--json", "print the report as one JSON document on stdout"))
    .addOption(
      new Option(
        "--config <file>",
        "connector JSON (the sink's / Kafka Connect's): bucket, store.url, topics, flush.size, layout",
      ).env(envName("config")),
    )
    .addOption(
      wholeNumberOption("concurrency", `objects read in parallel (default ${DEFAULTS.concurrency})`, {
        min: 1,
        max: 256,
      }),
    )
    .addOption(
      new Option(
        "--checkpoint <file>",
        "incremental mode: read only objects past what earlier runs proved (per partition, recorded in this file after each OK run; a missing file means a full run)",
      ).env(envName("checkpoint")),
    )
    .addOption(
      new Option(
        "--since <time>",
        "read only objects stored at or after this time (ISO 8601, e.g. 2026-12-07T00:00:00Z, or a duration back from now, e.g. 24h); earlier offsets are not judged",
      ).env(envName("since")),
    )
    .addOption(
      new Option("--partition <p,...>", "verify only these Kafka partitions (e.g. 0,3)").env(
        envName("partition"),
      ),
    )
    .addOption(new Option("--keys", HELP.keys))
    .addOption(new Option("--headers", HELP.headers))
    .addOption(new Option("--sse-customer-key <base64>", HELP.sseCustomerKey).env("S3_SSE_CUSTOMER_KEY"))
    .addOption(
      new Option(
        "--iceberg-table <ns.table>",
        "verify an Apache Iceberg table (the sink's --format iceberg) instead of objects: every Kafka record once across its live data files, the snapshots' offsets against Kafka's; needs --brokers, --group and one --topic",
      ).env("ICEBERG_TABLE"),
    )
    .addOption(
      new Option(
        "--iceberg-catalog-uri <url>",
        "the table's Iceberg REST catalog (default http://localhost:8181)",
      ).env("ICEBERG_CATALOG_URI"),
    )
    .addOption(
      new Option(
        "--iceberg-offsets <table|kafka>",
        "where the table's Kafka offsets are: table (default: its snapshots, as our sink writes them) or kafka (--group's committed offsets: a table Apache Iceberg's Kafka Connect sink writes, --group connect-<connector name>)",
      ).env("ICEBERG_OFFSETS"),
    );
}

/** `--<name> <n>`, also from its WEBLOG_ env variable: a whole number within `range`, else one clear line. */
function wholeNumberOption(name: string, description: string, range: { min: number; max?: number }): Option {
  return new Option(`--${name} <n>`, description)
    .env(envName(name))
    .argParser(parsers.int(`--${name}`, range));
}

/** --since: an ISO 8601 time, or a duration back from `now` ("24h"). */
export function parseSince(value: string, now = Date.now()): number {
  const back = parseDuration(value);
  if (back !== undefined) return now - back;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? Date.parse(value.trim()) : Number.NaN;
  if (Number.isNaN(ms))
    throw new UsageError(
      `--since "${value}" is neither an ISO 8601 time nor a duration; e.g. --since 2026-12-07T00:00:00Z or --since 24h.`,
    );
  return ms;
}

/** --partition: a comma-separated list of partition numbers. */
export function parsePartitions(value: string): number[] {
  const parts = value.split(",").map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p) || !Number.isSafeInteger(Number(p))))
    throw new UsageError(`--partition "${value}" is not a list of partition numbers; e.g. --partition 0,3.`);
  return [...new Set(parts.map(Number))].sort((a, b) => a - b);
}

/** `topics.dir` + the directory delimiter (`topics/`), or "" when topics.dir is empty. */
export const defaultPrefix = topicsDirPrefix;

function loadConfig(path: string): { settings: SinkSettings; notes: string[] } {
  try {
    return loadConnectorConfig(path);
  } catch (err) {
    if (isExpectedError(err)) throw err;
    const message = (err as Error).message;
    // The connector loader's messages already start with "--config: '<file>' ...": never say it twice.
    throw new UsageError(message.startsWith("--config") ? message : `--config ${path}: ${message}`, {
      cause: err,
    });
  }
}

/** Parses argv (without the node and script paths) into validated options. Throws UsageError on bad input. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): VerifierOptions {
  const cmd = buildCommand();
  cmd.parse(argv, { from: "user" });
  const f = cmd.opts<RawFlags>();
  const config = f.config ? loadConfig(f.config) : undefined;
  const s = config?.settings;

  const layout: KeyLayout = s ? keyLayoutOf(s) : { ...DEFAULT_KEY_LAYOUT };

  const endpoint = endpointOrAws(f.endpoint ?? (s ? s.storeUrl : DEFAULTS.endpoint));
  if (endpoint !== undefined && !isStoreUrl(endpoint)) {
    throw new UsageError(
      `--endpoint "${endpoint}" is not an http(s) URL; e.g. --endpoint http://localhost:9000.`,
    );
  }

  const bucket = (f.bucket ?? s?.bucket ?? DEFAULTS.bucket).trim();
  if (!isBucketName(bucket)) {
    throw new UsageError(`--bucket "${bucket}" is not a valid S3 bucket name (3-63 of a-z 0-9 . -).`);
  }

  const topics = (f.topic ?? s?.topics ?? [])
    .flatMap((t) => t.split(","))
    .map((t) => t.trim())
    .filter(Boolean);
  const prefix = f.prefix ?? defaultPrefix(layout);

  const brokers = f.brokers?.trim() ? f.brokers.trim() : undefined;
  // Not taken from --config: the same file runs our sink (group weblog-s3-sink) and Kafka Connect
  // (group connect-<connector name>), so the user names the group that actually wrote the bucket.
  const group = f.group;
  const dlqTopic = f.dlqTopic ?? (brokers && s?.errorsTolerance === "all" ? s.dlqTopic : undefined);
  if (f.dlqTopic && !brokers) {
    throw new UsageError("--dlq-topic needs --brokers (or KAFKA_BROKERS) to read the dead-letter topic.");
  }
  if (f.group && !brokers) {
    throw new UsageError("--group needs --brokers (or KAFKA_BROKERS) to read the group's committed offsets.");
  }

  const icebergTable = f.icebergTable ?? (s?.format === "iceberg" ? s.icebergTable : undefined);
  if (icebergTable !== undefined) {
    if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/.test(icebergTable))
      throw new UsageError(`--iceberg-table "${icebergTable}" is not namespace.table, e.g. weblog.logs.`);
    if (!brokers || !group || topics.length !== 1)
      throw new UsageError(
        "--iceberg-table needs --brokers, --group and exactly one --topic (the table holds one topic's records).",
      );
  }
  const icebergCatalogUri = f.icebergCatalogUri ?? s?.icebergCatalogUri ?? "http://localhost:8181";
  if (!/^https?:\/\/[^\s/@]+(:\d+)?(\/\S*)?$/.test(icebergCatalogUri))
    throw new UsageError(
      "--iceberg-catalog-uri is not an http(s) URL without user info, e.g. http://localhost:8181.",
    );

  const icebergOffsets = f.icebergOffsets ?? "table";
  if (icebergOffsets !== "table" && icebergOffsets !== "kafka")
    throw new UsageError(`--iceberg-offsets "${icebergOffsets}" is not table or kafka.`);
  const sseCustomerKey = f.sseCustomerKey ?? s?.sseCustomerKey;
  if (f.sseCustomerKey !== undefined && !/^[A-Za-z0-9+/]{43}=$/.test(f.sseCustomerKey)) {
    throw new UsageError(
      "--sse-customer-key is not a base64-encoded 256-bit key (44 characters, e.g. `openssl rand -base64 32`); the value is not shown.",
    );
  }
  const companions: CompanionView[] = [];
  if (f.keys === true || s?.storeKafkaKeys) companions.push("keys");
  if (f.headers === true || s?.storeKafkaHeaders) companions.push("headers");

  return {
    companions,
    sseCustomerKey,
    checkpoint: f.checkpoint?.trim() || undefined,
    sinceMs: f.since === undefined ? undefined : parseSince(f.since),
    partitions: f.partition === undefined ? [] : parsePartitions(f.partition),
    icebergTable,
    icebergCatalogUri,
    icebergOffsets,
    bucket,
    endpoint,
    region: (f.region ?? env.S3_REGION ?? env.AWS_REGION ?? s?.region ?? DEFAULTS.region).trim(),
    pathStyle: s ? s.pathStyle : true,
    prefix,
    topics,
    layout,
    brokers,
    group,
    dlqTopic,
    flushSize: f.flushSize ?? s?.flushSize,
    flushSizeBytes: f.flushSizeBytes ?? (s && s.flushSizeBytes > 0 ? s.flushSizeBytes : undefined),
    expectCount: f.expectCount,
    maxLag: f.maxLag,
    allowDuplicates: f.allowDuplicates === true,
    json: f.json === true,
    concurrency: f.concurrency ?? DEFAULTS.concurrency,
    configNotes: config?.notes ?? [],
  };
}
