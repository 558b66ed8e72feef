/**
 * Many files per snapshot, off the consuming path: every partition's uploaded data files wait here and go into the
 * table together, one snapshot at most every `intervalMs` (`iceberg.control.commit.interval-ms`), so a table gets
 * few snapshots however many partitions and cuts there are. Nobody consuming waits for a snapshot: a part is
 * queued and its submitter goes on reading; its promise settles once a snapshot holds it (or the table already
 * does), and the table store then has Kafka follow the table (table-store.ts).
 *
 * The order of a partition's parts is the order of its records, and the table's offset for a partition must never
 * pass records it does not hold. So, per partition (an *epoch* runs from one `reset` to the next: one contiguous
 * read of the partition):
 * - its queued parts go into one snapshot as one merged range (first start .. last end, every file), judged by the
 *   table as a whole (@weblog/iceberg judgeRange): all in, all already in, or stale (all dropped);
 * - once a part is dropped (its check failed, the table judged it stale), every later part of the epoch is dropped
 *   too (`quiet`: the first failure is the one reported) until `reset`, the partition's next read from the table;
 * - a part of an earlier epoch still queued (or back from a failed attempt) is dropped `superseded`: the
 *   partition is being read again from the table's offset and its records come again.
 * A retriable failure (catalog or S3 down, a commit conflict storm) keeps the parts queued and retries with backoff;
 * the table judges them again on every attempt.
 */
import type { CommitPart, CommitResult } from "@weblog/iceberg";
import { SinkError } from "../errors";

export type PartControl = {
  /** Throws when the part may no longer be committed (its partition given up, the sink stopping). */
  check(): Promise<void> | void;
  signal?: AbortSignal;
};

export type PartOutcome = "appended" | "already-in";

/** Why a part was dropped without being reported on its own: see the file comment. */
export type DropKind = "quiet" | "superseded";
export const dropKindOf = (err: unknown): DropKind | undefined =>
  (err as { dropKind?: DropKind } | null)?.dropKind;

export type GroupCommitOptions = {
  /** One snapshot of all the parts (the table's commitAppend), at most one part per topic-partition. */
  commit(parts: CommitPart[]): Promise<CommitResult>;
  intervalMs: number;
  /** True while stopping or when too much waits (`pendingFiles`): what is queued is committed without waiting. */
  hurry(pendingFiles: number): boolean;
  /** A retriable failure, before the next attempt (logged by the table store). */
  onRetry?(err: Error & { code?: string }, attempt: number, parts: number): void;
  /** The commit about to be sent merges two or more sets of one partition (the kill -9 point merged-table-commit). */
  beforeMerged?(): void;
  now?: () => number;
  /** Backoff after a failed attempt (default 200 ms doubling to 10 s). */
  backoffMs?: (attempt: number) => number;
};

