import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { Run } from "./run";

/**
 * The producer's Prometheus metrics (prom-client), read from the run's own counters at scrape time: the send loop
 * pays nothing for them. Names: README "Metrics".
 */
export interface ProducerMetrics {
  readonly registry: Registry;
  /** The run whose counters are served (set once it started; before that every counter reads 0). */
  bind(run: Pick<Run, "snapshot">): void;
}

const P = "weblog_producer_";

export function createProducerMetrics(opts: { rate: number; defaultMetrics?: boolean }): ProducerMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  let run: Pick<Run, "snapshot"> | null = null;
  type Key = "generated" | "sent" | "acked" | "errors" | "bytes" | "inFlight";
  const read = (k: Key) => (run ? run.snapshot()[k] : 0);
  const counter = (name: string, help: string, key: Key) =>
    new Counter({
      name: P + name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read(key));
      },
    });
  counter("records_generated_total", "Records generated (or stdin lines read).", "generated");
  counter("records_sent_total", "Records handed to the Kafka client.", "sent");
  counter("records_acked_total", "Records the broker acknowledged (records out).", "acked");
  counter("errors_total", "Records whose produce request failed.", "errors");
  counter("bytes_total", "Key + value bytes acknowledged.", "bytes");
  new Gauge({
    name: `${P}in_flight_requests`,
    help: "Produce requests awaiting their acks.",
    registers: [registry],
    collect() {
      this.set(read("inFlight"));
    },
  });
  new Gauge({
    name: `${P}target_rate`,
    help: "--rate: records per second asked for (0: as fast as possible).",
    registers: [registry],
  }).set(opts.rate);
  return {
    registry,
    bind(r) {
      run = r;
    },
  };
}
