/** part-stream.ts on its own (pure): how chunks become parts, when a part is handed out, part buffers reused. */
import { describe, expect, it } from "vitest";
import { cutParts, type Part, PartPool } from "../src/sink/part-stream";

async function* chunksOf(body: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  for (let at = 0, i = 0; at < body.length; i++) {
    const n = sizes[i % sizes.length] as number;
    yield body.subarray(at, at + n);
    at += n;
  }
}
const collect = async (parts: AsyncIterable<Part>) => {
  const out: Part[] = [];
  for await (const p of parts) out.push(p);
  return out;
};
const pattern = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919) % 251));

describe("cutParts (pure)", () => {
  it("cuts any chunking into part-size parts, the last the rest and marked last, covering every byte once", async () => {
    for (const [len, size, chunking] of [
      [12 * 1000 + 3, 5000, [1000]],
      [10, 5, [3, 1]],
      [10, 5, [10]],
      [4, 5, [1]],
      [999, 7, [13, 2, 40]],
      [5001, 5000, [5001]],
    ] as const) {
      const body = pattern(len);
      const parts = await collect(cutParts(chunksOf(body, [...chunking]), size));
      expect(Buffer.concat(parts.map((p) => p.body)).equals(body)).toBe(true);
      expect(parts.map((p) => p.last)).toEqual(parts.map((_, i) => i === parts.length - 1));
      for (const p of parts.slice(0, -1)) expect(p.body.length).toBe(size);
      expect(parts.at(-1)?.body.length).toBe(len - size * (parts.length - 1));
      expect(parts.length).toBe(Math.ceil(len / size));
    }
  });

  it("a body of exactly one part, or none, is one last part", async () => {
    expect(
      (await collect(cutParts(chunksOf(pattern(10), [4]), 10))).map((p) => [p.body.length, p.last]),
    ).toEqual([[10, true]]);
    expect(await collect(cutParts(chunksOf(Buffer.alloc(0), [1]), 10))).toEqual([
      { body: Buffer.alloc(0), last: true },
    ]);
    const one = pattern(8);
    const [only] = await collect(
      cutParts(
        (async function* () {
          yield one;
        })(),
        10,
      ),
    );
    expect(only?.body).toBe(one); // a single chunk that fits is handed on as it is, no copy
  });

  it("hands out a full part only once a byte past it arrived, and pulls no chunk while a part is unconsumed", async () => {
    let pulled = 0;
    async function* counted() {
      for (const c of [pattern(5), pattern(5), pattern(1)]) {
        pulled += 1;
        yield c;
      }
    }
    const parts = cutParts(counted(), 5);
    const first = await parts.next();
    expect(first.value).toMatchObject({ last: false });
    expect(pulled).toBe(2); // the second chunk proved a second part exists
    const second = await parts.next();
    expect(second.value).toMatchObject({ last: false });
    expect(pulled).toBe(3);
    const third = await parts.next();
    expect(third.value?.body.length).toBe(1);
    expect(third.value?.last).toBe(true);
    expect((await parts.next()).done).toBe(true);
  });

  it("reuses the part buffers given back, so a long body needs only the parts held at once", async () => {
    class CountingPool extends PartPool {
      allocated = 0;
      override take(): Buffer {
        const before = (this as unknown as { free: Buffer[] }).free.length;
        const b = super.take();
        if (before === 0) this.allocated += 1;
        return b;
      }
    }
    const pool = new CountingPool(1000);
    const body = pattern(25_500);
    const copies: Buffer[] = [];
    for await (const p of cutParts(chunksOf(body, [300]), 1000, pool)) {
      copies.push(Buffer.from(p.body)); // "uploaded": S3 has its own copy
      pool.give(p.body);
    }
    expect(Buffer.concat(copies).equals(body)).toBe(true);
    expect(copies).toHaveLength(26);
    expect(pool.allocated).toBe(1);
    await expect(collect(cutParts(chunksOf(body, [300]), 999, pool))).rejects.toThrow(RangeError);
  });

  it("refuses a part size that is not positive", async () => {
    await expect(collect(cutParts(chunksOf(pattern(3), [1]), 0))).rejects.toThrow(RangeError);
  });
});
