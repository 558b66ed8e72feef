import { fileURLToPath } from "node:url";
import kafkajs from "kafkajs";

const { Kafka, logLevel } = kafkajs;

/** The built CLI (turbo builds it before `test`). */
export const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

export interface ReadMessage {
  key: string | null;
  value: string;
  partition: number;
  offset: string;
  timestamp: number;
}

function client(bootstrap: string) {
  return new Kafka({ clientId: "producer-test", brokers: bootstrap.split(","), logLevel: logLevel.NOTHING });
}

/** Reads `expected` messages from the beginning with a kafkajs consumer; bounded by `timeoutMs`. */
export async function readWithKafkajs(
  bootstrap: string,
  topic: string,
  expected: number,
  timeoutMs = 30_000,
): Promise<ReadMessage[]> {
  const consumer = client(bootstrap).consumer({ groupId: `read-${topic}-${Date.now()}` });
  const out: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        out.push({
          key: message.key === null ? null : message.key.toString("utf8"),
          value: message.value?.toString("utf8") ?? "",
          partition,
          offset: message.offset,
          timestamp: Number(message.timestamp),
        });
      },
    });
    // Until every message the broker holds has been read (at least `expected`), so an extra (duplicate) message
    // shows up in the result rather than depending on how long one waits. Bounded by timeoutMs.
    const deadline = Date.now() + timeoutMs;
    let target = expected;
    while (out.length < target && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      if (out.length >= expected) target = Math.max(expected, await brokerCount(bootstrap, topic));
    }
  } finally {
    await consumer.disconnect();
  }
  return out;
}

/** Sum of the high watermarks of a topic's partitions (= messages ever written to a fresh topic). */
export async function brokerCount(bootstrap: string, topic: string): Promise<number> {
  const admin = client(bootstrap).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** The last stdout line parsed as the --json summary. */
export function parseSummary(stdout: string): Record<string, unknown> & {
  sent: number;
  acked: number;
  failed: number;
  durationMs: number;
  rate: number;
  topic: string;
  stoppedBy: string;
  partitions?: Record<string, number>;
} {
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1] as string);
}
