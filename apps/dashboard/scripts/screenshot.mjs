#!/usr/bin/env node
/**
 * `pnpm --filter dashboard screenshot`: regenerates docs/dashboard.png (the README's picture). Runs the built
 * `pnpm demo --ui` (a broker and an S3 of its own, or KAFKA_BROKERS / S3_ENDPOINT), opens the dashboard in Debian's
 * chromium (playwright-core, no browser download) once the verifier's verdict is on the page, saves the picture,
 * and stops the demo. Build first (`pnpm build`).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const out = process.argv[2] ?? `${root}docs/dashboard.png`;
const demo = spawn(
  process.execPath,
  [
    `${root}apps/demo/dist/main.js`,
    "--ui",
    "--ui-port",
    "0",
    "--count",
    "3000",
    "--rate",
    "300",
    "--timeout",
    "150s",
  ],
  { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, WEBLOG_LOG_LEVEL: "warn" } },
);
let text = "";
const seen = (re) =>
  new Promise((resolve, reject) => {
    const check = () => {
      const m = text.match(re);
      if (m) resolve(m);
    };
    demo.stdout.on("data", (d) => {
      text += d;
      process.stdout.write(d);
      check();
    });
    demo.on("exit", (code) => reject(new Error(`the demo exited (${code}) before ${re}`)));
    check();
  });
let browser;
try {
  const url = (await seen(/dashboard: (http:\/\/\S+)/))[1];
  await seen(/demo finished in/);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const page = await browser.newPage({ viewport: { width: 1240, height: 960 } });
  await page.goto(url);
  await page.getByTestId("verdict").filter({ hasText: /^OK/ }).waitFor({ timeout: 120_000 });
  await page.waitForTimeout(1500); // one more poll: rates settle
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser?.close();
  demo.kill("SIGTERM");
}
