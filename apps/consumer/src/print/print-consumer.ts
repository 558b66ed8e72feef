import type { Logger } from "@weblog/cli";
import type { Kafka, KafkaMessage } from "kafkajs";

/**
 * `--print`: the seed's bakery-consumer / kafka-console-consumer.sh. Prints each message's value on its own line
 * (stdout), optionally prefixed by key and partition/offset, tab separated.
 */
export interface PrintOptions {
  topic: string;
  groupId: string;
  fromBeginning: boolean;
  showKey: boolean;
  showMeta: boolean;
  /** Stop after this many messages (kafka-console-consumer's --max-messages). */
  maxMessages?: number | undefined;
}

export function formatMessage(
  m: { partition: number; message: Pick<KafkaMessage, "key" | "value" | "offset"> },
  opts: Pick<PrintOptions, "showKey" | "showMeta">,
): string {
  const parts: string[] = [];
  if (opts.showMeta) parts.push(`p=${m.partition}`, `o=${m.message.offset}`);
  if (opts.showKey) parts.push(m.message.key === null ? "null" : m.message.key.toString("utf8"));
  parts.push(m.message.value === null ? "null" : m.message.value.toString("utf8"));
  return parts.join("\t");
}

export interface PrintConsumer {
  /** Resolves when stopped (stop(), or --max-messages reached). */
  run(
    connect: (c: { connect(): Promise<void>; disconnect(): Promise<void> }) => Promise<void>,
  ): Promise<number>;
  stop(): Promise<void>;
}

export function createPrintConsumer(
  kafka: Kafka,
  opts: PrintOptions,
  deps: { logger: Logger; out?: NodeJS.WritableStream },
): PrintConsumer {
  const out = deps.out ?? process.stdout;
  const consumer = kafka.consumer({
    groupId: opts.groupId,
    maxWaitTimeInMs: 500,
    allowAutoTopicCreation: true,
  });
  let count = 0;
  let stopping: Promise<void> | null = null;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });

  const stop = () => {
    stopping ??= consumer
      .disconnect()
      .catch(() => {})
      .finally(() => resolveDone());
    return stopping;
  };

  return {
    async run(connect) {
      await connect(consumer);
      await consumer.subscribe({ topic: opts.topic, fromBeginning: opts.fromBeginning });
      await consumer.run({
        autoCommit: true,
        eachBatch: async ({ batch, resolveOffset, isRunning }) => {
          let text = "";
          for (const message of batch.messages) {
            if (!isRunning() || stopping) break;
            if (opts.maxMessages !== undefined && count >= opts.maxMessages) break;
            text += `${formatMessage({ partition: batch.partition, message }, opts)}\n`;
            count += 1;
            resolveOffset(message.offset);
          }
          if (text.length > 0 && !stopping && !out.write(text)) {
            // Backpressure from a slow reader; a stop (signal, --max-messages) does not wait for it.
            await Promise.race([new Promise<void>((r) => out.once("drain", () => r())), done]);
          }
          if (opts.maxMessages !== undefined && count >= opts.maxMessages) void stop();
        },
      });
      deps.logger.debug({ topic: opts.topic, group: opts.groupId }, "printing messages");
      await done;
      return count;
    },
    stop,
  };
}
