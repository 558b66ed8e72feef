import { fileURLToPath } from "node:url";
import { type CliHandle, spawnCli } from "@weblog/testkit";

/** The built demo, run with --ui: its dashboard URL, the bucket and the sink's metrics port, from its output. */
export const DEMO = fileURLToPath(new URL("../../demo/dist/main.js", import.meta.url));

export interface UiDemo {
  handle: CliHandle;
  url: string;
  endpoint: string;
  bucket: string;
  topic: string;
  sinkMetrics: string;
}

export async function startUiDemo(args: string[]): Promise<UiDemo> {
  const handle = spawnCli(DEMO, ["--ui", "--ui-port", "0", ...args], {
    env: { ...process.env, WEBLOG_LOG_LEVEL: "warn" },
  });
  const s3 = await handle.waitForOutput(/S3 (http:\/\/\S+) bucket (\S+):/, 120_000);
  const ui = await handle.waitForOutput(
    /dashboard: (http:\/\/\S+)\s+\(metrics: producer :\d+, sink :(\d+)\)/,
    120_000,
  );
  const topic = await handle.waitForOutput(/to topic (\S+)/, 60_000);
  return {
    handle,
    url: ui[1] as string,
    endpoint: s3[1] as string,
    bucket: s3[2] as string,
    topic: topic[1] as string,
    sinkMetrics: `http://127.0.0.1:${ui[2]}/metrics`,
  };
}

/** Debian's chromium, headless, no browser download (playwright-core only drives it). */
export const CHROMIUM = {
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
};
