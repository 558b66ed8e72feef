/**
 * Worker thread: runs fake-log + encode and hands the main thread chunks of ready message strings (see source.ts).
 * The main thread sends credits (numbers): each allows one more chunk to be generated.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createFakeLog, type FakeLog } from "@weblog/fake-log";
import { type Chunk, fakeLogOptions, type WorkerRequest } from "./source";

const { settings, chunkSize } = workerData as WorkerRequest;
const fake: FakeLog = createFakeLog(fakeLogOptions(settings));
const byIp = settings.key === "ip";

function makeChunk(): Chunk {
  const messages = fake.messages(chunkSize);
  const values: Chunk["values"] = new Array(messages.length);
  const keys: string[] | undefined = byIp ? new Array(messages.length) : undefined;
  let marks: NonNullable<Chunk["marks"]> | undefined;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    values[i] = m.value;
    if (keys) keys[i] = m.key;
    if (m.bad !== undefined || m.delayMs > 0) {
      marks ??= new Array(messages.length);
      marks[i] = { ...(m.bad === undefined ? {} : { bad: m.bad }), delayMs: m.delayMs };
    }
  }
  const chunk: Chunk = keys ? { values, keys } : { values };
  if (marks) chunk.marks = marks;
  return chunk;
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
