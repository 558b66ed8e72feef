import type { Admin, Kafka } from "kafkajs";
import { KafkaClientError } from "../errors";
import { explainKafkaError } from "../explain";
import type { KafkaLogger } from "../logger";
import { noopLogger } from "../logger";
import type { KafkaSettings } from "../settings";
import {
  explicitTopicSpec,
  readBrokerDefaults,
  refusedBrokerDefaults,
  triggerAutoCreate,
} from "./old-brokers";

export interface EnsureTopicOptions {
  topic: string;
  /** Wanted partition count when the topic is created (default: the broker's default). */
  partitions?: number;
  /** Default: the broker's default. */
  replicationFactor?: number;
  logger?: KafkaLogger;
  /** How long to wait for an auto-created topic to get leaders (default 10 s). */
  timeoutMs?: number;
  /** Reuse a connected admin (it is left connected). */
  admin?: Admin;
  /** When given, connection/broker failures are explained (KafkaClientError naming the address and the fix). */
  settings?: KafkaSettings;
}

export interface EnsureTopicResult {
  /** created: by CreateTopics; exists: was already there; auto-created: the cluster refused CreateTopics and created it on a metadata request that allows auto-creation. */
  outcome: "created" | "exists" | "auto-created";
  /** The topic's actual partition count (may differ from the wanted one when auto-created). */
  partitions: number;
  /** Why CreateTopics was not used (auto-created), or a mismatch worth telling the user. */
  note?: string;
}

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

export function checkTopicName(topic: string, field = "--topic"): void {
  if (!TOPIC_NAME.test(topic) || topic === "." || topic === "..") {
    throw new KafkaClientError(
      "BAD_SETTINGS",
      `${field}: '${topic}' is not a valid topic name (1-249 of letters, digits, '.', '_', '-')`,
      { field },
    );
  }
}

async function withAdmin<T>(
  kafka: Kafka,
  given: Admin | undefined,
  fn: (admin: Admin) => Promise<T>,
): Promise<T> {
  if (given) return fn(given);
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Partitions with a leader, or undefined while the topic is unknown / leaderless. */
async function readyPartitions(admin: Admin, topic: string): Promise<number | undefined> {
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    const parts = meta.topics.find((t) => t.name === topic)?.partitions ?? [];
    if (parts.length === 0 || parts.some((p) => p.leader < 0)) return undefined;
    return parts.length;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Makes sure `topic` exists and says how: already there ("exists"), created with the wanted partition count
 * ("created"; a broker before 2.4, which refuses CreateTopics without explicit partitions and replication, is asked
 * again with its own num.partitions / default.replication.factor), or, where the cluster refuses CreateTopics
 * altogether (ACLs, a topic policy), auto-created by a metadata request that allows it ("auto-created", with the
 * partition count the cluster chose). Throws KafkaClientError TOPIC when neither works (e.g. auto-creation disabled).
 */
export async function ensureTopic(kafka: Kafka, opts: EnsureTopicOptions): Promise<EnsureTopicResult> {
  const { topic } = opts;
  checkTopicName(topic);
  if (opts.partitions !== undefined && (!Number.isInteger(opts.partitions) || opts.partitions < 1)) {
    throw new KafkaClientError("BAD_SETTINGS", `--partitions: ${opts.partitions} must be an integer >= 1`, {
      field: "--partitions",
    });
  }
  const logger = opts.logger ?? noopLogger;
  const timeoutMs = opts.timeoutMs ?? 10_000;

  try {
    return await ensureTopicWith(kafka, opts, logger, timeoutMs);
  } catch (err) {
    throw opts.settings ? explainKafkaError(err, opts.settings, { during: "topic" }) : err;
  }
}

async function ensureTopicWith(
  kafka: Kafka,
  opts: EnsureTopicOptions,
  logger: KafkaLogger,
  timeoutMs: number,
): Promise<EnsureTopicResult> {
  const { topic } = opts;
  return withAdmin(kafka, opts.admin, async (admin) => {
    const existing = await admin.listTopics();
    if (existing.includes(topic)) {
      const n = await readyPartitions(admin, topic);
      if (n !== undefined) return result("exists", n, opts.partitions);
    }

    let refusal: string;
    try {
      return await create(admin, topic, opts, timeoutMs, {
        numPartitions: opts.partitions ?? -1,
        replicationFactor: opts.replicationFactor ?? -1,
      });
    } catch (err) {
      let failure: unknown = err;
      if (
        refusedBrokerDefaults(err) &&
        (opts.partitions === undefined || opts.replicationFactor === undefined)
      ) {
        // brokers before 2.4: ask again with explicit values, the broker's own defaults
        logger.debug(
          { topic, err },
          "CreateTopics refused -1 (broker before 2.4); retrying with explicit values",
        );
        try {
          const { defaults, brokers } = await readBrokerDefaults(admin);
          const spec = explicitTopicSpec(opts, defaults, brokers);
          const r = await create(admin, topic, opts, timeoutMs, spec);
          const why = `the broker needs explicit values (before Kafka 2.4): asked for ${spec.numPartitions} partitions, replication ${spec.replicationFactor}`;
          return { ...r, note: [why, r.note].filter(Boolean).join("; ") };
        } catch (retryErr) {
          failure = retryErr;
        }
      }
      const e = failure as { type?: string; message?: string; errors?: Array<{ type?: string }> };
      if (e.type === "TOPIC_ALREADY_EXISTS" || e.errors?.some((x) => x.type === "TOPIC_ALREADY_EXISTS")) {
        const n = await waitForPartitions(admin, topic, timeoutMs);
        if (n !== undefined) return result("exists", n, opts.partitions);
      }
      refusal = String(e.message ?? failure).replace(/\s*\n\s*/g, " ");
      logger.debug({ topic, err: failure }, "CreateTopics refused; falling back to auto-creation");
    }

    await triggerAutoCreate(kafka, topic).catch((err: unknown) =>
      logger.debug({ topic, err }, "metadata request allowing auto-creation failed"),
    );
    const n = await waitForPartitions(admin, topic, timeoutMs);
    if (n === undefined) {
      throw new KafkaClientError(
        "TOPIC",
        `topic '${topic}' could not be created (CreateTopics: ${refusal}) and the cluster did not auto-create it within ${Math.round(timeoutMs / 1000)} s: create it by hand or enable auto.create.topics.enable`,
      );
    }
    const r = result("auto-created", n, opts.partitions);
    return { ...r, note: [`CreateTopics refused (${refusal})`, r.note].filter(Boolean).join("; ") };
  });
}

/** One CreateTopics call with the given values; "created"/"exists" once every partition has a leader. */
async function create(
  admin: Admin,
  topic: string,
  opts: EnsureTopicOptions,
  timeoutMs: number,
  spec: { numPartitions: number; replicationFactor: number },
): Promise<EnsureTopicResult> {
  const created = await admin.createTopics({
    topics: [{ topic, ...spec }],
    waitForLeaders: true,
    timeout: timeoutMs,
  });
  const n = await waitForPartitions(admin, topic, timeoutMs);
  if (n === undefined) throw new Error("created, but no partition got a leader in time");
  return result(created ? "created" : "exists", n, opts.partitions);
}

/** Polls metadata (admin requests never auto-create) until the topic has partitions with leaders. Bounded. */
async function waitForPartitions(
  admin: Admin,
  topic: string,
  timeoutMs: number,
): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 200; i++) {
    const n = await readyPartitions(admin, topic);
    if (n !== undefined) return n;
    if (Date.now() + 200 > deadline) return undefined;
    await sleep(200);
  }
  return undefined;
}

