import type { Producer } from "kafkajs";
import type { MessageSink, OutMessage, SinkStats } from "./run";

export interface OrderedSinkOptions {
  topic: string;
  acks: -1 | 0 | 1;
  /** kafkajs CompressionTypes value (kafka-client's compressionType(name)). */
  compression: number;
  /** Turns a kafkajs failure into the explained one-line error. */
  explain: (err: unknown) => Error;
}

/**
 * The --stdin sink: each send() is one produce request, awaited until acknowledged, so batches land in the order
 * they were sent; messages keep their `partition` (partition 0 by default in stdin mode), which makes the order
 * total on a topic with several partitions. Throughput is not the point here (a person typing, or a piped file).
 */
export function createOrderedSink(producer: Producer, opts: OrderedSinkOptions): MessageSink {
  const s: SinkStats = { sent: 0, acked: 0, errors: 0, inFlight: 0, bytes: 0 };
  return {
    async send(messages: OutMessage[]) {
      if (messages.length === 0) return;
      s.sent += messages.length;
      s.inFlight = 1;
      try {
        await producer.send({ topic: opts.topic, acks: opts.acks, compression: opts.compression, messages });
        s.acked += messages.length;
        for (const m of messages)
          s.bytes += Buffer.byteLength(m.value) + (m.key === null ? 0 : Buffer.byteLength(m.key));
      } catch (err) {
        s.errors += messages.length;
        throw opts.explain(err);
      } finally {
        s.inFlight = 0;
      }
    },
    async flush() {},
    stats: () => ({ ...s }),
  };
}
