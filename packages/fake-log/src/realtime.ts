/**
 * Real-time mode: release messages when their log time (delivery time, for late ones) comes, on the wall clock,
 * `speed` times faster than real time. The first message goes at once; message i waits until
 * (deliveredAt_i - deliveredAt_0) / speed ms have passed since the start. Messages due together are released
 * together (one timer per batch, not per message), so high rates cost no more timers than low ones.
 */
import { Readable } from "node:stream";
import type { FakeLog, FakeMessage } from "./generator";

export interface RealtimeOptions {
  /** Log seconds per wall second (1 = real time, 60 = an hour a minute). Default 1. */
  speed?: number;
  /** Stop after this many messages. Default: endless. */
  count?: number;
  /** Stops the iteration (it then ends quietly). */
  signal?: AbortSignal;
  /** Wall clock in ms (injectable for tests). Default performance.now. */
  now?: () => number;
  /** Wait `ms` (injectable for tests; resolves early when the signal aborts). Default setTimeout. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

/** Messages of `log`, each released at its (accelerated) log time. */
export async function* realtime(log: FakeLog, options: RealtimeOptions = {}): AsyncGenerator<FakeMessage> {
  const speed = options.speed ?? 1;
  if (!(typeof speed === "number" && Number.isFinite(speed) && speed > 0)) {
    throw new RangeError(`speed must be a number > 0, got ${String(speed)}`);
  }
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;
  const { signal } = options;
  const count = options.count ?? Number.POSITIVE_INFINITY;
  const wallStart = now();
  let logStart = Number.NaN;
  let pending: FakeMessage | undefined;
  for (let sent = 0; sent < count && !signal?.aborted; ) {
    const m = pending ?? log.message();
    pending = undefined;
    if (Number.isNaN(logStart)) logStart = m.deliveredAt;
    const wait = wallStart + (m.deliveredAt - logStart) / speed - now();
    if (wait > 0) {
      pending = m;
      await sleep(wait, signal);
      continue;
    }
    yield m;
    sent++;
  }
}

/** The same as a Node Readable in object mode (backpressure: nothing is generated while the reader is full). */
export function createReadable(log: FakeLog, options: RealtimeOptions = {}): Readable {
  return Readable.from(realtime(log, options), { objectMode: true });
}
