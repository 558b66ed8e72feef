import { formatCount, formatDuration, formatRate } from "@weblog/cli";
import type { RunResult } from "./run";

/** The end-of-run report, printed for humans or (with --json) as one JSON object on stdout. */
export interface Summary {
  topic: string;
  mode: "generate" | "stdin";
  /** Records the app produced (generated, or stdin lines); sent = acked + failed once the run is over. */
  sent: number;
  /** Records the broker acknowledged (with --acks 0: every record written to the socket). */
  acked: number;
  /** Records not delivered. */
  failed: number;
  /** Key + value bytes acknowledged. */
  bytes: number;
  durationMs: number;
  /** CPU time the producer process used during the run (user + system, ms). */
  cpuMs: number;
  /** Acknowledged records per second over the whole run. */
  rate: number;
  stoppedBy: RunResult["stoppedBy"];
  /** Records added to each partition during the run (high watermark after - before); absent if unknown. */
  partitions?: Record<string, number>;
  /** Generated runs: records sent late on purpose, and bad ones by kind (tombstones included). */
  late?: number;
  bad?: number;
  badKinds?: Record<string, number>;
  error?: string;
}

export function buildSummary(
  result: RunResult,
  ctx: {
    topic: string;
    mode: Summary["mode"];
    partitions?: Record<string, number>;
    error?: string;
    counts?: { late: number; bad: Record<string, number> };
  },
): Summary {
  const seconds = result.durationMs / 1000;
  const summary: Summary = {
    topic: ctx.topic,
    mode: ctx.mode,
    sent: result.generated,
    acked: result.acked,
    failed: result.failed,
    bytes: result.bytes,
    durationMs: Math.round(result.durationMs),
    cpuMs: Math.round(result.cpuMs),
    rate: seconds > 0 ? Math.round((result.acked / seconds) * 10) / 10 : 0,
    stoppedBy: result.stoppedBy,
  };
  if (ctx.partitions) summary.partitions = ctx.partitions;
  if (ctx.counts) {
    summary.late = ctx.counts.late;
    summary.badKinds = ctx.counts.bad;
    summary.bad = Object.values(ctx.counts.bad).reduce((a, b) => a + b, 0);
  }
  if (ctx.error !== undefined) summary.error = ctx.error;
  return summary;
}

export function formatSummaryJson(s: Summary): string {
  return JSON.stringify(s);
}

export function formatSummaryText(s: Summary): string {
  const lines = [
    `producer: ${formatCount(s.acked)} acknowledged of ${formatCount(s.sent)} sent to "${s.topic}" in ${formatDuration(s.durationMs)} (${formatRate(s.rate)}), ${formatCount(s.failed)} failed; stopped by ${s.stoppedBy}`,
  ];
  if (s.partitions && Object.keys(s.partitions).length > 0) {
    const parts = Object.entries(s.partitions)
      .map(([p, n]) => `${p}:${formatCount(n)}`)
      .join(" ");
    lines.push(`  per partition (broker watermarks): ${parts}`);
  }
  if (s.bad || s.late)
    lines.push(`  on purpose: ${formatCount(s.bad ?? 0)} bad, ${formatCount(s.late ?? 0)} late`);
  if (s.error) lines.push(`  error: ${s.error}`);
  return lines.join("\n");
}

/** The live line on a TTY. */
export function formatProgressLine(p: {
  acked: number;
  sent: number;
  errors: number;
  inFlight: number;
  elapsedMs: number;
}): string {
  const rate = p.elapsedMs > 0 ? (p.acked * 1000) / p.elapsedMs : 0;
  return `sent ${formatCount(p.sent)}  acked ${formatCount(p.acked)}  ${formatRate(rate)}  errors ${formatCount(p.errors)}  in flight ${formatCount(p.inFlight)}  ${formatDuration(p.elapsedMs)}`;
}
