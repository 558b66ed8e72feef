import type { Logger } from "@weblog/cli";
import { WEB_LOG_FIELDS } from "@weblog/log-schema";

/**
 * The sink's log of rejected records (sent to the DLQ): one warn line per record naming where it was
 * (topic/partition@offset) and why (the reason code, and for a schema failure the schema fields at fault), never its
 * contents, so a bad record that carries a secret does not copy it into the logs. A flood of bad records must not
 * flood the log: at most `burst` lines per `windowMs`, and the lines left out are counted and reported with the
 * next line that is written (and at close).
 */

export interface RateLimiter {
  /** One event at `nowMs`: may it be logged, and how many events were suppressed since the last allowed one. */
  take(nowMs: number): { allowed: boolean; suppressed: number };
  /** Suppressed events not reported yet (then reset to 0). */
  drain(): number;
}

/** A fixed-window limiter: up to `burst` events per `windowMs` window (windows start at the first event). Pure. */
export function createRateLimiter(opts: { burst: number; windowMs: number }): RateLimiter {
  let windowStart: number | null = null;
  let used = 0;
  let suppressed = 0;
  return {
    take(nowMs) {
      if (windowStart === null || nowMs - windowStart >= opts.windowMs) {
        windowStart = nowMs;
        used = 0;
      }
      if (used >= opts.burst) {
        suppressed += 1;
        return { allowed: false, suppressed: 0 };
      }
      used += 1;
      const reported = suppressed;
      suppressed = 0;
      return { allowed: true, suppressed: reported };
    },
    drain() {
      const n = suppressed;
      suppressed = 0;
      return n;
    },
  };
}

export interface Rejection {
  topic: string;
  partition: number;
  offset: string;
  /** The reason code (NOT_JSON, INVALID_FIELDS, NULL_VALUE, PARTITIONER...). */
  reason: string;
  /** Schema issues: only the names of schema fields are logged (an unknown field's name is the record's text). */
  issues?: { field: string; reason: string }[] | undefined;
  destination: "dlq";
}

export interface RejectionLog {
  rejected(r: Rejection): void;
  /** Reports the lines still suppressed (once). */
  close(): void;
}

const SCHEMA_FIELDS: ReadonlySet<string> = new Set(WEB_LOG_FIELDS);

function fieldsOf(issues: Rejection["issues"]): string {
  if (!issues || issues.length === 0) return "";
  const known = issues.filter((i) => SCHEMA_FIELDS.has(i.field)).map((i) => i.field);
  const unknown = issues.length - known.length;
  const parts = [...known];
  if (unknown > 0) parts.push(`${unknown} unknown field${unknown === 1 ? "" : "s"}`);
  return ` (${parts.join(", ")})`;
}

export function createRejectionLog(opts: {
  logger: Logger;
  /** Lines per window (default 20). */
  burst?: number;
  /** Window (default 10 s). */
  windowMs?: number;
  now?: () => number;
}): RejectionLog {
  const burst = opts.burst ?? 20;
  const windowMs = opts.windowMs ?? 10_000;
  const now = opts.now ?? Date.now;
  const limiter = createRateLimiter({ burst, windowMs });
  return {
    rejected(r) {
      const { allowed, suppressed } = limiter.take(now());
      if (!allowed) return;
      const where = `${r.topic}/${r.partition}@${r.offset}`;
      const more = suppressed > 0 ? ` (${suppressed} similar lines suppressed)` : "";
      opts.logger.warn(
        {
          topic: r.topic,
          partition: r.partition,
          offset: r.offset,
          reason: r.reason,
          ...(suppressed > 0 ? { suppressed } : {}),
        },
        `record rejected: ${where} ${r.reason}${fieldsOf(r.issues)}, sent to the dead-letter topic${more}`,
      );
    },
    close() {
      const n = limiter.drain();
      if (n > 0)
        opts.logger.warn(
          { suppressed: n },
          `${n} more rejected-record lines suppressed (rate limit ${burst} per ${windowMs} ms)`,
        );
    },
  };
}
