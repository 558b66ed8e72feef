/**
 * A body's chunks -> its upload parts (pure; no I/O). The encoder hands out the body chunk by chunk
 * (`@weblog/object-format`'s `encodeObjectBodyChunks`); this cuts it into parts of exactly `partSize` bytes, the last
 * one the rest, and says of each whether it is the last. A part is handed out only once a byte past it has arrived
 * or the body has ended, so the uploader knows whether a second part exists before it sends the first: a body that
 * fits one part is one PutObject, as when it was encoded whole.
 *
 * Memory: until the body outgrows one part its chunks are only collected (a small body costs no part-size buffer);
 * from then on exactly one part buffer is being filled, and the next one is allocated only after the consumer has
 * taken the full one (a pulled generator: while the uploader waits for a free slot, nothing more is encoded). So an
 * object costs its parts in flight + 1, not its body.
 */

export interface Part {
  /** The part's bytes: `partSize` of them, except in the last part. */
  body: Buffer;
  /** True for the body's last part (the only part of a body that fits one). */
  last: boolean;
}

/**
 * Part buffers handed back once their UploadPart is done, so the next part reuses one instead of allocating: the
 * garbage of big parts would otherwise wait for V8's next GC (external memory is collected lazily).
 */
export class PartPool {
  private readonly free: Buffer[] = [];
  constructor(readonly partSize: number) {}
  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(this.partSize);
  }
  /** Only a whole part buffer (not a last part's shorter view) comes back; its bytes are overwritten later. */
  give(part: Buffer): void {
    if (part.length === this.partSize) this.free.push(part);
  }
}

export async function* cutParts(
  chunks: AsyncIterable<Buffer>,
  partSize: number,
  pool: PartPool = new PartPool(partSize),
): AsyncGenerator<Part> {
  if (!Number.isInteger(partSize) || partSize < 1)
    throw new RangeError(`part size ${partSize} is not positive`);
  if (pool.partSize !== partSize)
    throw new RangeError(`a pool of ${pool.partSize}-byte parts for ${partSize}`);
  let head: Buffer[] = [];
  let headBytes = 0;
  let part: Buffer | null = null;
  let filled = 0;
  for await (const chunk of chunks) {
    if (part === null) {
      if (headBytes + chunk.length <= partSize) {
        head.push(chunk);
        headBytes += chunk.length;
        continue;
      }
      // A byte past the first part: from here on, parts are filled in place.
      part = pool.take();
      for (const c of head) {
        part.set(c, filled);
        filled += c.length;
      }
      head = [];
    }
    for (let at = 0; at < chunk.length; ) {
      if (filled === partSize) {
        yield { body: part, last: false };
        part = pool.take();
        filled = 0;
      }
      const n = Math.min(partSize - filled, chunk.length - at);
      part.set(chunk.subarray(at, at + n), filled);
      filled += n;
      at += n;
    }
  }
  if (part !== null) yield { body: filled === partSize ? part : part.subarray(0, filled), last: true };
  else yield { body: head.length === 1 ? (head[0] as Buffer) : Buffer.concat(head, headBytes), last: true };
}
