import { createInterface } from "node:readline";
import type { Logger } from "@weblog/cli";
import type { KafkaOutput, OutgoingMessage, OutputStats } from "./output";
import { createPacer } from "./pacer";
import type { MessageSource } from "./source";

export type StopReason = "count" | "duration" | "signal" | "eof" | "error";

export interface RunResult {
  /** Records handed to the producer (generated, or lines read). */
  generated: number;
  /** Of those, records the producer handed to the Kafka client. */
  sent: number;
  /** Records the broker acknowledged. */
  acked: number;
  /** generated - acked: records not delivered (failed sends, and records never sent after a failure). */
  failed: number;
  bytes: number;
  durationMs: number;
  /** CPU time (user + system) this process spent during the run, all threads. */
  cpuMs: number;
  stoppedBy: StopReason;
  error?: unknown;
}

export interface RunSettings {
  topic: string;
  rate: number;
  count: number | undefined;
  durationMs: number | undefined;
  partition: number | undefined;
  batchSize: number;
}

export interface GeneratedRunDeps {
  output: KafkaOutput;
  /** Ready messages (keys and partition already applied): inline or from the generator worker (source.ts). */
  source: MessageSource;
  logger: Logger;
}

export interface StdinRunDeps {
  output: KafkaOutput;
  input: NodeJS.ReadableStream;
  logger: Logger;
}

export interface Run {
  /** Resolves when the run has stopped and every sent message is acknowledged (or failed). Never rejects. */
  readonly done: Promise<RunResult>;
  /** Stop generating (or reading stdin); in-flight messages are still flushed. Idempotent. */
  stop(reason?: StopReason): void;
  /** Live figures for the progress line. */
  snapshot(): { generated: number; elapsedMs: number } & OutputStats;
}

function createStopper() {
  const controller = new AbortController();
  let reason: StopReason | undefined;
  return {
    signal: controller.signal,
    get reason() {
      return reason;
    },
    stop(r: StopReason) {
      if (reason !== undefined) return;
      reason = r;
      controller.abort();
    },
  };
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function finish(
  output: KafkaOutput,
  started: number,
  cpuStarted: number,
  generated: number,
  stoppedBy: StopReason,
  error: unknown,
): Promise<RunResult> {
  let err = error;
  try {
    await output.flush();
  } catch (flushErr) {
    err ??= flushErr;
  }
  const s = output.stats();
  const result: RunResult = {
    generated,
    sent: s.sent,
    acked: s.acked,
    failed: generated - s.acked,
    bytes: s.bytes,
    durationMs: performance.now() - started,
    cpuMs: cpuNow() - cpuStarted,
    stoppedBy: err === undefined ? stoppedBy : "error",
  };
  if (err !== undefined) result.error = err;
  return result;
}

/**
 * Generates fake records and sends them in batches: as fast as the output (Kafka) accepts them (it applies backpressure
 * when `maxInFlight` requests await acks), or paced by a token bucket with --rate. Stops at --count, after
 * --duration, or on stop(); then waits for every in-flight message to be acknowledged.
 */
export function createGeneratedRun(settings: RunSettings, deps: GeneratedRunDeps): Run {
  const stopper = createStopper();
  const started = performance.now();
  const cpuStarted = cpuNow();
  let generated = 0;
  const { output, source } = deps;
  const pacer =
    settings.rate > 0 ? createPacer({ rate: settings.rate, maxBatch: settings.batchSize }) : undefined;
  const chunk = pacer ? pacer.batchSize : settings.batchSize;

  const timer =
    settings.durationMs === undefined
      ? undefined
      : setTimeout(() => stopper.stop("duration"), settings.durationMs);

  const loop = async (): Promise<RunResult> => {
    let error: unknown;
    try {
      while (stopper.reason === undefined) {
        const left = settings.count === undefined ? chunk : Math.min(chunk, settings.count - generated);
        if (left <= 0) {
          stopper.stop("count");
          break;
        }
        if (pacer) {
          await pacer.take(left, stopper.signal);
          if (stopper.reason !== undefined) break;
        }
        const messages = await source.take(left);
        generated += messages.length;
        await output.send(messages);
      }
    } catch (err) {
      error = err;
      stopper.stop("error");
    } finally {
      if (timer) clearTimeout(timer);
      await source.close().catch((err: unknown) => deps.logger.warn({ err }, "closing the generator failed"));
    }
    return finish(output, started, cpuStarted, generated, stopper.reason ?? "count", error);
  };

  const done = loop();
  return {
    done,
    stop: (reason = "signal") => stopper.stop(reason),
    snapshot: () => ({ generated, elapsedMs: performance.now() - started, ...output.stats() }),
  };
}

/**
 * Console producer: every stdin line (without its newline; blank lines skipped) is one message with a null key.
 * Lines are sent in batches of whatever has arrived, and each batch is acknowledged before the next is sent, so
 * the order on the partition is the order of the lines.
 */
export function createStdinRun(
  settings: Pick<RunSettings, "partition" | "batchSize">,
  deps: StdinRunDeps,
): Run {
  const stopper = createStopper();
  const started = performance.now();
  const cpuStarted = cpuNow();
  const { output, input } = deps;
  let generated = 0;
  const pending: string[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const highWater = settings.batchSize * 20;

  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  rl.on("line", (line) => {
    if (line.trim() === "") return;
    pending.push(line);
    if (pending.length >= highWater) rl.pause();
    notify();
  });
  rl.on("close", () => {
    ended = true;
    notify();
  });
  stopper.signal.addEventListener("abort", () => notify(), { once: true });

  const loop = async (): Promise<RunResult> => {
    let error: unknown;
    try {
      for (;;) {
        if (pending.length === 0) {
          if (ended || stopper.reason !== undefined) break;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          continue;
        }
        // On stop we still send what was already read: those lines were accepted from the user.
        const lines = pending.splice(0, settings.batchSize);
        if (!ended && pending.length < highWater) rl.resume(); // resuming a closed reader throws (Node 24)
        const messages = lines.map((value) => {
          const m: OutgoingMessage = { key: null, value };
          if (settings.partition !== undefined) m.partition = settings.partition;
          return m;
        });
        generated += messages.length;
        await output.send(messages);
        await output.flush();
      }
    } catch (err) {
      error = err;
      stopper.stop("error");
    } finally {
      rl.close();
    }
    return finish(output, started, cpuStarted, generated, stopper.reason ?? "eof", error);
  };

  const done = loop();
  return {
    done,
    stop: (reason = "signal") => {
      stopper.stop(reason);
      rl.close();
    },
    snapshot: () => ({ generated, elapsedMs: performance.now() - started, ...output.stats() }),
  };
}
