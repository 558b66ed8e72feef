import { Option } from "commander";
import { envName } from "./env";
import { UsageError } from "./errors";
import { parsers } from "./parsers";

/** Where an app serves its metrics (metrics-server.ts); undefined = off, the default. */
export interface MetricsAddress {
  port: number;
  host: string;
}

/**
 * `--metrics-port <port>` (0: a free port) and `--metrics-host <host>` (default 127.0.0.1), the same in every app,
 * read from WEBLOG_METRICS_PORT / WEBLOG_METRICS_HOST too. `cmd.addOption(...metricsOptions())` is awkward with
 * commander's chaining, so: `for (const o of metricsOptions()) cmd.addOption(o)`.
 */
export function metricsOptions(prefix = ""): Option[] {
  return [
    new Option(
      "--metrics-port <port>",
      `${prefix}serve Prometheus /metrics, /healthz and /readyz on this port (0: a free one; default off)`,
    )
      .env(envName("--metrics-port"))
      .argParser(parsers.int("--metrics-port", { min: 0, max: 65535 })),
    new Option("--metrics-host <host>", `${prefix}address the metrics server binds (default 127.0.0.1)`).env(
      envName("--metrics-host"),
    ),
  ];
}

/** The parsed flags -> the address, or undefined (off). `--metrics-host` alone is a mistake (one line, exit 2). */
export function metricsAddress(raw: {
  metricsPort?: number;
  metricsHost?: string;
}): MetricsAddress | undefined {
  if (raw.metricsPort === undefined) {
    if (raw.metricsHost !== undefined)
      throw new UsageError("--metrics-host needs --metrics-port <port> (metrics are off without it)");
    return undefined;
  }
  return { port: raw.metricsPort, host: raw.metricsHost ?? "127.0.0.1" };
}
