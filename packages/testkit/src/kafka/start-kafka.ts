import { dockerAvailable } from "../docker";
import { TestkitError } from "../errors";
import { startKcatMock } from "./kcat-mock";
import type { KafkaHandle } from "./types";

export type StartKafkaOptions = {
  /** Brokers of the kcat mock cluster (default 3). Ignored by the other backends. */
  mockBrokers?: number;
};

/**
 * A Kafka for tests, first match wins:
 * 1. `KAFKA_BROKERS` is set: that cluster ("env"; stop() does nothing);
 * 2. a Docker engine answers: apache/kafka in KRaft mode via testcontainers;
 * 3. else librdkafka's mock cluster hosted by `kcat` ("kcat-mock").
 * Fails with a TestkitError naming the fix when none is available.
 */
export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaHandle> {
  const { mockBrokers = 3 } = options;
  if (!Number.isInteger(mockBrokers) || mockBrokers < 1 || mockBrokers > 16) {
    throw new TestkitError(
      "INVALID_OPTION",
      `startKafka: mockBrokers must be an integer 1..16, got ${mockBrokers}`,
    );
  }
  const fromEnv = process.env.KAFKA_BROKERS?.trim();
  if (fromEnv) {
    const brokers = fromEnv
      .split(",")
      .map((b) => b.trim())
      .filter(Boolean);
    return { bootstrap: brokers.join(","), brokers, backend: "env", stop: async () => {} };
  }
  if (await dockerAvailable()) {
    // loaded on demand: testcontainers costs ~0.4 s to import and is only needed where Docker runs
    const { startKafkaContainer } = await import("./container");
    return startKafkaContainer();
  }
  return startKcatMock({ brokers: mockBrokers });
}
