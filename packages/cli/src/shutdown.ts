import type { Logger } from "./logger";

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

export interface ShutdownOptions {
  logger?: Logger;
  /** Defaults to process.exit (tests inject a fake). */
  exit?: (code: number) => void;
  /** Defaults to process (tests may pass an EventEmitter). */
  target?: {
    on(event: string, fn: (signal: NodeJS.Signals) => void): unknown;
    off(event: string, fn: (signal: NodeJS.Signals) => void): unknown;
  };
  /**
   * The same signal again within this many ms of the first is the same press, not a second one (default 1000).
   * A Ctrl-C under `pnpm start` reaches the app twice: the terminal signals its whole process group (pnpm and the
   * app), and pnpm forwards its copy to the app a moment later.
   */
  repeatWindowMs?: number;
  /** Clock for the repeat window (tests). */
  now?: () => number;
}

/**
 * First SIGINT/SIGTERM: calls `handler(signal)` once (stop generating, drain, print the summary; the app then exits
 * normally, usually 0). A second signal exits at once with 130 (the same signal within `repeatWindowMs` of the first
 * is taken as the same press). A handler that throws is logged (or printed) and the
 * process exits 1. Returns a function that removes the listeners.
 */
export function onShutdown(handler: (signal: string) => unknown, opts: ShutdownOptions = {}): () => void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const target = opts.target ?? process;
  const now = opts.now ?? Date.now;
  const window = opts.repeatWindowMs ?? 1000;
  let stopping = false;
  let first: { signal: NodeJS.Signals; at: number } | null = null;
  const listener = (signal: NodeJS.Signals) => {
    if (stopping) {
      if (first && first.signal === signal && now() - first.at < window) return; // the same press, twice delivered
      if (opts.logger) opts.logger.warn({ signal }, "second signal, exiting now");
      else process.stderr.write(`${signal} again: exiting now\n`);
      exit(130);
      return;
    }
    stopping = true;
    first = { signal, at: now() };
    opts.logger?.info({ signal }, "stopping gracefully (send the signal again to exit at once)");
    Promise.resolve()
      .then(() => handler(signal))
      .catch((err: unknown) => {
        if (opts.logger) opts.logger.error({ err, signal }, "graceful shutdown failed");
        else
          process.stderr.write(
            `graceful shutdown failed: ${err instanceof Error ? err.message : String(err)}\n`,
          );
        exit(1);
      });
  };
  for (const s of SIGNALS) target.on(s, listener);
  return () => {
    for (const s of SIGNALS) target.off(s, listener);
  };
}
