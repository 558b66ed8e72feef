import type { Logger } from "@weblog/cli";
import { SinkError } from "./errors";
import { sleep } from "./lock";

/**
 * The sink's lifecycle: stopping (graceful, within a budget) and failing (a fatal error stops it the same way, but
 * uploads nothing more). A graceful stop: stop fetching, let running batches end (each uploads and commits what
 * it holds), then drain the idle partitions (upload, commit with the clean stamp) while still a group member,
 * then leave. Whatever the budget does not allow is read again on the next start (README "Exactly once").
 */
export interface ShutdownSteps {
  /** Stop the timer and pause fetching (synchronous, first). */
  halt(): void;
  /** Upload and commit what idle partitions buffer (skipped after a fatal error). */
  drain(): Promise<void>;
  /** Leave the group and close the clients, each bounded. */
  close(): Promise<void>;
}

export interface Lifecycle {
  readonly stopping: boolean;
  readonly fatal: Error | null;
  /** True when no more records may be processed (stopping or failed). */
  readonly halted: boolean;
  /** Aborted when the stop budget runs out: every upload still retrying gives up. */
  readonly stopSignal: AbortSignal;
  /** Counts eachBatch calls in progress (the stop waits for them). */
  batchStarted(): void;
  batchEnded(): void;
  fail(err: Error): void;
  stop(): Promise<void>;
  /** Resolves once stopped (either way). */
  readonly done: Promise<void>;
}

export function createLifecycle(opts: {
  logger: Logger;
  steps: ShutdownSteps;
  stopTimeoutMs?: number;
  now?: () => number;
}): Lifecycle {
  const { logger, steps } = opts;
  const now = opts.now ?? Date.now;
  const stopAbort = new AbortController();
  let stopping = false;
  let fatal: Error | null = null;
  let activeBatches = 0;
  /** Resolved when the last batch in progress ends (set while the stop waits for them). */
  let batchesEnded: (() => void) | null = null;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  let stopped: Promise<void> | null = null;

  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      steps.halt();
      const deadline = now() + (opts.stopTimeoutMs ?? 8000);
      // Bounded by the stop budget: each batch in progress ends by itself (it sees `stopping`).
      if (activeBatches > 0) {
        const ended = new Promise<void>((resolve) => {
          batchesEnded = resolve;
        });
        await raceBudget(ended, deadline - now());
      }
      if (activeBatches > 0) stopAbort.abort();
      if (!fatal) {
        const drain = steps.drain().catch((err: unknown) => {
          // A failure for good (a dead letter the broker refuses, S3 access gone) ends the stop as that error.
          if (err instanceof SinkError && err.code !== "FENCED") return fail(err);
          logger.warn(
            { err: { message: (err as Error).message } },
            "could not upload everything buffered at stop; it will be read again on the next start",
          );
        });
        if (!(await raceBudget(drain, deadline - now()))) {
          stopAbort.abort();
          logger.warn("stop timed out; what was not uploaded will be read again on the next start");
        }
      }
      await steps.close();
      resolveDone();
    })();
    return stopped;
  };

  function fail(err: Error): void {
    if (fatal) return;
    fatal = err;
    logger.error(
      { err: { message: err.message, code: (err as { code?: string }).code } },
      "sink stopping on a fatal error",
    );
    void stop();
  }

  return {
    get stopping() {
      return stopping;
    },
    get fatal() {
      return fatal;
    },
    get halted() {
      return stopping || fatal !== null;
    },
    stopSignal: stopAbort.signal,
    batchStarted() {
      activeBatches += 1;
    },
    batchEnded() {
      activeBatches -= 1;
      if (activeBatches === 0) batchesEnded?.();
    },
    fail,
    stop,
    done,
  };
}

/** True when `p` settled within `ms`, false when the budget ran out first (its timer is cleared either way). */
async function raceBudget(p: Promise<unknown>, ms: number): Promise<boolean> {
  const cancel = new AbortController();
  let settled = false;
  const mark = () => {
    settled = true;
  };
  const done = p.then(mark, mark);
  await Promise.race([done, sleep(Math.max(0, ms), cancel.signal)]);
  cancel.abort();
  return settled;
}

/** Resolves when `p` settles or after `ms`, whichever is first (errors ignored): a bounded close. */
export const within = (p: Promise<unknown> | undefined, ms: number): Promise<boolean> =>
  raceBudget(p ?? Promise.resolve(), ms);
