import { causes } from "@weblog/errors";
import kafkajs, { type Admin, type IHeaders } from "kafkajs";
import type { DeadLetter } from "./dlq";
import { SinkError } from "./errors";

// kafkajs is CommonJS: its values by name through the default export, so an ESM bundle that leaves it external
// (the bench's) loads too.
const { ConfigResourceTypes } = kafkajs;

/**
 * A dead letter the broker refuses for good (issue 25): resending it cannot help, and re-reading the batch only
 * sends it again, so the partition would stall for ever behind it. Such a refusal stops the sink (DLQ_REFUSED, exit
 * 2) with one line naming the record, the limit and the fix; nothing past the record is committed, so a restart
 * after the fix reads it again. Anything else (broker down, leader moving) stays retriable: the batch is re-read.
 *
 * - `too-large`: MESSAGE_TOO_LARGE / RECORD_LIST_TOO_LARGE (the DLQ topic's max.message.bytes);
 * - `missing`: UNKNOWN_TOPIC_OR_PARTITION, and the topic really is absent (auto.create.topics.enable=false);
 * - `unauthorized`: TOPIC_AUTHORIZATION_FAILED / CLUSTER_AUTHORIZATION_FAILED (no WRITE on the DLQ topic);
 * - `invalid`: INVALID_TOPIC_EXCEPTION, POLICY_VIOLATION, INVALID_RECORD (the broker will never take it).
 */
export type DlqRefusal = "too-large" | "missing" | "unauthorized" | "invalid";

const REFUSALS: Record<string, DlqRefusal> = {
  MESSAGE_TOO_LARGE: "too-large",
  RECORD_LIST_TOO_LARGE: "too-large",
  UNKNOWN_TOPIC_OR_PARTITION: "missing",
  TOPIC_AUTHORIZATION_FAILED: "unauthorized",
  CLUSTER_AUTHORIZATION_FAILED: "unauthorized",
  INVALID_TOPIC_EXCEPTION: "invalid",
  POLICY_VIOLATION: "invalid",
  INVALID_RECORD: "invalid",
};

/** The refusal named anywhere along a kafkajs error's chain (its protocol error `type`), or null. Pure. */
export function dlqRefusalOf(err: unknown): { kind: DlqRefusal; type: string } | null {
  for (const e of causes(err) as { type?: unknown }[]) {
    const type = typeof e.type === "string" ? e.type : "";
    const kind = REFUSALS[type];
    if (kind) return { kind, type };
  }
  return null;
}

/** A letter's bytes on the wire, roughly: key, value and every header (ours included). Pure. */
export function letterBytes(letter: DeadLetter, headers: IHeaders): number {
  let n = (letter.key?.length ?? 0) + (letter.value?.length ?? 0);
  for (const [k, v] of Object.entries(headers)) {
    n += Buffer.byteLength(k);
    for (const one of Array.isArray(v) ? v : [v]) n += one === undefined ? 0 : Buffer.byteLength(one);
  }
  return n;
}

/** What the broker says about the DLQ topic, asked only after a refusal (each field absent if unknown). */
export interface DlqTopicFacts {
  exists?: boolean;
  /** The topic's max.message.bytes. */
  maxMessageBytes?: number;
}

/** Asks the broker whether `topic` exists and its max.message.bytes (bounded; unknown on any failure). */
export async function probeDlqTopic(admin: Admin, topic: string, timeoutMs = 5000): Promise<DlqTopicFacts> {
  const facts: DlqTopicFacts = {};
  const ask = async () => {
    await admin.connect();
    try {
      facts.exists = (await admin.listTopics()).includes(topic);
      if (!facts.exists) return;
      const res = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ["max.message.bytes"] }],
      });
      const value = Number(
        res.resources[0]?.configEntries.find((c) => c.configName === "max.message.bytes")?.configValue,
      );
      if (Number.isInteger(value) && value > 0) facts.maxMessageBytes = value;
    } finally {
      await admin.disconnect().catch(() => {});
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([ask().catch(() => {}), timeout]);
  clearTimeout(timer);
  return facts;
}

const where = (l: DeadLetter) => `${l.topic}/${l.partition}@${l.offset}`;

/**
 * The one line for a refused dead letter (pure): which record, which limit or rule, the fix. `letter` is the one the
 * broker refused (for too-large it was sent alone, so it is the culprit; otherwise the first one not sent).
 */
export function explainDlqRefusal(
  refusal: { kind: DlqRefusal; type: string },
  letter: DeadLetter,
  bytes: number,
  dlqTopic: string,
  facts: DlqTopicFacts,
  cause: unknown,
): SinkError {
  const record = `bad record ${where(letter)} (${letter.reason})`;
  const after = "nothing past it was committed";
  const orStop = "or set errors.tolerance=none to stop at such records instead";
  let message: string;
  switch (refusal.kind) {
    case "too-large": {
      const limit =
        facts.maxMessageBytes !== undefined
          ? `max.message.bytes=${facts.maxMessageBytes}`
          : "its max.message.bytes";
      message = `${record} could not be sent to the dead-letter topic '${dlqTopic}': its letter is ${bytes} bytes, more than that topic accepts (${limit}); ${after}. Raise the DLQ topic's max.message.bytes (kafka-configs.sh --alter --entity-type topics --entity-name ${dlqTopic} --add-config max.message.bytes=<bytes>), ${orStop}`;
      break;
    }
    case "missing":
      message = `${record} could not be sent: the dead-letter topic '${dlqTopic}' does not exist and the broker does not create topics (auto.create.topics.enable=false); ${after}. Create it (kafka-topics.sh --create --topic ${dlqTopic}), name an existing one with errors.deadletterqueue.topic.name (--dlq-topic), ${orStop}`;
      break;
    case "unauthorized":
      message = `${record} could not be sent: Kafka refused the sink WRITE on the dead-letter topic '${dlqTopic}' (${refusal.type}); ${after}. Grant the sink's user WRITE (and DESCRIBE) on that topic, ${orStop}`;
      break;
    default:
      message = `${record} could not be sent: Kafka refused it on the dead-letter topic '${dlqTopic}' (${refusal.type}); ${after}. Check the topic's name and settings (errors.deadletterqueue.topic.name, --dlq-topic), ${orStop}`;
  }
  return new SinkError("DLQ_REFUSED", message, { cause });
}
