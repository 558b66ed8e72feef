import type { Logger } from "@weblog/cli";

/**
 * What a retry loop says while it waits (issue 25): every failed attempt at debug level, and a warning at the first
 * failure and then at least once per `everyMs` (default one minute) while it keeps failing, naming what it waits
 * for, how many attempts and for how long. A retry loop that says nothing looks like a hung process.
 */
export type RetryLog = (err: { message: string; code?: string }, attempt: number) => void;

export function createRetryLog(opts: {
  logger: Logger;
  /** The warning's text: what is retried and what the loop waits for. */
  message: string;
  /** Fields on every line (topic, partition, request...). */
  fields?: Record<string, unknown>;
  everyMs?: number;
  now?: () => number;
}): RetryLog {
  const now = opts.now ?? Date.now;
  const everyMs = opts.everyMs ?? 60_000;
  let firstAt: number | null = null;
  let warnedAt: number | null = null;
  return (err, attempt) => {
    const t = now();
    firstAt ??= t;
    const line = {
      ...opts.fields,
      attempt,
      waitingMs: t - firstAt,
      ...(err.code ? { code: err.code } : {}),
      err: { message: err.message },
    };
    if (warnedAt === null || t - warnedAt >= everyMs) {
      warnedAt = t;
      opts.logger.warn(line, opts.message);
    } else opts.logger.debug(line, opts.message);
  };
}

/**
 * One retry log per thing that fails (`what`, e.g. "S3 upload", "Iceberg REST catalog request"), each with its own
 * once-a-minute warning, so a line names what the loop waits for even when that changes between attempts.
 */
export function createRetryLogs(
  opts: Omit<Parameters<typeof createRetryLog>[0], "message"> & {
    message: (what: string) => string;
    /** `what` for an error that names none. */
    fallback: string;
  },
): (err: { message: string; code?: string; what?: string }, attempt: number) => void {
  const logs = new Map<string, RetryLog>();
  return (err, attempt) => {
    const what = err.what ?? opts.fallback;
    let log = logs.get(what);
    if (!log) {
      log = createRetryLog({ ...opts, message: opts.message(what) });
      logs.set(what, log);
    }
    log(err, attempt);
  };
}
