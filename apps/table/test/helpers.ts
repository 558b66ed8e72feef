/** What the table app's tests share: record lines at given times, the CLI, PyIceberg's rows. */
import { fileURLToPath } from "node:url";
import { createFakeLog } from "@weblog/fake-log";
import { encode } from "@weblog/log-schema";
import { type IcebergCatalog, runCli, type S3Handle } from "@weblog/testkit";

export const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** `n` record lines whose times start at `startIso` and step `stepMs`. */
export function linesAt(seed: number, n: number, startIso: string, stepMs: number): string[] {
  const start = Date.parse(startIso);
  return createFakeLog({ seed })
    .batch(n)
    .map((r, i) => encode({ ...r, timestamp: new Date(start + i * stepMs).toISOString() }));
}

/** `weblog-table <args>` against the test's catalog and S3. */
export function tableCli(
  s3: S3Handle,
  catalog: IcebergCatalog,
  args: string[],
  env: Record<string, string> = {},
) {
  return runCli(MAIN, [...args, "--iceberg-catalog-uri", catalog.uri], {
    env: {
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      WEBLOG_LOG_FORMAT: "json",
      ...env,
    },
    timeoutMs: 150_000,
  });
}

/** Each line's count (a multiset), for "every row exactly once". */
export function counts(lines: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l, (m.get(l) ?? 0) + 1);
  return m;
}
