/**
 * Where a run writes its messages: Kafka, through `@weblog/kafka-client`'s batching producer (or anything with the
 * same shape, e.g. a bench's). The message is kafka-client's `OutgoingMessage`: one name from the source to the
 * broker.
 */
import type { OutgoingMessage, ProducerStats } from "@weblog/kafka-client";

export type { OutgoingMessage };

/** The figures a run reads from its output (a subset of the batching producer's stats). */
export type OutputStats = Pick<ProducerStats, "sent" | "acked" | "errors" | "inFlight" | "bytes">;

export interface KafkaOutput {
  /** Resolves once accepted; waits while too many requests are in flight (backpressure). */
  send(messages: OutgoingMessage[]): Promise<void>;
  /** Resolves when everything sent so far is acknowledged. */
  flush(): Promise<void>;
  stats(): OutputStats;
}
