/**
 * The worker-thread experiment of issue 12 ("validation cost"): decode + validate a batch's values on a pool of
 * node:worker_threads instead of the event loop. A batch is packed into one ArrayBuffer (values back to back, plus
 * their end offsets) and transferred, so a message costs one copy of the bytes, not one structured clone per record;
 * each worker answers one verdict byte per record (1 = valid), also transferred. The worker runs the sink's own
 * path: toString, log-schema quickAccept, else decode.
 */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

const schemaPath = createRequire(import.meta.url).resolve("@weblog/log-schema");

const WORKER_CODE = `
const { parentPort } = require("node:worker_threads");
const { decode, quickAccept } = require(${JSON.stringify(schemaPath)});
parentPort.on("message", ({ id, bytes, ends, full }) => {
  const buf = Buffer.from(bytes);
  const verdicts = new Uint8Array(ends.length);
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const text = buf.toString("utf8", start, ends[i]);
    verdicts[i] = (!full && quickAccept(text)) || decode(text).ok ? 1 : 0;
    start = ends[i];
  }
  parentPort.postMessage({ id, verdicts }, [verdicts.buffer]);
});
`;

export interface DecodePool {
  /** Verdicts (1 = valid) for `values`, split over the workers in chunks of at least `minChunk` records. */
  check(values: Buffer[]): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** `full`: every record through decode (the old path), else quickAccept first (the sink's path). */
export function createDecodePool(
  full: boolean,
  size = Math.max(1, availableParallelism() - 1),
  minChunk = 500,
): DecodePool {
  const workers = Array.from({ length: size }, () => new Worker(WORKER_CODE, { eval: true }));
  const waiting = new Map<number, (v: Uint8Array) => void>();
  for (const w of workers) {
    w.on("message", ({ id, verdicts }: { id: number; verdicts: Uint8Array }) => {
      waiting.get(id)?.(verdicts);
      waiting.delete(id);
    });
    w.unref();
  }
  let nextId = 0;
  let nextWorker = 0;

  const send = (values: Buffer[]): Promise<Uint8Array> => {
    let total = 0;
    for (const v of values) total += v.length;
    const bytes = new Uint8Array(total);
    const ends = new Uint32Array(values.length);
    let at = 0;
    for (const [i, v] of values.entries()) {
      bytes.set(v, at);
      at += v.length;
      ends[i] = at;
    }
    const id = nextId++;
    const worker = workers[nextWorker++ % workers.length] as Worker;
    return new Promise((resolve) => {
      waiting.set(id, resolve);
      worker.postMessage({ id, bytes, ends, full }, [bytes.buffer, ends.buffer]);
    });
  };

  return {
    async check(values) {
      const chunk = Math.max(minChunk, Math.ceil(values.length / workers.length));
      const parts: Promise<Uint8Array>[] = [];
      for (let i = 0; i < values.length; i += chunk) parts.push(send(values.slice(i, i + chunk)));
      const answers = await Promise.all(parts);
      const out = new Uint8Array(values.length);
      let at = 0;
      for (const a of answers) {
        out.set(a, at);
        at += a.length;
      }
      return out;
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
