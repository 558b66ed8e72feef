import type { Logger } from "@weblog/cli";
import type { SinkSettings } from "@weblog/sink-contract";
import type { EachBatchPayload } from "kafkajs";
import type { CommitFn, Committer, FlushVia } from "./committer";
import type { Dlq } from "./dlq";
import { SinkError } from "./errors";
import type { GroupFence } from "./group";
import type { PartitionState, Partitions } from "./partitions";
import type { Rotation } from "./rotation";
import type { Lifecycle } from "./shutdown";
import type { Stamps } from "./stamps";

/**
 * Writes outside eachBatch: the wall-clock timer (rotate.schedule.interval.ms on idle partitions, the skipped tail)
 * and the stop's drain. kafkajs does not fence them, so each asks the group fence (group.ts) before every upload
 * attempt and before its commit, and its upload is aborted by the next rebalance.
 */
export interface OutsideDeps {
  settings: SinkSettings;
  logger: Logger;
  now: () => number;
  life: Lifecycle;
  fence: GroupFence;
  parts: Partitions;
  committer: Committer;
  rotation: Rotation;
  dlq: Dlq | null;
  stamps: Stamps;
  seeker: { seek(st: PartitionState, offset: bigint): void };
  /** eachBatch's commitOffsetsIfNecessary (one OffsetCommit, current generation, no retry), null before the first. */
  directCommit(): EachBatchPayload["commitOffsetsIfNecessary"] | null;
  /**
   * False for a destination that makes sets final itself (a table): `committed` is then the table's offset as last
   * followed, not past every uploaded set, so a processed tail is no sign of skipped records and Kafka must not be
   * committed past the table (README "Exactly once through an Iceberg table", rule 5).
   */
  commitsSkippedTails: boolean;
}

