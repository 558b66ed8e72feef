/**
 * The client under the batching producer: `@platformatic/kafka`'s Producer (pure JS), set up from our KafkaSettings.
 * Measured against kafkajs 2.2.4 (patched) in the same run it needs about a quarter of the CPU per record (README,
 * "Which Kafka client produces"), and the producer is CPU-bound. Only produce goes through it: admin, consumers and
 * the error explanations stay on kafkajs, and what this module sends is the batching producer's batches as they are.
 */
import type { MessageToProduce, Producer } from "@platformatic/kafka";
import type { IHeaders, RetryOptions } from "kafkajs";
import { DEFAULT_RETRY } from "../client";
import type { KafkaSettings } from "../settings";
import type { CompressionName } from "./compression";

type Bytes = Buffer | undefined;
type Message = MessageToProduce<Bytes, Bytes, Bytes, Bytes>;

/** One message as the batching producer hands it over. */
export interface EngineMessage {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: IHeaders;
  partition?: number;
}

export interface EngineSendOptions {
  acks: -1 | 0 | 1;
  compression: CompressionName;
}

/** What the batching producer needs from a client: prove the broker answers, send one batch, close. */
export interface ProduceEngine {
  /** Asks a broker for metadata: rejects when none answers (explained by the caller). */
  connect(): Promise<void>;
  send(topic: string, messages: EngineMessage[], opts: EngineSendOptions): Promise<void>;
  /** Closes the connections; a closed engine never reopens. */
  disconnect(): Promise<void>;
}

const bytes = (v: string | Buffer | null | undefined): Bytes =>
  v === null || v === undefined ? undefined : typeof v === "string" ? Buffer.from(v) : v;

/**
 * kafkajs's backoff (initialRetryTime doubling up to maxRetryTime, +-factor jitter) as @platformatic/kafka's
 * retryDelay, so `retry` means what it meant with kafkajs (DEFAULT_SEND_RETRY: 8 retries, about 15 s in all).
 */
export function retryDelay(retry: RetryOptions): (attempt: number) => number {
  const initial = retry.initialRetryTime ?? 300;
  const max = retry.maxRetryTime ?? 30_000;
  const factor = retry.factor ?? 0.2;
  return (attempt) => {
    const base = Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
    return Math.round(base * (1 - factor + Math.random() * 2 * factor));
  };
}

/** kafkajs headers (a value may be a list) as platformatic's map (one value per name: the last of a list wins). */
function headerMap(headers: IHeaders | undefined): Map<Bytes, Bytes> | undefined {
  if (!headers) return undefined;
  const map = new Map<Bytes, Bytes>();
  for (const [name, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    map.set(Buffer.from(name), bytes(Array.isArray(v) ? v.at(-1) : v));
  }
  return map;
}

type KeyPartitioner = (message: Message, key: Buffer) => number;

/**
 * Which partition a message goes to when it names none, as kafkajs's DefaultPartitioner (Java's) chose: a key's
 * murmur2 & 0x7fffffff (`keyed`: @platformatic/kafka's compatibilityPartitioner; the modulo is the client's), no key:
 * round robin. So `--key ip` keeps every visitor on the partition kafkajs, Kafka Connect and the Java client pick.
 */
export function createPartitioner(
  keyed: KeyPartitioner,
): (message: Message, key: Buffer | undefined) => number {
  let next = 0;
  return (message, key) => (key !== undefined ? keyed(message, key) : next++ & 0x7fffffff);
}

/**
 * The engine. The client's module is loaded on the first connect(), not when this package is: apps that bundle
 * this package but never produce through it (the consumer) neither load nor bundle it (its WebAssembly helper reads
 * a file next to its own module, which a bundle would not have).
 */
export function createProduceEngine(
  settings: KafkaSettings,
  opts: { retry: RetryOptions; ackTimeoutMs: number; maxInFlight: number },
): ProduceEngine {
  let producer: Producer<Bytes, Bytes, Bytes, Bytes> | undefined;
  let closed = false;
  async function open(): Promise<Producer<Bytes, Bytes, Bytes, Bytes>> {
    if (producer) return producer;
    const { Producer, compatibilityPartitioner } = await import("@platformatic/kafka");
    if (closed) throw new Error("the producer was disconnected");
    producer = createProducer(Producer, compatibilityPartitioner, settings, opts);
    return producer;
  }
  return {
    async connect() {
      // A metadata request (no topic) with the connect retry's count (DEFAULT_RETRY: ~3 s of backoff), so an
      // unreachable broker is explained within seconds, not after the long send retry.
      await (await open()).metadata({ topics: [], retries: DEFAULT_RETRY.retries ?? 5 });
    },
    async send(topic, messages, { acks, compression }) {
      const client = await open();
      const out: Message[] = new Array(messages.length);
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i] as EngineMessage;
        const msg: Message = { topic, key: bytes(m.key), value: bytes(m.value) };
        if (m.headers) msg.headers = headerMap(m.headers) as Map<Bytes, Bytes>;
        if (m.partition !== undefined) msg.partition = m.partition;
        out[i] = msg;
      }
      await client.send({ messages: out, acks, compression });
    },
    async disconnect() {
      closed = true;
      await producer?.close();
    },
  };
}

function createProducer(
  Client: typeof Producer,
  keyed: KeyPartitioner,
  settings: KafkaSettings,
  opts: { retry: RetryOptions; ackTimeoutMs: number; maxInFlight: number },
): Producer<Bytes, Bytes, Bytes, Bytes> {
  const delay = retryDelay(opts.retry);
  const identity = (v: Bytes) => v;
  return new Client<Bytes, Bytes, Bytes, Bytes>({
    clientId: settings.clientId,
    bootstrapBrokers: settings.brokers,
    connectTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    // the produce request's broker-side ack timeout (kafkajs `timeout`)
    timeout: opts.ackTimeoutMs,
    retries: opts.retry.retries ?? 5,
    retryDelay: (_client, _op, attempt) => delay(attempt),
    // requests in flight per connection: the batching producer's own bound is the one that counts
    maxInflights: Math.max(5, opts.maxInFlight),
    idempotent: false,
    autocreateTopics: true,
    partitioner: createPartitioner(keyed),
    serializers: { key: identity, value: identity, headerKey: identity, headerValue: identity },
    ...(settings.ssl ? { tls: {} } : {}),
    ...(settings.sasl
      ? {
          sasl: {
            mechanism: settings.sasl.mechanism.toUpperCase() as "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512",
            username: settings.sasl.username,
            password: settings.sasl.password,
          },
        }
      : {}),
  });
}
