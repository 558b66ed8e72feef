import { deadLetterHeaders, SinkConfigError, type SinkSettings } from "@weblog/sink-contract";
import type { IHeaders, Producer } from "kafkajs";

/**
 * Dead letter queue: records the sink cannot write (not JSON, not a web log, tombstones with
 * behavior.on.null.values=fail) go to `errors.deadletterqueue.topic.name` unchanged, with Kafka Connect's
 * `__connect.errors.*` headers (as with errors.deadletterqueue.context.headers.enable=true) plus ours
 * (`weblog.errors.reason`, `weblog.errors.issues`): the contract's `deadLetterHeaders`, which the verifier reads.
 *
 * Records are queued while a batch is processed and sent (acks=all) before any offset past them is committed,
 * so a crash re-reads and re-sends them: the DLQ is at-least-once, like Connect's.
 */
export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders | undefined;
  /** A short code, e.g. NOT_JSON, INVALID_FIELDS, NULL_VALUE, PARTITIONER. */
  reason: string;
  /** One line. */
  message: string;
  issues?: { field: string; reason: string }[];
}

export interface Dlq {
  add(letter: DeadLetter): void;
  /** Sends everything queued; resolves once the broker acknowledged it. */
  flush(): Promise<void>;
  readonly pending: number;
  readonly sent: number;
}

export function createDlq(opts: { producer: Producer; topic: string; connectorName: string }): Dlq {
  let queue: DeadLetter[] = [];
  let sent = 0;
  /**
   * Sends under way. The queue is shared by every partition: a flush started by another partition's batch may be
   * carrying our letters, so `flush()` resolves only once every send in flight has been acknowledged (and rejects
   * if one of them failed, its letters back in the queue), never merely because the queue is empty.
   */
  const inFlight = new Set<Promise<void>>();
  return {
    add(letter) {
      queue.push(letter);
    },
    get pending() {
      return queue.length;
    },
    get sent() {
      return sent;
    },
    async flush() {
      if (queue.length > 0) {
        const batch = queue;
        queue = [];
        const sending = send(batch);
        inFlight.add(sending);
        void sending.then(
          () => inFlight.delete(sending),
          () => inFlight.delete(sending),
        );
      }
      if (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };

  async function send(batch: DeadLetter[]): Promise<void> {
    try {
      await opts.producer.send({
        topic: opts.topic,
        acks: -1,
        messages: batch.map((l) => ({
          key: l.key,
          value: l.value,
          headers: { ...(l.headers ?? {}), ...deadLetterHeaders(l, opts.connectorName) },
        })),
      });
      sent += batch.length;
    } catch (err) {
      queue = batch.concat(queue);
      throw err;
    }
  }
}

/**
 * Refuses a DLQ topic that is one of the sink's own topics (`topics` is a list), as Kafka Connect does: its bad
 * records would be read back and dead-lettered again, for ever. Only when the DLQ is used (errors.tolerance=all):
 * our DLQ name has a default, and a sink of the DLQ topic itself with errors.tolerance=none never writes to it.
 * Throws SinkConfigError (BAD_CONFIG: one line naming the key, exit 2).
 */
export function checkDlqTopic(settings: Pick<SinkSettings, "topics" | "dlqTopic" | "errorsTolerance">): void {
  const dlq = settings.dlqTopic?.trim();
  if (settings.errorsTolerance !== "all" || !dlq || !settings.topics.includes(dlq)) return;
  throw new SinkConfigError(
    "errors.deadletterqueue.topic.name",
    `errors.deadletterqueue.topic.name (--dlq-topic) '${dlq}' is one of the topics the sink reads (topics=${settings.topics.join(",")}): its bad records would come back to it; name another topic (e.g. ${dlq}-dlq), as Kafka Connect requires`,
  );
}