function result(
  outcome: EnsureTopicResult["outcome"],
  partitions: number,
  wanted?: number,
): EnsureTopicResult {
  if (wanted !== undefined && wanted !== partitions) {
    return { outcome, partitions, note: `wanted ${wanted} partitions, the topic has ${partitions}` };
  }
  return { outcome, partitions };
}

/** Low and high watermarks of every partition of `topic` (high = next offset to be written). */
export async function fetchWatermarks(
  kafka: Kafka,
  topic: string,
  opts: { admin?: Admin } = {},
): Promise<Map<number, { low: bigint; high: bigint }>> {
  return withAdmin(kafka, opts.admin, async (admin) => {
    const offsets = await admin.fetchTopicOffsets(topic);
    const out = new Map<number, { low: bigint; high: bigint }>();
    for (const o of [...offsets].sort((a, b) => a.partition - b.partition)) {
      out.set(o.partition, { low: BigInt(o.low), high: BigInt(o.high) });
    }
    return out;
  });
}

/** Sum of high - low over every partition: what the topic holds now. */
export function countMessages(watermarks: Map<number, { low: bigint; high: bigint }>): bigint {
  let n = 0n;
  for (const { low, high } of watermarks.values()) n += high - low;
  return n;
}

/** The group's committed offset per partition of `topic` (the next offset it will read), null when none. */
export async function fetchCommittedOffsets(
  kafka: Kafka,
  groupId: string,
  topic: string,
  opts: { admin?: Admin } = {},
): Promise<Map<number, bigint | null>> {
  return withAdmin(kafka, opts.admin, async (admin) => {
    const res = await admin.fetchOffsets({ groupId, topics: [topic] });
    const out = new Map<number, bigint | null>();
    const parts = res.find((t) => t.topic === topic)?.partitions ?? [];
    for (const p of [...parts].sort((a, b) => a.partition - b.partition)) {
      out.set(p.partition, p.offset === "-1" || p.offset === "" ? null : BigInt(p.offset));
    }
    return out;
  });
}
