/**
 * The table destination: where the objects destination PUTs a sealed set as objects (object-writer.ts) and the
 * committer then commits the Kafka offset, this one uploads the set's records as Parquet data files of an Apache
 * Iceberg table and queues them for the next snapshot (group-commit.ts); its `upload` returns once the files are on
 * S3 and queued, so consuming never waits for a snapshot. The snapshot carries the group's offsets
 * (@weblog/iceberg) and is what makes records final: the committer makes no Kafka commit for a table
 * (`ownsOffsets`); after each snapshot this store has Kafka follow the table (`follow`), for lag and tooling. On
 * (re)starting a partition the sink resumes from the table's offset (`resumeAt`), and a part the table already
 * holds is not written twice (README "Exactly once through an Iceberg table").
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { Logger } from "@weblog/cli";
import { isWeblogError } from "@weblog/errors";
import {
  type CommitPart,
  createRestCatalog,
  type DataFile,
  openWebLogTable,
  type PartitionBy,
  type WebLogTable,
} from "@weblog/iceberg";
import type { SinkSettings } from "@weblog/sink-contract";
import type { ObjectStore } from "../committer";
import type { CrashHook } from "../crash-hook";
import { SinkError } from "../errors";
import type { UploadControl } from "../object-writer";
import type { FlushSet } from "../partition-buffer";
import { createRetryLogs } from "../retry-log";
import { tableFatalOr, whatFailed } from "./failure";
import { createGroupCommit, dropKindOf } from "./group-commit";

export type TableStore = ObjectStore & {
  ownsOffsets: true;
  /** The table's next offset for a partition of the group (null: none); its reading starts a new epoch here. */
  resumeAt(topic: string, partition: number): Promise<bigint | null>;
  /** Until every queued part is in a snapshot (or dropped) and Kafka followed (the stop's drain). */
  drain(): Promise<void>;
};

export type TableStoreOptions = {
  settings: Pick<
    SinkSettings,
    | "groupId"
    | "icebergTable"
    | "icebergCatalogUri"
    | "icebergCatalogToken"
    | "icebergCatalogCredential"
    | "icebergOauth2ServerUri"
    | "icebergCatalogScope"
    | "icebergCommitIntervalMs"
    | "icebergPartitionBy"
    | "parquetCodec"
  >;
  client: S3Client;
  endpoint?: string | undefined;
  logger: Logger;
  crash: CrashHook;
  /** True while the sink stops: queued parts are committed at once. */
  isStopping(): boolean;
  /**
   * A snapshot holds `parts` (appended now, or already in): Kafka's commit follows the table (index.ts commits each
   * partition's `end` if this member still holds it). Its promise is awaited by `drain`.
   */
  follow(parts: readonly CommitPart[], appended: boolean): Promise<void>;
  /** A part was dropped (stale, or its partition given up): the partition is read again from the table. */
  onDropped(topic: string, partition: number, err: unknown): void;
  /** A failure retrying cannot fix (TABLE_FATAL): the sink stops. */
  fail(err: Error): void;
  /** Data files queued for a snapshot over which a snapshot is made without waiting out the interval (500). */
  hurryFiles?: number;
  /** ... and over which an upload waits for room, its partition paused (2000). */
  maxPendingFiles?: number;
};

