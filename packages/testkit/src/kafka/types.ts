export type KafkaBackend = "env" | "testcontainers" | "kcat-mock";

export type KafkaHandle = {
  /** Comma-separated bootstrap servers (host:port,...). */
  bootstrap: string;
  brokers: string[];
  backend: KafkaBackend;
  /** Stops the broker(s) and frees the ports; a no-op for the "env" backend. Safe to call twice. */
  stop(): Promise<void>;
};
