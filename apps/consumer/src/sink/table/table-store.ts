/**
 * The table destination: where the objects destination PUTs a sealed set as objects (object-writer.ts) and the
 * committer then commits the Kafka offset, this one uploads the set's records as Parquet data files of an Apache
 * Iceberg table and settles only once a table snapshot holds them (group-commit.ts); the committer's Kafka commit
 * then follows the table. The table's snapshots carry the group's offsets (@weblog/iceberg): on (re)starting a
 * partition the sink resumes from there (`resumeAt`), and a part the table already holds is not written twice.
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
import { createGroupCommit, type PartControl } from "./group-commit";

export type TableStore = ObjectStore & {
  /** The table's next offset for a partition of the group (null: the table has none). */
  resumeAt(topic: string, partition: number): Promise<bigint | null>;
};

export type TableStoreOptions = {
  settings: Pick<
    SinkSettings,
    | "groupId"
    | "icebergTable"
    | "icebergCatalogUri"
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
};

const PARTITION_BY: Record<SinkSettings["icebergPartitionBy"], PartitionBy> = {
  "day(timestamp)": "day",
  "hour(timestamp)": "hour",
  none: "none",
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A failure that will not pass by retrying (a table of another shape, a refused request) stops the sink. */
function fatalOrRetriable(err: unknown): unknown {
  if (isWeblogError(err) && !err.retriable && !(err instanceof SinkError)) {
    return new SinkError("S3_FATAL", `Iceberg table: ${err.message}`, { cause: err });
  }
  return err;
}

export function createTableStore(opts: TableStoreOptions): TableStore {
  const { settings, logger, crash } = opts;
  const group = settings.groupId;
  let opened: Promise<WebLogTable> | null = null;
  /** The table, opened (created on first use) once; a failed open is tried again on the next call. */
  const table = () => {
    opened ??= openWebLogTable({
      catalog: createRestCatalog({ uri: settings.icebergCatalogUri }),
      table: settings.icebergTable,
      storage: { client: opts.client, endpoint: opts.endpoint },
      partitionBy: PARTITION_BY[settings.icebergPartitionBy],
      codec: settings.parquetCodec,
    }).catch((err: unknown) => {
      opened = null;
      throw fatalOrRetriable(err);
    });
    return opened;
  };

  const commits = createGroupCommit({
    intervalMs: settings.icebergCommitIntervalMs,
    hurry: opts.isStopping,
    commit: async (parts) => {
      const t = await table();
      const result = await t.commitAppend(group, parts, {
        beforeCommitRequest: () => crash("before-table-commit"),
        // the request is on its way, its answer not awaited: whether the catalog applied it is the catalog's
        commitRequestSent: () => setImmediate(() => crash("during-table-commit")),
        afterCommitResponse: () => crash("after-table-commit"),
      });
      if (result.snapshotId) {
        const files = result.appended.length;
        logger.debug(
          { snapshot: result.snapshotId, parts: files, attempts: result.attempts },
          "table snapshot committed",
        );
      }
      if (result.alreadyIn.length > 0 || result.stale.length > 0) {
        logger.info(
          { alreadyIn: result.alreadyIn, stale: result.stale },
          "table already holds these offsets: their files are not committed (orphans)",
        );
      }
      return result;
    },
  });

  /** Data files for `set`, retried (with the committer's pause and log) while S3 fails retriably. */
  async function writeFiles(t: WebLogTable, set: FlushSet, control: UploadControl): Promise<DataFile[]> {
    const lines = set.files.length === 1 ? (set.files[0]?.lines ?? []) : set.files.flatMap((f) => f.lines);
    for (let attempt = 1; ; attempt++) {
      await control.check();
      try {
        return await t.writeDataFiles(lines);
      } catch (err) {
        if (!isWeblogError(err) || !err.retriable || control.signal?.aborted) throw fatalOrRetriable(err);
        // UploadControl speaks of S3SideErrors; the committer only reads code and message
        await control.onRetry(err as Parameters<UploadControl["onRetry"]>[0], attempt);
        await sleep(Math.min(10_000, 200 * 2 ** (attempt - 1)));
      }
    }
  }

  /**
   * Per partition, the settlement of its last set: a set is handed to the group commit only after the set before it
   * (its records' predecessors) settled, and not at all if that one failed. Sets of a partition are uploaded in
   * parallel (weblog.upload.max.in.flight.per.partition), so a later set's data files may be ready first; were it
   * committed first, the table's offset would pass the earlier set's records, which would then be judged already in.
   */
  const lastOfPartition = new Map<string, Promise<unknown>>();

  return {
    async resumeAt(topic, partition) {
      const offsets = await (await table()).offsets(group);
      const at = offsets.get(topic)?.get(partition);
      return at === undefined ? null : BigInt(at);
    },
    async upload(set, control) {
      const key = `${set.topic}/${set.kafkaPartition}`;
      const before = lastOfPartition.get(key) ?? Promise.resolve();
      const settled = (async () => {
        const t = await table();
        const files = await writeFiles(t, set, control);
        crash("after-data-files");
        try {
          await before;
        } catch (err) {
          throw new SinkError(
            "FENCED",
            `${key}: an earlier set was not committed to the table, so this one is not either (the batch re-reads)`,
            { cause: err },
          );
        }
        return commitSet(set, files, control);
      })();
      lastOfPartition.set(key, settled);
      try {
        return await settled;
      } finally {
        if (lastOfPartition.get(key) === settled) lastOfPartition.delete(key);
      }
    },
  };

  /** Hands a set's data files to the group commit as one part; resolves once the table holds them. */
  async function commitSet(set: FlushSet, files: DataFile[], control: UploadControl) {
    let start = set.commitOffset; // the first record's offset (bigints: no Math.min)
    for (const f of set.files) if (f.startOffset < start) start = f.startOffset;
    const part: CommitPart = {
      topic: set.topic,
      partition: set.kafkaPartition,
      start: Number(start),
      end: Number(set.commitOffset),
      files,
    };
    const partControl: PartControl = {
      check: control.check,
      onRetry: (err, attempt) => control.onRetry(err as Parameters<UploadControl["onRetry"]>[0], attempt),
      ...(control.signal ? { signal: control.signal } : {}),
    };
    await commits.submit(part, partControl).catch((err: unknown) => {
      throw fatalOrRetriable(err);
    });
    return { keys: files.map((f) => f.path), bytes: files.reduce((n, f) => n + f.sizeBytes, 0) };
  }
}
