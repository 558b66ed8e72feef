/**
 * Many files per snapshot: every partition's uploaded data files wait here and go into the table together, one
 * snapshot at most every `intervalMs` (`iceberg.control.commit.interval-ms`), so a table gets few snapshots however
 * many partitions and cuts there are. A part is settled when the snapshot holding it is committed (or the table
 * already holds it); only then does its upload resolve and the committer commit its Kafka offset: Kafka follows
 * the table. A retriable failure (catalog or S3 down, a commit conflict storm) keeps the parts queued and retries
 * with backoff; the table's offsets judge them again on every attempt (@weblog/iceberg judgeRange).
 */
import type { CommitPart, CommitResult } from "@weblog/iceberg";
import { SinkError } from "../errors";

export type PartControl = {
  /** Throws when the part may no longer be committed (its partition given up, the sink stopping). */
  check(): Promise<void> | void;
  /** A retriable failure, before the next attempt (the sink pauses the partition and logs). */
  onRetry(err: Error & { code?: string }, attempt: number): Promise<void> | void;
  signal?: AbortSignal;
};

export type PartOutcome = "appended" | "already-in";

export type GroupCommitOptions = {
  /** One snapshot of all the parts (the table's commitAppend). */
  commit(parts: CommitPart[]): Promise<CommitResult>;
  intervalMs: number;
  /** True while stopping: what is queued is committed without waiting for the interval. */
  hurry(): boolean;
  now?: () => number;
  /** Backoff after a failed attempt (default 200 ms doubling to 10 s). */
  backoffMs?: (attempt: number) => number;
};

type Entry = {
  part: CommitPart;
  control: PartControl;
  resolve(o: PartOutcome): void;
  reject(e: unknown): void;
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const sameRange = (a: CommitPart, b: { topic: string; partition: number; end: number }) =>
  a.topic === b.topic && a.partition === b.partition && a.end === b.end;

export type GroupCommit = {
  /** Queues `part`; resolves once the table holds its records. Rejects FENCED when the table says another wrote it. */
  submit(part: CommitPart, control: PartControl): Promise<PartOutcome>;
  /** Parts waiting or being committed. */
  readonly pending: number;
};

export function createGroupCommit(opts: GroupCommitOptions): GroupCommit {
  const now = opts.now ?? Date.now;
  const backoff = opts.backoffMs ?? ((n: number) => Math.min(10_000, 200 * 2 ** (n - 1)));
  const queue: Entry[] = [];
  let inFlight = 0;
  let lastCommitAt = Number.NEGATIVE_INFINITY;
  let loop: Promise<void> | null = null;

  /** Waits out the interval since the last snapshot, in short steps so a stop hurries it. */
  async function waitForInterval() {
    for (let i = 0; i < 10_000; i++) {
      const left = lastCommitAt + opts.intervalMs - now();
      if (left <= 0 || opts.hurry()) return;
      await sleep(Math.min(left, 100));
    }
  }

  /** The entries still allowed to commit (a failed check or an aborted signal rejects the entry). */
  async function live(entries: Entry[]): Promise<Entry[]> {
    const ok: Entry[] = [];
    for (const e of entries) {
      try {
        if (e.control.signal?.aborted)
          throw new SinkError("FENCED", "stopping: the table commit was abandoned");
        await e.control.check();
        ok.push(e);
      } catch (err) {
        e.reject(err);
      }
    }
    return ok;
  }

  async function run() {
    let attempt = 0;
    while (queue.length > 0) {
      await waitForInterval();
      const batch = await live(queue.splice(0));
      if (batch.length === 0) continue;
      inFlight = batch.length;
      try {
        const result = await opts.commit(batch.map((e) => e.part));
        lastCommitAt = now();
        attempt = 0;
        for (const e of batch) {
          const stale = result.stale.find((r) => sameRange(e.part, r));
          if (stale) {
            const at = result.offsets.get(e.part.topic)?.get(e.part.partition);
            e.reject(
              new SinkError(
                "FENCED",
                `${e.part.topic}/${e.part.partition}: the table holds offsets up to ${at} (another member wrote them): this part is not ours to commit`,
              ),
            );
          } else e.resolve(result.alreadyIn.some((r) => sameRange(e.part, r)) ? "already-in" : "appended");
        }
      } catch (err) {
        if (!(err as { retriable?: boolean }).retriable) {
          for (const e of batch) e.reject(err);
          continue;
        }
        attempt += 1;
        for (const e of batch) await e.control.onRetry(err as Error, attempt);
        queue.unshift(...batch);
        await sleep(backoff(attempt));
      } finally {
        inFlight = 0;
      }
    }
  }

  function kick() {
    if (loop) return;
    loop = run().finally(() => {
      loop = null;
      if (queue.length > 0) kick();
    });
  }

  return {
    submit(part, control) {
      return new Promise<PartOutcome>((resolve, reject) => {
        queue.push({ part, control, resolve, reject });
        kick();
      });
    },
    get pending() {
      return queue.length + inFlight;
    },
  };
}
