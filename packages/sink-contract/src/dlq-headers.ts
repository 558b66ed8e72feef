/**
 * The dead-letter record's headers: Kafka Connect's `__connect.errors.*` (as with
 * errors.deadletterqueue.context.headers.enable=true) plus ours (`weblog.errors.reason`, `weblog.errors.issues`).
 * The sink writes them with `deadLetterHeaders`; the verifier reads a letter's origin back with `deadLetterOrigin`,
 * so a Connect DLQ and ours read the same.
 */

export const DLQ_HEADERS = {
  topic: "__connect.errors.topic",
  partition: "__connect.errors.partition",
  offset: "__connect.errors.offset",
  connector: "__connect.errors.connector.name",
  task: "__connect.errors.task.id",
  stage: "__connect.errors.stage",
  className: "__connect.errors.class.name",
  exceptionClass: "__connect.errors.exception.class.name",
  exceptionMessage: "__connect.errors.exception.message",
  reason: "weblog.errors.reason",
  issues: "weblog.errors.issues",
} as const;

export interface DeadLetterContext {
  /** Where the bad record was read. */
  topic: string;
  partition: number;
  offset: string;
  /** A short code, e.g. NOT_JSON, INVALID_FIELDS, NULL_VALUE, PARTITIONER. */
  reason: string;
  /** One line. */
  message: string;
  issues?: { field: string; reason: string }[] | undefined;
}

/** The headers our sink puts on a dead letter (string values). */
export function deadLetterHeaders(letter: DeadLetterContext, connectorName: string): Record<string, string> {
  return {
    [DLQ_HEADERS.topic]: letter.topic,
    [DLQ_HEADERS.partition]: String(letter.partition),
    [DLQ_HEADERS.offset]: letter.offset,
    [DLQ_HEADERS.connector]: connectorName,
    [DLQ_HEADERS.task]: "0",
    [DLQ_HEADERS.stage]: letter.reason === "NULL_VALUE" ? "TASK_PUT" : "VALUE_CONVERTER",
    [DLQ_HEADERS.className]: "weblog.consumer.S3Sink",
    [DLQ_HEADERS.exceptionClass]: `weblog.${letter.reason}`,
    [DLQ_HEADERS.exceptionMessage]: letter.message,
    [DLQ_HEADERS.reason]: letter.reason,
    ...(letter.issues && letter.issues.length > 0
      ? { [DLQ_HEADERS.issues]: JSON.stringify(letter.issues) }
      : {}),
  };
}

/** Where a dead letter came from, from its headers (`header(name)` gives a header as text), or undefined. */
export function deadLetterOrigin(
  header: (name: string) => string | undefined,
): { topic: string; partition: number; offset: bigint } | undefined {
  const topic = header(DLQ_HEADERS.topic);
  const partition = Number(header(DLQ_HEADERS.partition));
  const offset = header(DLQ_HEADERS.offset);
  if (!topic || !Number.isInteger(partition) || !offset || !/^\d+$/.test(offset)) return undefined;
  return { topic, partition, offset: BigInt(offset) };
}