type Entry = {
  part: CommitPart;
  key: string;
  epoch: number;
  control: PartControl;
  resolve(o: PartOutcome): void;
  reject(e: unknown): void;
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const keyOf = (p: { topic: string; partition: number }) => `${p.topic}|${p.partition}`;
const sameRange = (a: CommitPart, b: { topic: string; partition: number; end: number }) =>
  a.topic === b.topic && a.partition === b.partition && a.end === b.end;
const dropped = (kind: DropKind, message: string, cause?: unknown) =>
  Object.assign(new SinkError("FENCED", message, { cause }), { dropKind: kind });

export type GroupCommit = {
  /** Queues `part` (after the partition's earlier ones); resolves once the table holds its records. */
  submit(part: CommitPart, control: PartControl): Promise<PartOutcome>;
  /** The partition is read again from the table's offset: its queued parts are superseded, a new epoch starts. */
  reset(topic: string, partition: number): void;
  /** Until nothing is queued or being committed (the stop's drain; `hurry` should say true by then). */
  idle(): Promise<void>;
  /** Parts / data files waiting or being committed. */
  readonly pending: number;
  readonly pendingFiles: number;
  /** The last attempt's failure while it is being retried (null once a commit went through). */
  readonly failing: (Error & { code?: string }) | null;
};

export function createGroupCommit(opts: GroupCommitOptions): GroupCommit {
  const now = opts.now ?? Date.now;
  const backoff = opts.backoffMs ?? ((n: number) => Math.min(10_000, 200 * 2 ** (n - 1)));
  const queue: Entry[] = [];
  const epochs = new Map<string, number>();
  const broken = new Set<string>();
  let inFlight: Entry[] = [];
  let failing: (Error & { code?: string }) | null = null;
  let lastCommitAt = Number.NEGATIVE_INFINITY;
  let loop: Promise<void> | null = null;
  const epochOf = (key: string) => epochs.get(key) ?? 0;
  const filesOf = (entries: readonly Entry[]) => entries.reduce((n, e) => n + e.part.files.length, 0);
  const pendingFiles = () => filesOf(queue) + filesOf(inFlight);

  /** Drops `e` and, from now on, every later part of its epoch. */
  function breakWith(e: Entry, err: unknown) {
    broken.add(e.key);
    e.reject(err);
  }

  /** Waits out the interval since the last snapshot, in short steps so a stop or a backlog hurries it. */
  async function waitForInterval() {
    for (let i = 0; i < 100_000; i++) {
      const left = lastCommitAt + opts.intervalMs - now();
      if (left <= 0 || opts.hurry(pendingFiles())) return;
      await sleep(Math.min(left, 50));
    }
  }

  /** The queued entries still allowed to commit, grouped by partition in submission order. */
  async function take(): Promise<Map<string, Entry[]>> {
    const byKey = new Map<string, Entry[]>();
    for (const e of queue.splice(0)) {
      if (e.epoch !== epochOf(e.key)) {
        e.reject(dropped("superseded", `${e.key}: read again from the table`));
        continue;
      }
      if (broken.has(e.key)) {
        e.reject(dropped("quiet", `${e.key}: an earlier set was not committed, so this one is not either`));
        continue;
      }
      try {
        if (e.control.signal?.aborted)
          throw new SinkError("FENCED", "stopping: the table commit was abandoned");
        await e.control.check();
      } catch (err) {
        breakWith(e, err);
        continue;
      }
      const list = byKey.get(e.key) ?? [];
      list.push(e);
      byKey.set(e.key, list);
    }
    return byKey;
  }

  /** One part per partition: the first start, the last end, every file (the parts of an epoch are contiguous). */
  const merge = (entries: readonly Entry[]): CommitPart => {
    const first = entries[0] as Entry;
    const last = entries[entries.length - 1] as Entry;
    return { ...first.part, end: last.part.end, files: entries.flatMap((e) => e.part.files) };
  };

  async function attempt(byKey: Map<string, Entry[]>) {
    const merged = [...byKey.values()].map((entries) => ({ entries, part: merge(entries) }));
    if ([...byKey.values()].some((l) => l.length > 1)) opts.beforeMerged?.();
    const result = await opts.commit(merged.map((m) => m.part));
    lastCommitAt = now();
    failing = null;
    inFlight = []; // settled below
    for (const { entries, part } of merged) {
      if (result.stale.some((r) => sameRange(part, r))) {
        const at = result.offsets.get(part.topic)?.get(part.partition);
        const [head, ...rest] = entries as [Entry, ...Entry[]];
        breakWith(
          head,
          new SinkError(
            "FENCED",
            `${part.topic}/${part.partition}: the table holds offsets up to ${at} (another member wrote them): this part is not ours to commit`,
          ),
        );
        for (const e of rest) e.reject(dropped("quiet", `${e.key}: dropped with the stale part before it`));
        continue;
      }
      const outcome = result.alreadyIn.some((r) => sameRange(part, r)) ? "already-in" : "appended";
      for (const e of entries) e.resolve(outcome);
    }
  }

  async function run() {
    let attempts = 0;
    while (queue.length > 0) {
      await waitForInterval();
      const byKey = await take();
      inFlight = [...byKey.values()].flat();
      if (inFlight.length === 0) continue;
      try {
        await attempt(byKey);
        attempts = 0;
      } catch (err) {
        if (!(err as { retriable?: boolean }).retriable) {
          for (const e of inFlight) e.reject(err);
          continue;
        }
        attempts += 1;
        failing = err as Error;
        opts.onRetry?.(err as Error, attempts, inFlight.length);
        queue.unshift(...inFlight); // judged again (and epochs checked) on the next attempt
        inFlight = [];
        await sleep(backoff(attempts));
      } finally {
        inFlight = [];
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
        const key = keyOf(part);
        const entry = { part, key, epoch: epochOf(key), control, resolve, reject };
        if (broken.has(key)) {
          entry.reject(
            dropped("quiet", `${key}: an earlier set was not committed, so this one is not either`),
          );
          return;
        }
        queue.push(entry);
        kick();
      });
    },
    reset(topic, partition) {
      const key = keyOf({ topic, partition });
      epochs.set(key, epochOf(key) + 1);
      broken.delete(key);
    },
    async idle() {
      for (let i = 0; i < 1_000_000 && (loop || queue.length > 0); i++) await (loop ?? sleep(10));
    },
    get pending() {
      return queue.length + inFlight.length;
    },
    get pendingFiles() {
      return pendingFiles();
    },
    get failing() {
      return failing;
    },
  };
}
