import type { Logger } from "@weblog/cli";
import type { SinkSettings } from "@weblog/sink-contract";
import type { Admin } from "kafkajs";
import { SinkError } from "./errors";
import { checkAssignment, commitMetadata, keySettingsOf, parseCommitMetadata } from "./key-fingerprint";

/**
 * Key-settings stamps on commits (README "Exactly once", key settings): every commit carries the key settings that
 * wrote the objects before it; `clean` only on the commits of a graceful stop, after which nothing more is
 * uploaded. On each join the assigned partitions' committed stamps are checked before anything is buffered, and
 * each partition's start offset is stamped (unclean) before this generation's first upload there.
 */
export interface Stamps {
  readonly running: string;
  readonly clean: string;
  /** The running stamp with planned cuts: end offsets past `offset` (README "Exactly once", rule 5). */
  planned(offset: bigint, ends: readonly bigint[]): string;
  /** A commit's partition entry with its stamp (kafkajs passes `metadata` on to OffsetCommit; its types omit it). */
  entry(partition: number, offset: bigint, metadata?: string): { partition: number; offset: string };
  /** The current generation's check of its assigned partitions' committed stamps; eachBatch awaits it. */
  readonly checked: Promise<void>;
  /** A new generation with partitions `mine` (keys "topic|partition"); a refusal goes to `fail`. */
  joined(mine: ReadonlySet<string>, fail: (err: Error) => void): void;
  /** Was `key`'s start offset stamped in this generation? */
  isStamped(key: string): boolean;
  markStamped(key: string): void;
  disconnect(): Promise<void> | undefined;
}

export function createStamps(opts: {
  admin: Admin;
  settings: SinkSettings;
  logger: Logger;
  /** Filled on each join with the assigned partitions' committed cuts ("topic|partition" -> at, ends). */
  plans?: Map<string, { at: bigint; ends: readonly bigint[] }>;
}): Stamps {
  const { admin, settings, logger } = opts;
  const keySettings = keySettingsOf(settings);
  const running = commitMetadata(keySettings, false);
  const clean = commitMetadata(keySettings, true);
  const stamped = new Set<string>();
  let adminConnected = false;
  let checked: Promise<void> = Promise.resolve();

  /** Refuses (KEY_SETTINGS_CHANGED, exit 2) partitions last committed uncleanly with other key settings. */
  const verify = async (mine: ReadonlySet<string>) => {
    if (mine.size === 0) return;
    if (!adminConnected) {
      await admin.connect();
      adminConnected = true;
    }
    const fetched = await admin.fetchOffsets({ groupId: settings.groupId, topics: settings.topics });
    const committed = fetched.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.topic,
        partition: p.partition,
        metadata: p.metadata,
        offset: p.offset,
      })),
    );
    for (const c of committed) {
      const key = `${c.topic}|${c.partition}`;
      const cuts = parseCommitMetadata(c.metadata)?.cuts;
      if (!mine.has(key) || !cuts || !/^\d+$/.test(c.offset)) continue;
      const at = BigInt(c.offset);
      opts.plans?.set(key, { at, ends: cuts.map((n) => at + BigInt(n)) });
    }
    const result = checkAssignment(keySettings, settings.groupId, mine, committed);
    if (result.refusal) throw new SinkError("KEY_SETTINGS_CHANGED", result.refusal);
    for (const c of result.changedAfterCleanStop)
      logger.info(
        c,
        "key settings changed after a graceful stop: accepted (nothing was uploaded past the commit)",
      );
  };

  return {
    running,
    clean,
    planned: (offset, ends) =>
      commitMetadata(
        keySettings,
        false,
        ends.map((e) => Number(e - offset)),
      ),
    entry: (partition, offset, metadata) => ({
      partition,
      offset: offset.toString(),
      metadata: metadata ?? running,
    }),
    get checked() {
      return checked;
    },
    joined(mine, fail) {
      stamped.clear();
      const check = verify(new Set(mine));
      check.catch((err: unknown) => fail(err instanceof Error ? err : new Error(String(err))));
      checked = check;
    },
    isStamped: (key) => stamped.has(key),
    markStamped: (key) => {
      stamped.add(key);
    },
    disconnect: () => (adminConnected ? admin.disconnect() : undefined),
  };
}
