/**
 * What the sink does when the table decides (README "Exactly once through an Iceberg table"):
 * - `follow`: a snapshot holds some parts: their records count as written, and Kafka's commit follows the table for
 *   each partition this member still holds in the generation it read them in: one OffsetCommit of the moment's
 *   generation, with no retry, as outside.ts's (refused or failed, the next snapshot's commit or the table itself,
 *   on the next assignment, covers it). During a stop it carries the clean stamp (nothing is written past it).
 * - `reread`: the table dropped a part (stale: another member wrote those offsets; or its partition given up): the
 *   partition's buffer is dropped and read again; the next batch asks the table where to resume (batch.ts).
 */
import type { Logger } from "@weblog/cli";
import type { CommitPart } from "@weblog/iceberg";
import type { EachBatchPayload } from "kafkajs";
import type { Committer } from "../committer";
import type { GroupFence } from "../group";
import { type PartitionState, Partitions } from "../partitions";
import type { Lifecycle } from "../shutdown";
import type { Stamps } from "../stamps";
import type { SinkStats } from "../types";

export type TableFollowerDeps = {
  parts: Partitions;
  fence: GroupFence;
  life: Pick<Lifecycle, "stopping">;
  stamps: Pick<Stamps, "clean" | "entry">;
  stats: Pick<SinkStats, "recordsWritten" | "commits">;
  committer: Pick<Committer, "quiesce">;
  seeker: { seek(st: PartitionState, offset: bigint): void };
  logger: Logger;
  /** eachBatch's commitOffsetsIfNecessary (null before the first batch). */
  directCommit(): EachBatchPayload["commitOffsetsIfNecessary"] | null;
};

export function createTableFollower(d: TableFollowerDeps) {
  const { parts, fence, life, stats, logger } = d;
  const why = (err: unknown) => ({ message: (err as Error).message });

  return {
    async follow(held: readonly CommitPart[], appended: boolean): Promise<void> {
      if (appended) for (const p of held) for (const f of p.files) stats.recordsWritten += f.recordCount;
      for (const p of held) {
        const st = parts.states.get(Partitions.keyOf(p.topic, p.partition));
        const direct = d.directCommit();
        if (!st || !direct || !parts.isCurrent(st) || !fence.mayWrite(st.generation)) continue;
        const end = BigInt(p.end);
        try {
          const metadata = life.stopping ? d.stamps.clean : undefined;
          await direct({
            topics: [{ topic: p.topic, partitions: [d.stamps.entry(p.partition, end, metadata)] }],
          });
          stats.commits += 1;
          if (st.committed !== null && st.committed < end && parts.isCurrent(st)) st.committed = end;
        } catch (err) {
          logger.debug({ err: why(err), partition: st.key }, "Kafka commit after the table deferred");
        }
      }
    },

    reread(topic: string, partition: number): void {
      const st = parts.states.get(Partitions.keyOf(topic, partition));
      if (!st || life.stopping) return;
      const gen = st.generation;
      void st.lock
        .run(async () => {
          await d.committer.quiesce(st);
          if (!parts.isCurrent(st) || st.generation !== gen || !fence.mayWrite(gen) || life.stopping) return;
          const from = st.committed;
          parts.drop(st);
          if (from !== null) d.seeker.seek(st, from);
        })
        .catch((err: unknown) => logger.debug({ err: why(err), partition: st.key }, "re-read deferred"));
    },
  };
}
