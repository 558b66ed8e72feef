import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createS3Client, listAllObjects } from "@weblog/s3";
import { topicPrefix } from "@weblog/sink-contract";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { CHROMIUM, startUiDemo, type UiDemo } from "./demo-run";

/** Test artifacts (gitignored): the screenshot of the page at the end of the run. */
const ARTIFACTS = fileURLToPath(new URL("../test-results/", import.meta.url));

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (${String(last)})` : ""}`);
}

/** The number a stat shows (its data-value; the text is the same number formatted). */
async function shown(page: Page, id: string): Promise<number | undefined> {
  const el = page.getByTestId(id);
  if ((await el.count()) === 0) return undefined;
  const v = await el.first().getAttribute("data-value");
  if (v === null || v === "") return undefined;
  const text = (await el.first().textContent()) ?? "";
  expect(Number(text.replace(/,/g, ""))).toBe(Number(v));
  return Number(v);
}

async function sinkCounters(url: string): Promise<{ recordsIn: number; objects: number }> {
  const text = await (await fetch(url)).text();
  const sum = (name: string) =>
    [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "gm"))].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
  return {
    recordsIn: sum("weblog_sink_records_in_total"),
    objects: sum("weblog_sink_objects_written_total"),
  };
}

const missing = !existsSync(CHROMIUM.executablePath);

describe("dashboard in a real browser (Debian chromium via playwright-core), during pnpm demo --ui", () => {
  let browser: Browser | undefined;
  let demo: UiDemo | undefined;
  afterAll(async () => {
    await browser?.close();
    if (demo) {
      demo.handle.kill("SIGTERM");
      await demo.handle.waitForExit(30_000).catch(() => {});
    }
  });

  it.skipIf(missing)("numbers move, then match the sink's /metrics and what S3 holds", async () => {
    const count = 1500;
    demo = await startUiDemo(["--count", String(count), "--rate", "250", "--timeout", "150s"]);
    browser = await chromium.launch(CHROMIUM);
    const page = await browser.newPage({ viewport: { width: 1240, height: 1000 } });
    await page.goto(demo.url);

    // Moving: what the sink has read grows while the producer runs.
    const first = await until("the sink's first records on the page", async () => {
      const v = await shown(page, "consumed");
      return v !== undefined && v > 0 ? v : undefined;
    });
    await until("the count to move", async () => {
      const v = await shown(page, "consumed");
      return v !== undefined && v > first ? v : undefined;
    });
    expect(first).toBeLessThan(count);

    await demo.handle.waitForOutput(/demo finished in .*: every record produced is in S3, once/, 240_000);
    const s3 = createS3Client({ endpoint: demo.endpoint, region: "us-east-1", pathStyle: true });
    let listed = 0;
    for await (const _ of listAllObjects(s3, demo.bucket, topicPrefix(demo.topic))) listed++;
    s3.destroy();
    const metrics = await sinkCounters(demo.sinkMetrics);
    expect(metrics.recordsIn).toBe(count);
    expect(metrics.objects).toBe(listed);

    // The page agrees with both, once its next poll has read every object's metadata.
    const seen = await until(
      "the page to show what S3 and the sink's /metrics say",
      async () => {
        const v = {
          consumed: await shown(page, "consumed"),
          written: await shown(page, "written"),
          objects: await shown(page, "objects"),
          sinkObjects: await shown(page, "sink-objects"),
          produced: await shown(page, "produced"),
          verdict: await page
            .getByTestId("verdict")
            .textContent()
            .catch(() => null),
        };
        // A verdict on a bucket that held still earlier says fewer records: wait for the one on the final bucket.
        const final = v.verdict?.startsWith(`OK: ${count} records`) ?? false;
        return v.written === count && v.objects === listed && final ? v : undefined;
      },
      90_000,
    );
    expect(seen).toMatchObject({
      consumed: metrics.recordsIn,
      sinkObjects: metrics.objects,
      produced: count,
    });
    expect(seen.verdict).toMatch(
      new RegExp(`^OK: ${count.toLocaleString("en-US")} records|^OK: ${count} records`),
    );
    // Every newest object shows its record count and the cut reason from its metadata.
    const rows = page.getByTestId("objects").locator("tbody tr");
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await rows.first().textContent()).toMatch(
      /flush\.size|rotate\.schedule\.interval\.ms|shutdown|memory/,
    );

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}dashboard.png`, fullPage: true });
    expect(existsSync(`${ARTIFACTS}dashboard.png`)).toBe(true);
  });
});
