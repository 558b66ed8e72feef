/**
 * Test hook for the kill -9 tests: `WEBLOG_SINK_CRASH_AT=<point>:<n>` makes the process SIGKILL itself the n-th
 * time (1-based) it reaches <point>. Points: before-upload, after-upload-before-commit, after-commit, and in a
 * round of several objects (committer.ts): after-plan-before-upload (the planned cuts committed, no PUT started),
 * mid-batch-upload (the first object of the round uploaded, the others in flight), during-batch-commit (the
 * round's OffsetCommit sent, its answer not awaited), and mid-multipart-upload (object-writer.ts: a part of a
 * multipart upload stored, the upload not completed), after-companions (store.kafka.keys / headers: an object's
 * companions stored, its value object not). With --format iceberg (table/table-store.ts): after-data-files
 * (a set's Parquet data files on S3, in no snapshot), before-table-commit (the snapshot's manifests on S3, the
 * commit request not sent), during-table-commit (the request sent, its answer not awaited), after-table-commit (the
 * catalog answered; the Kafka commit not made).
 * `<point>:<n>:stop` sends SIGSTOP instead (the process freezes there until the test sends SIGCONT): a live member
 * held mid-request while another member starts. Unset (the normal case) it does nothing.
 */
export type CrashPoint =
  | "before-upload"
  | "after-upload-before-commit"
  | "after-commit"
  | "after-plan-before-upload"
  | "mid-batch-upload"
  | "during-batch-commit"
  | "mid-multipart-upload"
  | "after-companions"
  | "after-data-files"
  | "before-table-commit"
  | "during-table-commit"
  | "after-table-commit";

const POINTS: readonly CrashPoint[] = [
  "before-upload",
  "after-upload-before-commit",
  "after-commit",
  "after-plan-before-upload",
  "mid-batch-upload",
  "during-batch-commit",
  "mid-multipart-upload",
  "after-companions",
  "after-data-files",
  "before-table-commit",
  "during-table-commit",
  "after-table-commit",
];

export type CrashHook = (point: CrashPoint) => void;

export function crashHookFromEnv(value: string | undefined): CrashHook {
  if (!value) return () => {};
  const [point, nText, mode] = value.split(":");
  const n = Number(nText ?? "1");
  if (
    !POINTS.includes(point as CrashPoint) ||
    !Number.isInteger(n) ||
    n < 1 ||
    (mode !== undefined && mode !== "stop")
  ) {
    throw new TypeError(
      `WEBLOG_SINK_CRASH_AT='${value}': use <${POINTS.join("|")}>:<n>[:stop], e.g. before-upload:3`,
    );
  }
  const signal = mode === "stop" ? "SIGSTOP" : "SIGKILL";
  let seen = 0;
  return (at) => {
    if (at !== point) return;
    seen += 1;
    if (seen === n) {
      process.stderr.write(`crash hook: ${signal} at ${at} #${n}\n`);
      process.kill(process.pid, signal);
    }
  };
}
