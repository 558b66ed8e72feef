import { setFlagsFromString } from "node:v8";

/**
 * V8's heap growth for the sink process. The sink's memory is mostly record lines that live until their object is
 * uploaded, then die in the old generation; with V8's default growing factor (up to 4x the live size after a
 * full GC) that garbage stays until the old generation reaches several times the buffer cap. 20% growth runs the
 * full GC sooner: measured (apps/consumer bench "Peak RSS", 64 partitions, 1 KiB records, 64 MiB cap) 254 -> 187
 * MiB peak, with the flush.size 10 / 10,000 throughput rows unchanged within this machine's noise (README "Memory").
 *
 * It is the one kind of flag a running program can set (read at each GC). The young generation's size is fixed at
 * start: `node --max-semi-space-size=4` took the peak a further ~10-30 MiB down but looked ~10% slower at
 * flush.size 10 (3 runs each), so it is left to deployments short of memory (README "Memory"), not the default.
 */
export const SINK_V8_FLAGS = "--heap-growing-percent=20";

export function applySinkHeapFlags(): void {
  setFlagsFromString(SINK_V8_FLAGS);
}
