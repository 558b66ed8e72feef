import { setFlagsFromString } from "node:v8";

/**
 * V8's heap growth for the sink process. The sink's memory is mostly record lines that live until their object is
 * uploaded, then die in the old generation; with V8's default growing factor (up to 4x the live size after a
 * full GC) that garbage stays until the old generation reaches several times the buffer cap. 20% growth runs the
 * full GC sooner: measured (apps/consumer bench "Peak RSS", 64 partitions, 1 KiB records, 64 MiB cap) 254 -> 187
 * MiB peak, with the throughput rows unchanged within noise (README "Memory").
 *
 * The one flag Node lets a program set after start-up (it is read at each GC); the young generation's size is
 * fixed at start, hence `--max-semi-space-size=4` on the command line (`pnpm start`, infra/sink/Dockerfile).
 */
export const SINK_V8_FLAGS = "--heap-growing-percent=20";

/** Node flags for the sink's command line (`pnpm start`, the Dockerfile, the RSS bench): a 4 MiB young generation. */
export const SINK_NODE_FLAGS = "--max-semi-space-size=4";

export function applySinkHeapFlags(): void {
  setFlagsFromString(SINK_V8_FLAGS);
}