const PARTITION_BY: Record<SinkSettings["icebergPartitionBy"], PartitionBy> = {
  "day(timestamp)": "day",
  "hour(timestamp)": "hour",
  none: "none",
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** An error for UploadControl.onRetry saying what failed (the committer's retry log names it). */
const retryCause = (err: { message: string; code?: string }, what: string) =>
  ({ message: err.message, code: err.code, what }) as unknown as Parameters<UploadControl["onRetry"]>[0];

export function createTableStore(opts: TableStoreOptions): TableStore {
  const { settings, logger, crash } = opts;
  const group = settings.groupId;
  const hurryFiles = opts.hurryFiles ?? 500;
  const maxPendingFiles = opts.maxPendingFiles ?? 2000;
  let opened: Promise<WebLogTable> | null = null;
  /** The table, opened (created on first use) once; a failed open is tried again on the next call. */
  const table = () => {
    opened ??= openWebLogTable({
      catalog: createRestCatalog({
        uri: settings.icebergCatalogUri,
        token: settings.icebergCatalogToken,
        credential: settings.icebergCatalogCredential,
        oauth2ServerUri: settings.icebergOauth2ServerUri,
        scope: settings.icebergCatalogScope,
      }),
      table: settings.icebergTable,
      storage: { client: opts.client, endpoint: opts.endpoint },
      partitionBy: PARTITION_BY[settings.icebergPartitionBy],
      codec: settings.parquetCodec,
    }).catch((err: unknown) => {
      opened = null;
      throw tableFatalOr(err);
    });
    return opened;
  };
  const follows = new Set<Promise<void>>();
  const following = (p: Promise<void>) => {
    follows.add(p);
    void p.finally(() => follows.delete(p));
  };
  // What the committing loop waits for, first failure then once a minute: the catalog, S3 or a conflict storm.
  const commitLog = createRetryLogs({
    logger,
    fallback: "S3",
    message: (what) =>
      `table snapshot commit failed (${what}); the uploaded data files wait, retrying with backoff`,
  });

  const commits = createGroupCommit({
    intervalMs: settings.icebergCommitIntervalMs,
    hurry: (files) => opts.isStopping() || files >= hurryFiles,
    beforeMerged: () => crash("merged-table-commit"),
    onRetry(err, attempt, parts) {
      commitLog({ message: err.message, code: err.code, what: whatFailed(err) }, attempt);
      logger.debug({ parts, files: commits.pendingFiles }, "parts waiting for a table snapshot");
    },
    commit: async (parts) => {
      const t = await table();
      const result = await t.commitAppend(group, parts, {
        beforeCommitRequest: () => crash("before-table-commit"),
        // the request is on its way, its answer not awaited: whether the catalog applied it is the catalog's
        commitRequestSent: () => setImmediate(() => crash("during-table-commit")),
        afterCommitResponse: () => crash("after-table-commit"),
      });
      if (result.snapshotId) {
        const files = parts.reduce((n, p) => n + p.files.length, 0);
        logger.debug(
          { snapshot: result.snapshotId, parts: parts.length, files, attempts: result.attempts },
          "table snapshot committed",
        );
      }
      if (result.alreadyIn.length > 0 || result.stale.length > 0) {
        logger.info(
          { alreadyIn: result.alreadyIn, stale: result.stale },
          "table already holds these offsets: their files are not committed (orphans)",
        );
      }
      const held = (list: readonly { topic: string; partition: number; end: number }[]) =>
        parts.filter((p) => list.some((r) => r.topic === p.topic && r.partition === p.partition));
      following(opts.follow(held(result.appended), true));
      following(opts.follow(held(result.alreadyIn), false));
      return result;
    },
  });

  /** Waits while too many data files wait for a snapshot (a catalog outage): its partition pauses meanwhile. */
  async function room(control: UploadControl) {
    for (let waited = 0; commits.pendingFiles >= maxPendingFiles; waited++) {
      await control.check();
      const failing = commits.failing;
      if (failing && waited % 50 === 0)
        await control.onRetry(
          retryCause(failing, `table snapshot (${whatFailed(failing)})`),
          waited / 50 + 1,
        );
      await sleep(100);
    }
  }

  /** Data files for `set`, retried (with the committer's pause and log) while S3 or the catalog fails retriably. */
  async function writeFiles(set: FlushSet, control: UploadControl): Promise<DataFile[]> {
    const lines = set.files.length === 1 ? (set.files[0]?.lines ?? []) : set.files.flatMap((f) => f.lines);
    for (let attempt = 1; ; attempt++) {
      await control.check();
      try {
        return await (await table()).writeDataFiles(lines);
      } catch (err) {
        if (!isWeblogError(err) || !err.retriable || control.signal?.aborted) throw tableFatalOr(err);
        const what = whatFailed(err) === "S3" ? "S3 upload" : "Iceberg REST catalog request";
        await control.onRetry(retryCause(err, what), attempt);
        await sleep(Math.min(10_000, 200 * 2 ** (attempt - 1)));
      }
    }
  }

  /**
   * Per partition, the last set's queuing: sets of a partition are uploaded in parallel
   * (weblog.upload.max.in.flight.per.partition), but queued in their records' order, and not at all once the set
   * before failed (were a later set committed alone, the table's offset would pass the earlier set's records).
   */
  const lastOfPartition = new Map<string, Promise<unknown>>();

  /** A set's data files, queued as one part; the group commit settles it later (`follow` / `onDropped`). */
  function queue(set: FlushSet, files: DataFile[], control: UploadControl) {
    let start = set.commitOffset; // the first record's offset (bigints: no Math.min)
    for (const f of set.files) if (f.startOffset < start) start = f.startOffset;
    const part: CommitPart = {
      topic: set.topic,
      partition: set.kafkaPartition,
      start: Number(start),
      end: Number(set.commitOffset),
      files,
    };
    const settled = commits.submit(part, {
      check: control.check,
      ...(control.signal ? { signal: control.signal } : {}),
    });
    settled.catch((err: unknown) => {
      const fatal = tableFatalOr(err);
      if (fatal instanceof SinkError && fatal.code === "TABLE_FATAL") return opts.fail(fatal);
      if (dropKindOf(err) || opts.isStopping()) return; // reported by the part before it / re-read anyway
      logger.debug(
        { err: { message: (err as Error).message }, partition: `${part.topic}/${part.partition}` },
        "part dropped",
      );
      opts.onDropped(part.topic, part.partition, err);
    });
  }

  return {
    ownsOffsets: true,
    async resumeAt(topic, partition) {
      const offsets = await (await table()).offsets(group);
      commits.reset(topic, partition); // parts of the previous read still queued are superseded
      const at = offsets.get(topic)?.get(partition);
      return at === undefined ? null : BigInt(at);
    },
    async drain() {
      await commits.idle();
      await Promise.allSettled([...follows]);
    },
    async upload(set, control) {
      const key = `${set.topic}/${set.kafkaPartition}`;
      const before = lastOfPartition.get(key) ?? Promise.resolve();
      const queued = (async () => {
        await room(control);
        const files = await writeFiles(set, control);
        crash("after-data-files");
        try {
          await before;
        } catch (err) {
          throw new SinkError(
            "FENCED",
            `${key}: an earlier set was not uploaded, so this one is not queued either (the batch re-reads)`,
            { cause: err },
          );
        }
        queue(set, files, control);
        return { keys: files.map((f) => f.path), bytes: files.reduce((n, f) => n + f.sizeBytes, 0) };
      })();
      lastOfPartition.set(key, queued);
      try {
        return await queued;
      } finally {
        if (lastOfPartition.get(key) === queued) lastOfPartition.delete(key);
      }
    },
  };
}
