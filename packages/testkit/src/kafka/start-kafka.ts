import { dockerAvailable } from "../docker";
import { startLocalKafka } from "../local/kafka";
import type { KafkaHandle } from "./types";

export type StartKafkaOptions = {
  /**
   * A broker of this test's own, never the shared one from `KAFKA_BROKERS`: for tests that stop or kill the broker
   * or change its settings.
   */
  dedicated?: boolean;
  /** Broker settings for a local broker (ignored by the env and Docker backends). */
  properties?: Record<string, string>;
};

/** The brokers named by `KAFKA_BROKERS`, or undefined. */
export function brokersFromEnv(): string[] | undefined {
  const brokers = (process.env.KAFKA_BROKERS ?? "")
    .split(",")
    .map((b) => b.trim())
    .filter(Boolean);
  return brokers.length ? brokers : undefined;
}

/**
 * A Kafka for tests, first match wins:
 * 1. `KAFKA_BROKERS` is set (and `dedicated` is not): that cluster ("env"; stop() does nothing). `pnpm test` starts
 *    one local broker for the whole run and sets it, so suites share it (unique topics and groups per test);
 * 2. a Docker engine answers: apache/kafka in KRaft mode via testcontainers;
 * 3. else Apache Kafka from the cached Maven jars, started on 127.0.0.1 ("local").
 * Fails with a TestkitError naming the cause and the fix (Java missing, jars not fetched, start failed).
 */
export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaHandle> {
  const fromEnv = options.dedicated ? undefined : brokersFromEnv();
  if (fromEnv) {
    return {
      bootstrap: fromEnv.join(","),
      brokers: fromEnv,
      backend: "env",
      server: "the cluster KAFKA_BROKERS names",
      stop: async () => {},
    };
  }
  if (!options.properties && (await dockerAvailable())) {
    // loaded on demand: testcontainers costs ~0.4 s to import and is only needed where Docker runs
    const { startKafkaContainer } = await import("./container");
    return startKafkaContainer();
  }
  const local = await startLocalKafka({ properties: options.properties });
  return {
    bootstrap: local.bootstrap,
    brokers: [local.bootstrap],
    backend: "local",
    server: `Apache Kafka ${local.version} (KRaft, local JVM, started in ${(local.startupMs / 1000).toFixed(1)} s)`,
    logFile: local.logFile,
    stop: local.stop,
  };
}
