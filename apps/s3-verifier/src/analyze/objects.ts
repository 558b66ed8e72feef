/** Checks of one object on its own: readable, valid lines, within flush.size, not empty. */
import type { AnalyzeOptions, ScannedObject } from "../model";
import type { Facts } from "./facts";
import { latencyOf, Samples } from "./latency";

/** A partition's per-object tallies. */
export interface ObjectTally {
  records: number;
  invalidRecords: number;
  overFlushSize: number;
  maxRecordsPerObject: number;
  latencies: Samples;
}

export const emptyTally = (): ObjectTally => ({
  records: 0,
  invalidRecords: 0,
  overFlushSize: 0,
  maxRecordsPerObject: 0,
  latencies: new Samples(),
});

/** Records what `o` says about itself; true when it holds records whose offsets the coverage check should place. */
export function checkObject(
  o: ScannedObject,
  at: { topic: string; partition: number },
  opts: AnalyzeOptions,
  tally: ObjectTally,
  facts: Pick<Facts, "findings">,
): boolean {
  if (o.readError !== undefined) {
    facts.findings.push({ kind: "unreadable-object", ...at, keys: [o.key], readError: o.readError });
    return false;
  }
  tally.records += o.records;
  tally.invalidRecords += o.invalid.length;
  tally.maxRecordsPerObject = Math.max(tally.maxRecordsPerObject, o.records);
  const lat = latencyOf(o);
  if (lat !== null) tally.latencies.push(lat);
  for (const bad of o.invalid) {
    facts.findings.push({
      kind: "invalid-record",
      ...at,
      keys: [o.key],
      line: bad.line,
      code: bad.code,
      detail: bad.message,
    });
  }
  if (opts.flushSize !== undefined && o.records > opts.flushSize) {
    tally.overFlushSize += 1;
    facts.findings.push({
      kind: "over-flush-size",
      ...at,
      keys: [o.key],
      count: o.records,
      flushSize: opts.flushSize,
    });
  }
  const bytes = o.lineBytes ?? 0;
  if (opts.flushSizeBytes !== undefined && o.records > 1 && bytes > opts.flushSizeBytes) {
    tally.overFlushSize += 1;
    facts.findings.push({
      kind: "over-flush-size-bytes",
      ...at,
      keys: [o.key],
      bytes,
      flushSizeBytes: opts.flushSizeBytes,
    });
  }
  if (o.records === 0) {
    facts.findings.push({ kind: "empty-object", ...at, keys: [o.key] });
    return false;
  }
  return true;
}