export function createOutsideWriter(d: OutsideDeps) {
  const { fence, parts, committer, life, logger } = d;
  const why = (err: unknown) => ({ message: (err as Error).message });

  /**
   * A commit from outside eachBatch goes through eachBatch's commit function, which sends one OffsetCommit with the
   * group generation of the moment, with no kafkajs retry (a retry could land in a later generation). Refused while
   * a rebalance is under way or once the generation `gen` is over; a member whose generation ended gets
   * ILLEGAL_GENERATION / REBALANCE_IN_PROGRESS from the broker.
   */
  const guardedCommit =
    (gen: number): CommitFn =>
    async (topic, partition, offset, metadata) => {
      const direct = d.directCommit();
      if (!direct) throw new SinkError("FENCED", "generation over: commit left to the new owner");
      fence.assertMayWrite(gen, "generation over: commit left to the new owner");
      await direct({ topics: [{ topic, partitions: [d.stamps.entry(partition, offset, metadata)] }] });
    };

  /** A FlushVia whose upload is abortable by the next rebalance and checked against generation `gen`. */
  const outsideVia = (gen: number, fencedReason: string, via: Omit<FlushVia, "check" | "signal">) => {
    const upload = fence.outsideUpload();
    const full: FlushVia = {
      ...via,
      signal: upload.signal,
      check: () => {
        if (upload.signal.aborted) throw new SinkError("FENCED", fencedReason);
        fence.assertMayWrite(gen, fencedReason);
      },
    };
    return { via: full, release: upload.release };
  };

  /**
   * Nothing buffered, but records past the committed offset were processed without an object (sent to the DLQ,
   * ignored tombstones): a partition whose last records are bad. No upload will ever carry their offset, so commit
   * it here, or the group lag never reaches 0 and every restart sends them to the DLQ again.
   */
  const hasSkippedTail = (st: PartitionState) =>
    d.commitsSkippedTails &&
    st.buffer.isEmpty &&
    st.buffer.nextOffset !== null &&
    st.committed !== null &&
    st.buffer.nextOffset > st.committed;

  /** May the timer still write `st` for generation `gen`? */
  const timerMay = (st: PartitionState, gen: number) =>
    fence.mayWrite(gen) &&
    !life.stopping &&
    st.generation === gen &&
    st.pendingCommit === null &&
    st.replay.length === 0; // planned cuts are replayed by the records alone (README "Exactly once", rule 5)

  const commitSkippedTail = (st: PartitionState) =>
    st.lock
      .run(async () => {
        const gen = fence.generation;
        if (!timerMay(st, gen) || !hasSkippedTail(st) || st.buffer.nextOffset === null) return;
        const offset = st.buffer.nextOffset;
        if (d.dlq) await d.dlq.flush(); // the skipped records' letters are acknowledged before their offset is committed
        await committer.commit(st, offset, guardedCommit(gen));
      })
      .catch((err: unknown) => {
        // A dead letter the broker refuses for good: the sink stops on it (nothing committed past it).
        if (err instanceof SinkError && err.code === "DLQ_REFUSED") return life.fail(err);
        // Refused (rebalance) or failed: tried again on a later tick, or re-read after a rejoin.
        logger.debug({ err: why(err), partition: st.key }, "skipped-tail commit deferred");
      });

  /** Timer path: upload, then a guarded commit (if refused, the next eachBatch of this generation or stop() commits). */
  const flushIdle = (st: PartitionState) =>
    st.lock
      .run(async () => {
        const gen = fence.generation;
        if (!timerMay(st, gen)) return;
        const reason = d.rotation.shouldCut(st.buffer, d.now());
        if (!reason) return;
        const { via, release } = outsideVia(gen, "rebalance: timer upload abandoned", {
          commit: guardedCommit(gen),
          deferred: { mayCommit: () => fence.mayWrite(gen) },
        });
        try {
          await committer.flush(st, reason, via);
        } finally {
          release();
        }
      })
      .catch((err: unknown) => {
        const fatal = ["S3_FATAL", "TABLE_FATAL", "DLQ_REFUSED"];
        if (err instanceof SinkError && fatal.includes(err.code)) return life.fail(err);
        // Fenced or failed: the records are re-read from the committed offset after the rejoin / seek.
        logger.debug({ err: why(err), partition: st.key }, "timer upload abandoned");
        if (fence.mayWrite(st.generation) && st.committed !== null) {
          const from = st.committed;
          parts.drop(st);
          d.seeker.seek(st, from);
        }
      });

  return {
    /** The wall-clock tick: idle partitions past rotate.schedule.interval.ms are cut, skipped tails committed. */
    tick() {
      if (life.halted || fence.rebalancing) return;
      const t = d.now();
      for (const st of parts.states.values()) {
        if (st.lock.isHeld || st.pendingCommit !== null) continue;
        if (hasSkippedTail(st)) void commitSkippedTail(st);
        if (d.rotation.shouldCut(st.buffer, t)) void flushIdle(st);
      }
    },

    /** At stop: upload partitions still holding records (idle ones), then commit, while still a group member. */
    async drain() {
      if (d.dlq) await d.dlq.flush();
      const gen = fence.generation;
      const commit = guardedCommit(gen);
      await Promise.all(
        [...parts.states.values()].map((st) =>
          st.lock.run(async () => {
            if (!fence.mayWrite(gen) || st.generation !== gen) return;
            // Mid-replay the buffer may only be cut at a planned cut: leave the commit and its cuts as they are (an
            // unclean stamp; the next start replays them).
            if (st.replay.length > 0) return;
            // The last commit of a graceful stop says so (clean stamp): nothing is uploaded past it, so the key
            // settings may change before the next start. Sent even when nothing was left to upload.
            const { via, release } = outsideVia(gen, "rebalance during stop", {
              commit,
              metadata: d.stamps.clean,
              restampWhenEmpty: true,
            });
            try {
              await committer.flush(st, "shutdown", via);
            } finally {
              release();
            }
          }),
        ),
      );
    },
  };
}
