import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { createFakeLog, type FakeLogOptions, type FakeMessage } from "@weblog/fake-log";
import { createIsoCache, createLiveClock, createTwinGuard } from "./live-time";
import type { OutgoingMessage } from "./output";
import type { TrafficOptions } from "./traffic-flags";

/**
 * Where the generated messages come from. Two implementations with the same output for the same settings:
 * - inline: fake-log + encode on the main thread (used with --rate, where generation costs nothing that matters);
 * - worker: the same generator in a worker thread, handing over ready message strings in chunks, so the main
 *   thread only runs the Kafka client. That is what lets the app keep up with a raw kafkajs loop
 *   that sends pre-built messages (see bench/).
 */
export interface MessageSource {
  readonly kind: "inline" | "worker";
  /** The next `n` messages, in generator order. */
  take(n: number): OutgoingMessage[] | Promise<OutgoingMessage[]>;
  close(): Promise<void>;
  /** Messages taken so far that were made bad on purpose (by kind) or delivered late. */
  counts(): SourceCounts;
}

export interface SourceCounts {
  late: number;
  bad: Record<string, number>;
}

export interface SourceSettings {
  seed: number | undefined;
  /** Log time of the first record (ms since epoch). */
  startTime: number;
  /** Log-time events per second (how far apart the timestamps are). */
  logRate: number;
  format: NonNullable<FakeLogOptions["format"]>;
  key: "ip" | "none";
  partition: number | undefined;
  /** Profile, incidents, late and bad records (default: steady, none). */
  traffic?: TrafficOptions;
  /** Live timestamps (live-time.ts): each record stamped with the wall clock when taken, minus its lateness. */
  live?: boolean;
}

export function fakeLogOptions(s: SourceSettings): FakeLogOptions {
  const t = s.traffic;
  const options: FakeLogOptions = {
    ...(s.seed === undefined ? {} : { seed: s.seed }),
    startTime: s.startTime,
    rate: s.logRate,
    format: s.format,
  };
  if (t === undefined) return options;
  if (t.profile === "diurnal") {
    options.profile = {
      kind: "diurnal",
      ...(t.peakRatio === undefined ? {} : { peakToTrough: t.peakRatio }),
      ...(t.timezone === undefined ? {} : { timeZone: t.timezone }),
    };
  } else if (t.profile === "bursty") options.profile = "bursty";
  if (t.incidents.length > 0) options.incidents = t.incidents;
  if (t.incidentRate !== undefined) options.incidentRate = t.incidentRate;
  if (t.lateShare !== undefined) options.lateShare = t.lateShare;
  if (t.lateMaxS !== undefined || t.lateMeanS !== undefined || t.lateDistribution !== undefined) {
    options.late = {
      ...(t.lateMaxS === undefined ? {} : { max: t.lateMaxS }),
      ...(t.lateMeanS === undefined ? {} : { mean: t.lateMeanS }),
      ...(t.lateDistribution === undefined ? {} : { distribution: t.lateDistribution }),
    };
  }
  if (t.badShare !== undefined) options.badShare = t.badShare;
  if (t.badKinds !== undefined) options.badKinds = t.badKinds;
  return options;
}

/** A fake-log message as a Kafka message: bytes (invalid UTF-8) as a Buffer, a tombstone as a null value. */
export function toOutgoing(m: FakeMessage, byIp: boolean, partition: number | undefined): OutgoingMessage {
  const value = m.value === null || typeof m.value === "string" ? m.value : Buffer.from(m.value);
  const out: OutgoingMessage = { key: byIp ? m.key : null, value };
  if (partition !== undefined) out.partition = partition;
  return out;
}

/** Live time (live-time.ts) for one batch: each good JSON record's timestamp becomes its stamp, twins avoided. */
function createRestamper() {
  const iso = createIsoCache();
  const clock = createLiveClock();
  const twins = createTwinGuard();
  return {
    /** Wall-clock stamps for the `n` records of the batch taken now. */
    batch(n: number): number[] {
      twins.nextBatch();
      return clock.stamps(n);
    },
    /** Bad records are left as fake-log broke them. */
    apply(m: OutgoingMessage, ms: number, bad: string | undefined): void {
      if (bad === undefined && typeof m.value === "string") m.value = twins.stamp(m.value, ms, iso);
    },
  };
}

function tally(counts: SourceCounts, m: { bad?: string | undefined; delayMs?: number }): void {
  if (m.delayMs !== undefined && m.delayMs > 0) counts.late++;
  if (m.bad !== undefined) counts.bad[m.bad] = (counts.bad[m.bad] ?? 0) + 1;
}

