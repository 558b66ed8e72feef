import { deadLetterHeaders, SinkConfigError, type SinkSettings } from "@weblog/sink-contract";
import type { IHeaders, Producer } from "kafkajs";
import { type DlqTopicFacts, dlqRefusalOf, explainDlqRefusal, letterBytes } from "./dlq-failure";

/**
 * Dead letter queue: records the sink cannot write (not JSON, not a web log, tombstones with
 * behavior.on.null.values=fail) go to `errors.deadletterqueue.topic.name` unchanged, with Kafka Connect's
 * `__connect.errors.*` headers (as with errors.deadletterqueue.context.headers.enable=true) plus ours
 * (`weblog.errors.reason`, `weblog.errors.issues`): the contract's `deadLetterHeaders`, which the verifier reads.
 *
 * Records are queued while a batch is processed and sent (acks=all) before any offset past them is committed,
 * so a crash re-reads and re-sends them: the DLQ is at-least-once, like Connect's. A letter the broker refuses for
 * good (too large for the DLQ topic, topic missing with auto-create off, no authorization: dlq-failure.ts) stops
 * the sink instead of stalling its partition; a letter is logged as sent (`onSent`) only once acknowledged.
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

export interface DlqOptions {
  producer: Producer;
  topic: string;
  connectorName: string;
  /** Called with the letters the broker acknowledged, after each acknowledgement (the rejection log). */
  onSent?: (letters: readonly DeadLetter[]) => void;
  /** Asks the broker about the DLQ topic after a refusal (dlq-failure.ts `probeDlqTopic`). */
  probe?: () => Promise<DlqTopicFacts>;
  /** Letters per produce request are capped at this many bytes (default 256 KiB; one larger letter goes alone). */
  chunkBytes?: number;
}

/** At most this many letters in one produce request. */
const CHUNK_LETTERS = 500;

export function createDlq(opts: DlqOptions): Dlq {
  let queue: DeadLetter[] = [];
  let sent = 0;
  const chunkBytes = opts.chunkBytes ?? 256 * 1024;
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

  function headersOf(l: DeadLetter) {
    return { ...(l.headers ?? {}), ...deadLetterHeaders(l, opts.connectorName) };
  }

  /** One produce request (acks=all); the letters count as sent (and are logged) once the broker acknowledged it. */
  async function produce(letters: DeadLetter[]): Promise<void> {
    await opts.producer.send({
      topic: opts.topic,
      acks: -1,
      messages: letters.map((l) => ({ key: l.key, value: l.value, headers: headersOf(l) })),
    });
    sent += letters.length;
    opts.onSent?.(letters);
  }

  /**
   * Sends `batch` in requests of at most `chunkBytes` (a flood of bad records must not make one request larger than
   * the DLQ topic takes). A request refused as too large is sent again one letter at a time, so the letter the
   * broker refuses is the culprit itself. On failure the unsent letters go back to the front of the queue; a refusal
   * for good (dlq-failure.ts) rejects with DLQ_REFUSED naming the record, anything else with the error as is.
   */
  async function send(batch: DeadLetter[]): Promise<void> {
    let done = 0;
    try {
      for (const chunk of chunksOf(batch)) {
        try {
          await produce(chunk);
        } catch (err) {
          if (chunk.length === 1 || dlqRefusalOf(err)?.kind !== "too-large") throw err;
          for (const one of chunk) {
            await produce([one]);
            done += 1;
          }
          continue;
        }
        done += chunk.length;
      }
    } catch (err) {
      queue = batch.slice(done).concat(queue);
      throw await explain(err, batch[done] as DeadLetter);
    }
  }

  async function explain(err: unknown, letter: DeadLetter): Promise<unknown> {
    const refusal = dlqRefusalOf(err);
    if (!refusal) return err;
    const facts: DlqTopicFacts = opts.probe ? await opts.probe().catch(() => ({})) : {};
    // Unknown topic, but it is there (created meanwhile, or metadata lagging): not a refusal for good.
    if (refusal.kind === "missing" && facts.exists !== false) return err;
    return explainDlqRefusal(refusal, letter, letterBytes(letter, headersOf(letter)), opts.topic, facts, err);
  }

  function* chunksOf(batch: DeadLetter[]): Generator<DeadLetter[]> {
    let chunk: DeadLetter[] = [];
    let bytes = 0;
    for (const l of batch) {
      const size = (l.key?.length ?? 0) + (l.value?.length ?? 0);
      if (chunk.length > 0 && (bytes + size > chunkBytes || chunk.length >= CHUNK_LETTERS)) {
        yield chunk;
        chunk = [];
        bytes = 0;
      }
      chunk.push(l);
      bytes += size;
    }
    if (chunk.length > 0) yield chunk;
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
