import type { Kafka } from "kafkajs";
import { settingsOf } from "../client";
import { KafkaClientError } from "../errors";
import { connectChecked, explainKafkaError } from "../explain";
import { noopLogger } from "../logger";
import { compressionType } from "./compression";
import { createProduceEngine, type EngineMessage } from "./engine";
import {
  type BatchingProducer,
  type BatchingProducerOptions,
  DEFAULT_SEND_RETRY,
  type OutgoingMessage,
} from "./types";

export type { BatchingProducer, BatchingProducerOptions, OutgoingMessage, ProducerStats } from "./types";
export { DEFAULT_SEND_RETRY } from "./types";

function byteLength(v: string | Buffer | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === "string" ? Buffer.byteLength(v) : v.length;
}

/**
 * A producer for throughput without loss. Messages accumulate into batches (batchSize / maxBatchBytes / lingerMs);
 * each batch is one send of the client (engine.ts: @platformatic/kafka, set up from the settings `kafka` was made
 * with) with acks=-1 by default; at most maxInFlight sends are outstanding and send() waits for a free slot
 * (backpressure, bounded memory). The client retries a failed send (retry option, kafkajs's meaning); what still
 * fails is counted in stats().errors and surfaced by the next send()/flush() (never dropped silently).
 * Idempotence is off, so a retried batch may be duplicated (at-least-once), and with maxInFlight > 1 batches may land
 * out of order.
 */
