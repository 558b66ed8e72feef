/**
 * Worker thread: runs fake-log + encode and hands the main thread chunks of ready message strings (see source.ts).
 * The main thread sends credits (numbers): each allows one more chunk to be generated.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createFakeLog, type FakeLog } from "@weblog/fake-log";
import type { WebLogRecord } from "@weblog/log-schema";
import { type Chunk, fakeLogOptions, serializer, type WorkerRequest } from "./source";

const { settings, chunkSize } = workerData as WorkerRequest;
const fake: FakeLog = createFakeLog(fakeLogOptions(settings));
const serialize = serializer(settings.format);
const byIp = settings.key === "ip";

function makeChunk(): Chunk {
  const records = fake.batch(chunkSize);
  const values: string[] = new Array(records.length);
  const keys: string[] | undefined = byIp ? new Array(records.length) : undefined;
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as WebLogRecord;
    values[i] = serialize(r);
    if (keys) keys[i] = r.ip;
  }
  return keys ? { values, keys } : { values };
}

let credit = 0;
let producing = false;

function pump(): void {
  if (producing) return;
  producing = true;
  // Generate one chunk per turn of the event loop so credits posted meanwhile are seen.
  const step = () => {
    if (credit <= 0) {
      producing = false;
      return;
    }
    credit--;
    parentPort?.postMessage(makeChunk());
    setImmediate(step);
  };
  step();
}

parentPort?.on("message", (n: number) => {
  credit += n;
  pump();
});
