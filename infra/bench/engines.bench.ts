/**
 * `pnpm --filter @weblog/infra bench`: our sink and Kafka Connect + Aiven's S3 sink side by side (bench/run.ts), every
 * leg, printed as one table of ratios. BENCH_LEGS (flush10,flush10k,kill,trickle), BENCH_FLUSH10_RECORDS (8,000: with 20,000 Connect's first commit
 * outlasts max.poll.interval.ms and redoes its work, see the README),
 * BENCH_RECORDS (400,000: the flush.size 10,000 leg), BENCH_KILL_RECORDS (3,000) at BENCH_KILL_RATE/s (100),
 * BENCH_TRICKLE_SAMPLES (3), BENCH_S3_LATENCY_MS (25). Speed figures compare within one run: never a test.
 */
import { ALL_LEGS, type LegName, runBench } from "./run";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

runBench({
  legs: (process.env.BENCH_LEGS?.split(",") as LegName[] | undefined) ?? ALL_LEGS,
  flush10Records: env("BENCH_FLUSH10_RECORDS", 8000),
  flush10kRecords: env("BENCH_RECORDS", 400_000),
  killRecords: env("BENCH_KILL_RECORDS", 3000),
  killRate: env("BENCH_KILL_RATE", 100),
  trickleSamples: env("BENCH_TRICKLE_SAMPLES", 3),
  latencyMs: env("BENCH_S3_LATENCY_MS", 25),
}).then(
  ({ table, failures }) => {
    process.stdout.write(`\n${table}`);
    if (failures.length) {
      process.stdout.write(`\nfailed legs:\n${failures.map((f) => `- ${f}`).join("\n")}\n`);
      process.exitCode = 1;
    }
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