export function createBatchingProducer(kafka: Kafka, opts: BatchingProducerOptions): BatchingProducer {
  const topic = opts.topic;
  const acks = opts.acks ?? -1;
  const compressionName = opts.compression ?? "none";
  compressionType(compressionName); // BAD_SETTINGS naming the flag for a codec the consumers (kafkajs) cannot read
  const maxInFlight = opts.maxInFlight ?? 5;
  const batchSize = opts.batchSize ?? 1000;
  const maxBatchBytes = opts.maxBatchBytes ?? 900_000;
  const lingerMs = opts.lingerMs ?? 5;
  const ackTimeoutMs = opts.ackTimeoutMs ?? 30_000;
  const logger = opts.logger ?? noopLogger;
  const keyOf = opts.keyOf;
  for (const [field, v, min] of [
    ["maxInFlight", maxInFlight, 1],
    ["batchSize", batchSize, 1],
    ["maxBatchBytes", maxBatchBytes, 1],
    ["lingerMs", lingerMs, 0],
  ] as const) {
    if (!Number.isInteger(v) || v < min) {
      throw new KafkaClientError("BAD_SETTINGS", `${field}: ${v} must be an integer >= ${min}`, { field });
    }
  }

  const settings = opts.settings ?? settingsOf(kafka);
  if (!settings) {
    throw new KafkaClientError(
      "BAD_SETTINGS",
      "createBatchingProducer: give `settings`, or a client made by createKafka (it carries them)",
      { field: "settings" },
    );
  }
  const engine = createProduceEngine(settings, {
    retry: opts.retry ?? DEFAULT_SEND_RETRY,
    ackTimeoutMs,
    maxInFlight,
  });

  /*
   * Memory model: messages live in exactly two places, the `buffer` (the batch being filled, at most batchSize
   * messages) and the produce calls handed to the client (at most maxInFlight batches). A batch is cut from the buffer
   * only when an in-flight slot is free, so nothing ever waits between the two: the linger timer cuts only if a slot
   * is free at once, else it marks the buffer "due" and the next released slot takes it. send() waits (backpressure)
   * whenever the buffer is full and every slot is busy, whichever way batches are cut. Bound: batchSize *
   * (maxInFlight + 1) messages held by the producer.
   */
  let buffer: EngineMessage[] = [];
  let bufferBytes = 0;
  let linger: NodeJS.Timeout | undefined;
  let lingerDue = false; // the linger ran out while every slot was busy: the next free slot takes the buffer
  let inFlight = 0; // slots taken = produce calls handed to the client and not settled
  let failure: KafkaClientError | undefined;
  let connected = false;
  const slotWaiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  const idleWaiters: Array<() => void> = [];
  const s = { sent: 0, acked: 0, errors: 0, peakInFlight: 0, bytes: 0 };

  const explain = (err: unknown): KafkaClientError =>
    opts.settings
      ? explainKafkaError(err, opts.settings, { during: "produce" })
      : err instanceof KafkaClientError
        ? err
        : new KafkaClientError(
            "PRODUCE",
            `sending to topic '${topic}' failed: ${(err as Error)?.message ?? String(err)}`,
            {
              cause: err,
            },
          );

  function takeBatch(): { messages: EngineMessage[]; bytes: number } {
    const messages = buffer;
    const bytes = bufferBytes;
    buffer = [];
    bufferBytes = 0;
    lingerDue = false;
    clearLinger();
    return { messages, bytes };
  }

  function trySlot(): boolean {
    if (failure || inFlight >= maxInFlight || slotWaiters.length > 0) return false;
    inFlight += 1;
    if (inFlight > s.peakInFlight) s.peakInFlight = inFlight;
    return true;
  }

  /**
   * A slot for one produce call, strictly first come first served: a free slot is taken at once only when nobody
   * waits, and a released slot is handed to the oldest waiter. So batches are handed to the client in the order they
   * were cut (with maxInFlight 1 that keeps per-partition order). Rejects once a send has failed for good.
   */
  function acquireSlot(): Promise<void> | undefined {
    if (failure) return Promise.reject(failure);
    if (trySlot()) return undefined;
    return new Promise<void>((resolve, reject) => slotWaiters.push({ resolve, reject }));
  }

  function releaseSlot(): void {
    if (!failure) {
      const next = slotWaiters.shift();
      if (next) {
        next.resolve(); // handed over: inFlight stays the same
        return;
      }
      if (lingerDue && buffer.length > 0) {
        start(takeBatch()); // the slot goes straight to the lingering buffer
        return;
      }
    }
    inFlight -= 1;
    if (inFlight === 0) for (const w of idleWaiters.splice(0)) w();
  }

  /**
   * The first send that fails for good (after the client's retries) fails everything not yet handed to the client, at
   * once: the buffered messages are counted in errors and every send()/flush() waiting for a slot rejects. Produce
   * calls already in the client settle on their own (acked or counted); no new one is started.
   */
  function fail(e: KafkaClientError, n: number): void {
    failure = e;
    const dropped = dropBuffer();
    logger.error(
      { err: e.message, code: e.code, messages: n, notSent: dropped },
      "produce failed after retries; failing what was not sent yet",
    );
    for (const w of slotWaiters.splice(0)) w.reject(e);
  }

  /** After the failure: the buffered (accepted, never sent) messages are counted in errors and let go. */
  function dropBuffer(): number {
    const n = buffer.length;
    s.errors += n;
    buffer = [];
    bufferBytes = 0;
    lingerDue = false;
    clearLinger();
    return n;
  }

  /** Hands a batch to the client on a slot already taken (does not wait for its acknowledgement). */
  function start(batch: { messages: EngineMessage[]; bytes: number }): void {
    const n = batch.messages.length;
    s.sent += n;
    engine
      .send(topic, batch.messages, { acks, compression: compressionName })
      .then(
        () => {
          s.acked += n;
          s.bytes += batch.bytes;
        },
        (err: unknown) => {
          s.errors += n;
          if (!failure) fail(explain(err), n);
        },
      )
      .finally(releaseSlot);
  }

  /** Waits for a free slot, then cuts the buffer and hands it to the client. Rejects once a send has failed. */
  async function dispatchBuffer(): Promise<void> {
    const waiting = acquireSlot();
    if (waiting) await waiting;
    if (failure) {
      // Granted just before the failure: give the slot back unused (the buffer was already counted by fail()).
      releaseSlot();
      throw failure;
    }
    if (buffer.length > 0) start(takeBatch());
    else releaseSlot();
  }

  function armLinger(): void {
    if (linger || lingerDue || buffer.length === 0) return;
    linger = setTimeout(() => {
      linger = undefined;
      if (buffer.length === 0) return;
      if (trySlot()) start(takeBatch());
      else lingerDue = true;
    }, lingerMs);
  }

  function clearLinger(): void {
    if (linger) clearTimeout(linger);
    linger = undefined;
  }

  /**
   * send() and flush() calls run one after another in call order (a promise chain), so concurrent, un-awaited calls
   * cannot interleave their messages, and a flush() covers every send() called before it.
   */
  let tail: Promise<unknown> = Promise.resolve();
  function serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = tail.then(fn);
    tail = run.catch(() => {});
    return run;
  }

  async function sendNow(messages: OutgoingMessage[]): Promise<void> {
    // Refused before taking anything: none of these messages were accepted (so none are counted).
    if (failure) throw failure;
    if (!connected)
      throw new KafkaClientError("PRODUCE", "the producer is not connected: call connect() first");
    let i = 0; // messages[0..i) are in the buffer or handed to the client
    try {
      while (i < messages.length) {
        if (failure) throw failure; // it may land while we awaited a slot
        const m = messages[i] as OutgoingMessage;
        const key = m.key !== undefined ? m.key : keyOf ? keyOf(m) : null;
        const size = byteLength(key) + byteLength(m.value);
        if (buffer.length > 0 && bufferBytes + size > maxBatchBytes) {
          await dispatchBuffer();
          continue;
        }
        const msg: EngineMessage = { key, value: m.value };
        if (m.headers) msg.headers = m.headers;
        if (m.partition !== undefined) msg.partition = m.partition;
        buffer.push(msg);
        bufferBytes += size;
        i += 1;
        if (buffer.length >= batchSize) await dispatchBuffer();
      }
      if (failure) throw failure;
    } catch (err) {
      // The failure came while this call was under way. What it buffered since is dropped and counted, and so is the
      // rest of its messages, so every message of a call that was not refused up front ends in acked or errors.
      if (err === failure) {
        dropBuffer();
        s.errors += messages.length - i;
      }
      throw err;
    }
    armLinger();
  }

  async function flushNow(): Promise<void> {
    try {
      if (buffer.length > 0) await dispatchBuffer();
    } catch (err) {
      if (err !== failure) throw err;
    }
    // Produce calls already in the client settle within one retry cycle; wait for them so stats() is final.
    if (inFlight > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
    if (failure) throw failure;
  }

  const handle = { connect: () => engine.connect(), disconnect: () => engine.disconnect() };
  return {
    producer: handle,
    async connect() {
      if (opts.settings) await connectChecked(handle, opts.settings);
      else await engine.connect();
      connected = true;
    },
    send: (messages) => serialized(() => sendNow(messages)),
    flush: () => serialized(flushNow),
    stats: () => ({
      sent: s.sent,
      acked: s.acked,
      errors: s.errors,
      inFlight,
      peakInFlight: s.peakInFlight,
      queued: buffer.length,
      bytes: s.bytes,
    }),
    async disconnect() {
      try {
        if (connected) await serialized(flushNow);
      } finally {
        connected = false;
        await engine.disconnect();
      }
    },
  };
}
