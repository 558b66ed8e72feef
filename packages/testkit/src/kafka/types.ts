export type KafkaBackend = "env" | "testcontainers" | "local";

export type KafkaHandle = {
  /** Comma-separated bootstrap servers (host:port,...). */
  bootstrap: string;
  brokers: string[];
  backend: KafkaBackend;
  /** What runs there, for humans: "Apache Kafka 4.1.1 (KRaft, local JVM)". */
  server: string;
  /** The broker's log (local backend), for a failing test to show. */
  logFile?: string;
  /** Stops the broker(s) and frees the ports; a no-op for the "env" backend. Safe to call twice. */
  stop(): Promise<void>;
};
