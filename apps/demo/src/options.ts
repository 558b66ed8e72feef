/** The demo's flags. */
import { createCommand, Option, parsers } from "@weblog/cli";
import { ENGINES, type EngineName } from "./engines";

/** The delivery deadline of `--engine connect` when --timeout is not given: Kafka Connect with Aiven's sink writes
 * ~250 records/s here at flush.size 10 (each object a 3-request multipart upload), 10,000 records take ~40 s. */
export const CONNECT_TIMEOUT_MS = 180_000;

/** The same for `--engine connect-iceberg`: Apache Iceberg's sink made its first table commit ~2 min after its task
 * was RUNNING here (3,000 records delivered in 2m02s at a 10 s commit interval), so it gets more room. */
export const CONNECT_ICEBERG_TIMEOUT_MS = 300_000;

export interface DemoOptions {
  count: number;
  rate: number;
  flushSize: number;
  rotateScheduleIntervalMs: number;
  timeout: number;
  engine: EngineName;
  /** What the sink writes: json or parquet objects, or an Apache Iceberg table (a local REST catalog is started). */
  format: "json" | "parquet" | "iceberg";
  /** --ui: the live dashboard (apps/dashboard), metrics on; the demo stays up until Ctrl-C. */
  ui: boolean;
  uiPort: number;
}

export function parseOptions(argv: string[]): DemoOptions {
  const cmd = createCommand(
    "demo",
    "Runs producer -> Kafka -> S3 sink -> verifier end to end on a throwaway broker and S3 (or KAFKA_BROKERS / S3_ENDPOINT).",
  )
    .addOption(
      new Option("--count <n>", "records to produce")
        .default(10_000)
        .argParser(parsers.int("--count", { min: 1 })),
    )
    .addOption(
      new Option("--rate <n>", "records per second")
        .default(1000)
        .argParser(parsers.int("--rate", { min: 1 })),
    )
    .addOption(
      new Option("--flush-size <n>", "the sink's flush.size")
        .default(10)
        .argParser(parsers.int("--flush-size", { min: 1 })),
    )
    .addOption(
      new Option("--rotate-schedule-interval-ms <ms>", "the sink's wall-clock rotation")
        .default(2000)
        .argParser(parsers.int("--rotate-schedule-interval-ms", { min: 100 })),
    )
    .addOption(
      new Option(
        "--engine <engine>",
        "what moves records from Kafka to S3: sink (ours), connect (Kafka Connect with Aiven's S3 sink) or connect-iceberg (Kafka Connect with Apache Iceberg's sink, into a table)",
      )
        .choices(ENGINES)
        .default("sink"),
    )
    .addOption(
      new Option(
        "--format <format>",
        "what our sink writes: json or parquet objects, or iceberg (an Apache Iceberg table through a local REST catalog)",
      )
        .choices(["json", "parquet", "iceberg"])
        .default("json"),
    )
    .addOption(
      new Option(
        "--timeout <duration>",
        `longest wait for delivery after the producer started (default 45 s; ${CONNECT_TIMEOUT_MS / 1000} s with --engine connect, which writes 10-record objects as 3-request multipart uploads; ${CONNECT_ICEBERG_TIMEOUT_MS / 1000} s with --engine connect-iceberg, whose first table commit comes late)`,
      )
        .default(45_000, "45s")
        .argParser(parsers.duration("--timeout", { min: 1000 })),
    )
    .addOption(
      new Option(
        "--ui",
        "serve the live dashboard (prints its URL) and stay up after the verdict until Ctrl-C",
      ).default(false),
    )
    .addOption(
      new Option("--ui-port <n>", "the dashboard's port (0: a free one)")
        .default(8090)
        .argParser(parsers.int("--ui-port", { min: 0, max: 65535 })),
    );
  cmd.parse(argv, { from: "user" });
  const opts = cmd.opts<DemoOptions>();
  if (opts.engine !== "sink" && cmd.getOptionValueSource("timeout") === "default") {
    opts.timeout = opts.engine === "connect-iceberg" ? CONNECT_ICEBERG_TIMEOUT_MS : CONNECT_TIMEOUT_MS;
  }
  return opts;
}