export function createInlineSource(s: SourceSettings): MessageSource {
  const fake = createFakeLog(fakeLogOptions(s));
  const byIp = s.key === "ip";
  const counts: SourceCounts = { late: 0, bad: {} };
  const live = s.live ? createRestamper() : null;
  return {
    kind: "inline",
    take(n) {
      const messages = fake.messages(n);
      const out: OutgoingMessage[] = new Array(messages.length);
      const wall = live ? live.batch(messages.length) : null;
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i] as FakeMessage;
        if (m.delayMs > 0 || m.bad !== undefined) tally(counts, m);
        out[i] = toOutgoing(m, byIp, s.partition);
        if (live && wall) live.apply(out[i] as OutgoingMessage, (wall[i] as number) - m.delayMs, m.bad);
      }
      return out;
    },
    async close() {},
    counts: () => ({ late: counts.late, bad: { ...counts.bad } }),
  };
}

/**
 * One chunk from the worker: message values (and keys) as strings. Structured clone hands them over as flat strings,
 * which the Kafka client writes as cheaply as pre-built ones (Buffers per message cost more: a Buffer object each).
 */
export interface Chunk {
  /** Strings; bytes (invalid UTF-8 on purpose) or null (tombstones) only with --bad-share. */
  values: (string | Uint8Array | null)[];
  keys?: string[];
  /** Per message: bad kind and lateness, only when some message of the chunk has them. */
  marks?: { bad?: string; delayMs?: number }[];
}

export interface WorkerRequest {
  settings: SourceSettings;
  chunkSize: number;
}

/** The built worker next to the built main (dist/generator-worker.js); undefined when running from sources. */
export function workerScript(): URL | undefined {
  const url = new URL("./generator-worker.js", import.meta.url);
  return url.protocol === "file:" && existsSync(fileURLToPath(url)) ? url : undefined;
}

/**
 * Generator in a worker thread. Flow control by credit: the worker may have at most `prefetch` chunks generated
 * and not yet consumed, so memory stays bounded (about prefetch * chunkSize records) however slow the broker is.
 */
export function createWorkerSource(
  s: SourceSettings,
  opts: { script: URL; chunkSize?: number; prefetch?: number },
): MessageSource {
  const chunkSize = opts.chunkSize ?? 2000;
  const prefetch = opts.prefetch ?? 4;
  const worker = new Worker(opts.script, { workerData: { settings: s, chunkSize } satisfies WorkerRequest });
  // Not unref'd: while the main thread awaits a chunk, the worker is what it waits for. close() terminates it.
  const ready: Chunk[] = [];
  let failure: Error | undefined;
  let waiter: (() => void) | undefined;
  const wake = () => {
    const w = waiter;
    waiter = undefined;
    w?.();
  };
  worker.on("message", (chunk: Chunk) => {
    ready.push(chunk);
    wake();
  });
  worker.on("error", (err) => {
    failure = err;
    wake();
  });
  worker.on("exit", (code) => {
    if (!failure && !closed) failure = new Error(`generator worker exited with code ${code}`);
    wake();
  });
  worker.postMessage(prefetch);

  let closed = false;
  const live = s.live ? createRestamper() : null;
  let current: Chunk | undefined;
  let pos = 0;
  const counts: SourceCounts = { late: 0, bad: {} };

  const nextChunk = async () => {
    while (ready.length === 0) {
      if (failure) throw failure;
      await new Promise<void>((resolve) => {
        waiter = resolve;
      });
    }
    current = ready.shift() as Chunk;
    pos = 0;
    worker.postMessage(1); // one more chunk may be generated
  };

  return {
    kind: "worker",
    async take(n) {
      const out: OutgoingMessage[] = new Array(n);
      const partition = s.partition;
      const wall = live ? live.batch(n) : null;
      for (let i = 0; i < n; i++) {
        if (!current || pos >= current.values.length) await nextChunk();
        const c = current as Chunk;
        const v = c.values[pos] as string | Uint8Array | null;
        const m: OutgoingMessage = {
          key: c.keys ? (c.keys[pos] as string) : null,
          value: v === null || typeof v === "string" ? v : Buffer.from(v),
        };
        const mark = c.marks?.[pos];
        if (mark !== undefined) tally(counts, mark);
        if (live && wall) live.apply(m, (wall[i] as number) - (mark?.delayMs ?? 0), mark?.bad);
        if (partition !== undefined) m.partition = partition;
        out[i] = m;
        pos++;
      }
      return out;
    },
    async close() {
      closed = true;
      await worker.terminate();
    },
    counts: () => ({ late: counts.late, bad: { ...counts.bad } }),
  };
}
