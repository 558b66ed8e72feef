/**
 * `weblog-table compact`: the table's small data files rewritten per partition into files of about the target
 * size, as one replace snapshot (@weblog/iceberg's compact: exactly once with the sink's concurrent appends).
 * Progress on stderr (a live line on a TTY, structured logs otherwise); the result on stdout.
 */
import { createProgress, formatCount, type Logger, UsageError } from "@weblog/cli";
import type { CompactOptions, CompactResult, WebLogTable } from "@weblog/iceberg";
import type { CompactCommand } from "./options";
import { formatBytes } from "./units";

/** `--partition` values -> partition values of the table's spec (days or hours since the epoch). */
export function partitionValues(table: WebLogTable, given: readonly string[]): number[] | undefined {
  if (given.length === 0) return undefined;
  const m = table.metadata();
  const spec = m["partition-specs"].find((s) => s["spec-id"] === m["default-spec-id"]);
  const transform = spec?.fields[0]?.transform;
  return given.map((p) => {
    const hourly = p.length > 10;
    if (transform !== (hourly ? "hour" : "day"))
      throw new UsageError(
        `--partition "${p}" is ${hourly ? "an hour" : "a day"}, but ${table.name} is ${transform ? `partitioned by ${transform}` : "unpartitioned"}: ${transform === "hour" ? "give YYYY-MM-DD-HH" : transform === "day" ? "give YYYY-MM-DD" : "drop --partition"}`,
      );
    const ms = Date.parse(`${p.slice(0, 10)}T${hourly ? p.slice(11, 13) : "00"}:00:00Z`);
    return hourly ? Math.floor(ms / 3_600_000) : Math.floor(ms / 86_400_000);
  });
}

export async function runCompact(
  table: WebLogTable,
  opts: CompactCommand,
  logger: Logger,
  hooks: Pick<CompactOptions, "beforeCommitRequest"> = {},
): Promise<CompactResult> {
  let state = "reading the table's manifests";
  const bar = createProgress({
    label: "compact",
    logger,
    render: () => `${table.name}: ${state}`,
    fields: () => ({ state }),
  });
  bar.start();
  const partitions = partitionValues(table, opts.partitions);
  try {
    const result = await table.compact({
      targetFileSizeBytes: opts.targetFileSizeBytes,
      ...(opts.minFileSizeBytes !== undefined ? { minFileSizeBytes: opts.minFileSizeBytes } : {}),
      minFiles: opts.minFiles,
      ...(partitions ? { partitions } : {}),
      dryRun: opts.dryRun,
      ...hooks,
      onProgress: (p) => {
        if (p.phase === "planned") {
          state = `${formatCount(p.files)} small files (${formatBytes(p.bytes)}) -> ${p.bins} new`;
          logger.info(
            { attempt: p.attempt, files: p.files, bytes: p.bytes, newFiles: p.bins },
            "compaction planned",
          );
        } else if (p.phase === "rewritten") state = `rewritten ${p.done}/${p.bins} new files`;
        else {
          state = `committing (attempt ${p.attempt})`;
          if (p.attempt > 1)
            logger.info({ attempt: p.attempt }, "the table moved on (an append): rebuilt on the new base");
        }
        bar.tick();
      },
    });
    logger.info({ ...result }, result.snapshotId ? "compaction committed" : "nothing committed");
    return result;
  } finally {
    bar.stop();
  }
}

export function renderCompact(opts: CompactCommand, r: CompactResult): string {
  if (r.replaced === 0)
    return `${opts.table}: nothing to compact (no partition has ${opts.minFiles} or more files under ${formatBytes(opts.minFileSizeBytes ?? Math.floor(opts.targetFileSizeBytes * 0.75))}) at snapshot ${r.baseSnapshotId ?? "none"}\n`;
  const what = `${formatCount(r.replaced)} files (${formatBytes(r.replacedBytes)}, ${formatCount(r.records)} records) in ${r.partitions} partition${r.partitions === 1 ? "" : "s"}`;
  if (opts.dryRun) return `${opts.table}: would replace ${what} at snapshot ${r.baseSnapshotId}\n`;
  return `${opts.table}: replaced ${what} with ${formatCount(r.written)} (${formatBytes(r.writtenBytes)}): replace snapshot ${r.snapshotId} on ${r.baseSnapshotId}${r.attempts > 1 ? ` (${r.attempts} attempts: appends landed meanwhile, kept)` : ""}\n`;
}
