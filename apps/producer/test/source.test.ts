import { decode } from "@weblog/log-schema";
import { describe, expect, it } from "vitest";
import { createInlineSource, createWorkerSource, type SourceSettings } from "../src/source";

// The built worker (turbo builds the app before its tests).
const script = new URL("../dist/generator-worker.js", import.meta.url);

const base: SourceSettings = {
  seed: 42,
  startTime: Date.parse("2026-11-25T00:00:00Z"),
  logRate: 1000,
  format: "json",
  key: "ip",
  partition: undefined,
};

describe("message sources", () => {
  it("the worker source yields exactly what the inline source yields, across chunk boundaries", async () => {
    const inline = createInlineSource(base);
    const worker = createWorkerSource(base, { script, chunkSize: 700, prefetch: 2 });
    try {
      const a = [...(await inline.take(1000)), ...(await inline.take(1500))];
      const b = [...(await worker.take(1000)), ...(await worker.take(1500))];
      expect(b).toHaveLength(2500);
      expect(b).toEqual(a);
      for (const m of b.slice(0, 50)) {
        const r = decode(m.value as string);
        expect(r.ok).toBe(true);
        if (r.ok) expect(m.key).toBe(r.record.ip);
      }
    } finally {
      await worker.close();
      await inline.close();
    }
  });

  it("applies --key none, --format clf and a pinned partition", async () => {
    const settings: SourceSettings = { ...base, key: "none", format: "clf", partition: 2 };
    const worker = createWorkerSource(settings, { script, chunkSize: 100 });
    try {
      const got = await worker.take(250);
      expect(got.every((m) => m.key === null && m.partition === 2)).toBe(true);
      const inline = await createInlineSource(settings).take(250);
      expect(got.map((m) => m.value)).toEqual(inline.map((m) => m.value));
      expect(got[0]?.value).toMatch(/^\S+ - - \[/);
    } finally {
      await worker.close();
    }
  });
});
