import { SinkError } from "./errors";

/**
 * Group membership as the sink sees it: the generation it is in and whether a rebalance is under way. One question
 * matters to every writer: "may I still write (upload, commit) for the partition I took in generation `gen`?"
 * (README "Exactly once", rule 4). kafkajs fences writes inside eachBatch itself (it re-joins only after every
 * eachBatch returned); writes outside it (wall-clock timer, stop) ask this fence, and their uploads are aborted on
 * the next rebalance, join or crash.
 */
export interface GroupFence {
  readonly generation: number;
  readonly rebalancing: boolean;
  /** A rebalance (or a consumer crash) began: no write outside eachBatch until the next join. */
  beginRebalance(): void;
  /** The member (re)joined: a new generation, returned. */
  joined(): number;
  /**
   * Inside eachBatch (kafkajs holds the re-join until it returns): is generation `gen` still the current one?
   * A batch that sees it end stops processing and leaves its buffer to the re-read.
   */
  isCurrent(gen: number): boolean;
  /** Outside eachBatch (timer, stop): true while generation `gen` holds and no rebalance is under way. */
  mayWrite(gen: number): boolean;
  /** Throws SinkError FENCED (with `reason`) unless `mayWrite(gen)`. */
  assertMayWrite(gen: number, reason: string): void;
  /** An upload outside eachBatch: its signal is aborted on the next rebalance or join; `release` when done. */
  outsideUpload(): { signal: AbortSignal; release(): void };
}

export function createGroupFence(): GroupFence {
  let generation = 0;
  let rebalancing = false;
  const outside = new Set<AbortController>();
  const abortOutside = () => {
    for (const c of outside) c.abort();
  };
  const mayWrite = (gen: number) => !rebalancing && generation === gen;
  return {
    get generation() {
      return generation;
    },
    get rebalancing() {
      return rebalancing;
    },
    beginRebalance() {
      rebalancing = true;
      abortOutside();
    },
    joined() {
      generation += 1;
      rebalancing = false;
      abortOutside();
      return generation;
    },
    isCurrent: (gen) => generation === gen,
    mayWrite,
    assertMayWrite(gen, reason) {
      if (!mayWrite(gen)) throw new SinkError("FENCED", reason);
    },
    outsideUpload() {
      const abort = new AbortController();
      outside.add(abort);
      return { signal: abort.signal, release: () => outside.delete(abort) };
    },
  };
}

/** Errors after which kafkajs re-joins the group (the batch is abandoned; GROUP_JOIN drops the buffers). */
export function isRebalanceError(err: unknown): boolean {
  const type = (err as { type?: string } | null)?.type;
  const name = (err as { name?: string } | null)?.name;
  return (
    type === "REBALANCE_IN_PROGRESS" ||
    type === "ILLEGAL_GENERATION" ||
    type === "UNKNOWN_MEMBER_ID" ||
    type === "NOT_COORDINATOR_FOR_GROUP" ||
    // Not GROUP_COORDINATOR_NOT_AVAILABLE: kafkajs does not re-join on it, it fetches on from the resolved offset,
    // so treating it as a rebalance would drop the buffer without a re-read. It takes the "anything else" path
    // (drop the buffer, seek to the committed offset), and a commit retries it.
    name === "KafkaJSFetcherRebalanceError"
  );
}

/**
 * Crash-restart policy. kafkajs restarts itself after retriable crashes; some group errors it deems final are not
 * final for a sink: restart up to `max` times within `windowMs` (waiting `baseDelayMs` x attempt), then give up.
 */
export function createRestartPolicy(opts: { max?: number; windowMs?: number; baseDelayMs?: number } = {}) {
  const max = opts.max ?? 5;
  const windowMs = opts.windowMs ?? 60_000;
  const baseDelayMs = opts.baseDelayMs ?? 1000;
  let restarts: number[] = [];
  return {
    /** A final crash at `nowMs`: restart after `delayMs` (attempt n of the window), or give up. */
    next(nowMs: number): { giveUp: true; max: number } | { giveUp: false; attempt: number; delayMs: number } {
      restarts = restarts.filter((at) => nowMs - at < windowMs);
      if (restarts.length >= max) return { giveUp: true, max };
      restarts.push(nowMs);
      return { giveUp: false, attempt: restarts.length, delayMs: baseDelayMs * restarts.length };
    },
  };
}
