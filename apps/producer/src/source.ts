import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { createFakeLog, type FakeLogOptions } from "@weblog/fake-log";
import { encode, formatCombined, type WebLogRecord } from "@weblog/log-schema";
import type { OutMessage } from "./run";

/**
 * Where the generated messages come from. Two implementations with the same output for the same settings:
 * - inline: fake-log + encode on the main thread (used with --rate, where generation costs nothing that matters);
 * - worker: the same generator in a worker thread, handing over ready message strings in chunks, so the main
 *   thread only runs kafkajs. That is what lets the app keep up with a raw kafkajs loop
 *   that sends pre-built messages (see bench/).
 */
export interface MessageSource {
  readonly kind: "inline" | "worker";
  /** The next `n` messages, in generator order. */
  take(n: number): OutMessage[] | Promise<OutMessage[]>;
  close(): Promise<void>;
}

export interface SourceSettings {
  seed: number | undefined;
  /** Log time of the first record (ms since epoch). */
  startTime: number;
  /** Log-time events per second (how far apart the timestamps are). */
  logRate: number;
  format: "json" | "clf";
  key: "ip" | "none";
  partition: number | undefined;
}

export function fakeLogOptions(s: SourceSettings): FakeLogOptions {
  return { ...(s.seed === undefined ? {} : { seed: s.seed }), startTime: s.startTime, rate: s.logRate };
}

export function serializer(format: SourceSettings["format"]): (r: WebLogRecord) => string {
  return format === "clf" ? formatCombined : encode;
}

export function createInlineSource(s: SourceSettings): MessageSource {
  const fake = createFakeLog(fakeLogOptions(s));
  const serialize = serializer(s.format);
  const byIp = s.key === "ip";
  return {
    kind: "inline",
    take(n) {
      const records = fake.batch(n);
      const out: OutMessage[] = new Array(records.length);
      for (let i = 0; i < records.length; i++) {
        const r = records[i] as WebLogRecord;
        const m: OutMessage = { key: byIp ? r.ip : null, value: serialize(r) };
        if (s.partition !== undefined) m.partition = s.partition;
        out[i] = m;
      }
      return out;
    },
    async close() {},
  };
}

/**
 * One chunk from the worker: message values (and keys) as strings. Structured clone hands them over as flat strings,
 * which kafkajs writes as cheaply as pre-built ones (Buffers per message cost more: a Buffer object each).
 */
export interface Chunk {
  values: string[];
  keys?: string[];
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
  let current: Chunk | undefined;
  let pos = 0;

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
      const out: OutMessage[] = new Array(n);
      const partition = s.partition;
      for (let i = 0; i < n; i++) {
        if (!current || pos >= current.values.length) await nextChunk();
        const c = current as Chunk;
        const m: OutMessage = {
          key: c.keys ? (c.keys[pos] as string) : null,
          value: c.values[pos] as string,
        };
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
  };
}
