import type { ListedObject } from "@weblog/s3";
import { describe, expect, it } from "vitest";
import { dirOf, type Lister, listFrom, listingStreams, readAhead } from "../src/listing";

/** A sorted key set with S3's listing semantics (prefix, StartAfter, one level with a delimiter); records calls. */
function lister(keys: string[]): Lister & { calls: string[] } {
  const sorted = [...keys].sort();
  const obj = (key: string): ListedObject => ({ key, size: 1 });
  const calls: string[] = [];
  return {
    calls,
    async *list(prefix, startAfter) {
      calls.push(`list ${prefix}${startAfter ? ` after ${startAfter}` : ""}`);
      for (const k of sorted)
        if (k.startsWith(prefix) && (startAfter === undefined || k > startAfter)) yield obj(k);
    },
    async level(prefix) {
      calls.push(`level ${prefix}`);
      const dirs = new Set<string>();
      const objects: ListedObject[] = [];
      for (const k of sorted) {
        if (!k.startsWith(prefix)) continue;
        const rest = k.slice(prefix.length);
        const at = rest.indexOf("/");
        if (at < 0) objects.push(obj(k));
        else dirs.add(prefix + rest.slice(0, at + 1));
      }
      return { objects, dirs: [...dirs] };
    },
  };
}

const key = (t: string, p: number, o: number) =>
  `topics/${t}/partition=${p}/${t}+${p}+${String(o).padStart(10, "0")}.json`;

describe("listing from the seams", () => {
  it("lists a seam directory after its seam key, walks only the levels leading to seams, lists the rest whole", async () => {
    const keys = [
      key("a", 0, 0),
      key("a", 0, 10),
      key("a", 0, 20),
      key("a", 1, 0),
      key("b", 0, 0),
      "topics/a/stray.txt",
    ];
    const l = lister(keys);
    const seams = new Map([[dirOf(key("a", 0, 10), "/"), key("a", 0, 10)]]);
    const got: string[] = [];
    for await (const o of listFrom(l, "topics/", seams, "/")) got.push(o.key);
    expect(got.sort()).toEqual(
      [key("a", 0, 20), key("a", 1, 0), key("b", 0, 0), "topics/a/stray.txt"].sort(),
    );
    expect(l.calls).toEqual([
      "level topics/",
      "level topics/a/",
      `list topics/a/partition=0/ after ${key("a", 0, 10)}`,
      "list topics/a/partition=1/",
      "list topics/b/",
    ]);
  });

  it("without seams: one plain listing", async () => {
    const l = lister([key("a", 0, 0)]);
    const got: string[] = [];
    for await (const o of listFrom(l, "topics/", new Map(), "/")) got.push(o.key);
    expect(got).toEqual([key("a", 0, 0)]);
    expect(l.calls).toEqual(["list topics/"]);
  });
});

describe("listings side by side", () => {
  const drain = async (streams: AsyncIterable<ListedObject>[]) => {
    const out: string[][] = [];
    for (const s of streams) {
      const keys: string[] = [];
      for await (const o of s) keys.push(o.key);
      out.push(keys);
    }
    return out;
  };

  it("one listing per partition directory (default partitioner), each in offset order, seams kept", async () => {
    const keys = [key("a", 0, 0), key("a", 0, 10), key("a", 1, 0), key("b", 0, 0), "topics/a/stray.txt"];
    const seams = new Map([[dirOf(key("a", 0, 0), "/"), key("a", 0, 0)]]);
    const got = await drain(await listingStreams(lister(keys), ["topics/"], seams, "/"));
    expect(got).toEqual([["topics/a/stray.txt"], [key("a", 0, 10)], [key("a", 1, 0)], [key("b", 0, 0)]]);
  });

  it("any other layout (a time partitioner's directories): one listing of the prefix, as before", async () => {
    const keys = [key("a", 0, 0), "topics/b/year=2026/month=11/b+0+0000000000.json"];
    const l = lister(keys);
    const got = await drain(await listingStreams(l, ["topics/"], new Map(), "/"));
    expect(got).toEqual([[key("a", 0, 0), "topics/b/year=2026/month=11/b+0+0000000000.json"]]);
    expect(l.calls.at(-1)).toBe("list topics/");
  });

  it("readAhead pulls ahead of the consumer, at most `ahead` items, and yields everything in order", async () => {
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < 50; i++) {
        pulled = i + 1;
        yield i;
      }
    }
    const got: number[] = [];
    for await (const v of readAhead(source(), 5)) {
      if (v === 0) {
        // Let the pump run (bounded: it pulls on its own, without this consumer asking).
        for (let i = 0; i < 1000 && pulled < 6; i++) await new Promise((r) => setImmediate(r));
        expect(pulled).toBeGreaterThan(1);
        expect(pulled).toBeLessThanOrEqual(7);
      }
      got.push(v);
    }
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
