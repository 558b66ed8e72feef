/**
 * Issue 12, "validation cost": at flush.size 10,000 decode + validate is the sink's CPU floor. Both experiments on
 * the same records in the same run, against the path before them (every record through log-schema decode):
 *   1. the cheaper path the sink now takes: log-schema quickAccept (one native regex over the line, no objects),
 *      decode only when it says no;
 *   2. decode + validate on worker threads (decode-pool.ts), the old path and the quick one;
 * as consume legs (bare kafkajs consume + the check) and, for 1, the sink itself with the fast path off
 * (WEBLOG_SINK_QUICK_ACCEPT=0) and on. Two rounds of every leg (the machine is shared): each leg's faster run.
 */
import { createFakeLog } from "@weblog/fake-log";
import { encode } from "@weblog/log-schema";
import type { KafkaHandle } from "@weblog/testkit";
import { createDecodePool } from "./decode-pool";
import { produceAll, rawConsume, uid } from "./legs";

export type SinkLeg = (topic: string, n: number, flushSize: number) => Promise<{ ms: number }>;

/** Rows: leg, records/s, ratio to bare consume, ratio to the same kind of leg on the old path. */
export async function validationRows(h: KafkaHandle, n: number, sinkLeg: SinkLeg): Promise<string[][]> {
  const topic = `bench-validation-${uid()}`;
  const lines = createFakeLog({ seed: 10_001 })
    .batch(n)
    .map((r) => encode(r));
  await produceAll(h, topic, lines);
  const rate = (ms: number) => n / (ms / 1000);

  const onWorkers = async (full: boolean) => {
    const pool = createDecodePool(full);
    try {
      return await rawConsume(h, topic, n, pool);
    } finally {
      await pool.close();
    }
  };
  const sinkWith = async (quickPath: boolean) => {
    if (quickPath) delete process.env.WEBLOG_SINK_QUICK_ACCEPT;
    else process.env.WEBLOG_SINK_QUICK_ACCEPT = "0";
    try {
      return (await sinkLeg(topic, n, 10_000)).ms;
    } finally {
      delete process.env.WEBLOG_SINK_QUICK_ACCEPT;
    }
  };
  const legs = {
    bare: () => rawConsume(h, topic, n),
    decode: () => rawConsume(h, topic, n, "decode"),
    quick: () => rawConsume(h, topic, n, "quick"),
    workersDecode: () => onWorkers(true),
    workersQuick: () => onWorkers(false),
    sinkOld: () => sinkWith(false),
    sinkNew: () => sinkWith(true),
  };
  // Two rounds, every leg once per round in the same order (the machine is shared): each leg's faster run.
  const best = Object.fromEntries(Object.keys(legs).map((k) => [k, Number.POSITIVE_INFINITY])) as Record<
    keyof typeof legs,
    number
  >;
  for (let round = 0; round < 2; round++) {
    for (const [k, leg] of Object.entries(legs) as [keyof typeof legs, () => Promise<number>][]) {
      best[k] = Math.min(best[k], await leg());
    }
  }
  const { bare, decode, quick, workersDecode, workersQuick, sinkOld: sinkOldMs, sinkNew: sinkNewMs } = best;

  const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
  const row = (leg: string, ms: number, baselineMs: number | null) => [
    leg,
    fmt(rate(ms)),
    (rate(ms) / rate(bare)).toFixed(2),
    baselineMs === null ? "1.00 (baseline)" : (rate(ms) / rate(baselineMs)).toFixed(2),
  ];
  return [
    row("bare consume (no check)", bare, null),
    row("consume + decode (old path)", decode, null),
    row("consume + quickAccept, else decode (sink now)", quick, decode),
    row("consume + decode on worker threads", workersDecode, decode),
    row("consume + quickAccept on worker threads", workersQuick, quick),
    row("sink, every record through decode (old)", sinkOldMs, null),
    row("sink, quickAccept first (now)", sinkNewMs, sinkOldMs),
  ];
}
