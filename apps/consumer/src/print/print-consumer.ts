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

  // Resolved as soon as a stop begins (not when it ends: disconnect() waits for the running eachBatch, which may be
  // waiting for stdout to drain).
  let resolveStopRequested!: () => void;
  const stopRequested = new Promise<void>((r) => {
    resolveStopRequested = r;
  });

  const stop = () => {
    resolveStopRequested();
    stopping ??= consumer
      .disconnect()
      .catch(() => {})
      .finally(() => resolveDone());
    return stopping;
  };

  // The reader went away (`consumer --print | head -n 3`): EPIPE on stdout is the normal end of a pipeline, not a
  // crash. Stop consuming, leave the group, exit 0 quietly. Any other stdout error also stops (logged once).
  let outClosed = false;
  out.on("error", (err: NodeJS.ErrnoException) => {
    if (!outClosed && err.code !== "EPIPE")
      deps.logger.warn({ err: { message: err.message } }, "stdout failed");
    outClosed = true;
    void stop();
  });

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
          if (text.length > 0 && !stopping && !outClosed && !out.write(text)) {
            // Backpressure from a slow reader; a stop (signal, --max-messages) does not wait for it.
            await Promise.race([new Promise<void>((r) => out.once("drain", () => r())), stopRequested]);
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
