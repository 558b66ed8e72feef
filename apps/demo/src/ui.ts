/**
 * `pnpm demo --ui`: the live dashboard (apps/dashboard) next to the demo. The producer and our sink serve their
 * metrics on free ports picked here; the dashboard reads them, Kafka (the engine group's commits) and the bucket,
 * and runs the verifier now and then. With Kafka Connect (no Prometheus) it shows what Kafka and S3 show.
 */
import { type CliHandle, freePort, spawnCli } from "@weblog/testkit";

export interface UiPorts {
  producer: number;
  sink: number;
}

export async function pickMetricsPorts(): Promise<UiPorts> {
  const [producer, sink] = await Promise.all([freePort(), freePort()]);
  return { producer, sink };
}

export interface DashboardContext {
  path: string;
  port: number;
  ports: UiPorts;
  engine: "sink" | "connect";
  topic: string;
  bucket: string;
  endpoint: string;
  region: string;
  brokers: string;
  group: string;
  flushSize: number;
  /** Kafka Connect's connector JSON, for the verifier (`--config`). */
  verifierConfig?: string | undefined;
  /** `--iceberg-table ns.t --iceberg-catalog-uri ...` with --format iceberg: the page shows the table's snapshots. */
  tableArgs?: string[];
  env: NodeJS.ProcessEnv;
}

/** Starts the dashboard and resolves with its URL once it serves. */
export async function startDashboard(c: DashboardContext): Promise<{ url: string; handle: CliHandle }> {
  const args = [
    ...["--port", String(c.port), "--topic", c.topic, "--bucket", c.bucket],
    ...["--endpoint", c.endpoint, "--region", c.region, "--brokers", c.brokers, "--group", c.group],
    ...["--engine", c.engine, "--flush-size", String(c.flushSize), "--verify-every", "5s"],
    ...["--producer-metrics", `http://127.0.0.1:${c.ports.producer}/metrics`],
    ...(c.engine === "sink" ? ["--sink-metrics", `http://127.0.0.1:${c.ports.sink}/metrics`] : []),
    ...(c.verifierConfig ? ["--verifier-config", c.verifierConfig] : []),
    ...(c.tableArgs ?? []),
  ];
  const handle = spawnCli(c.path, args, { env: c.env });
  const m = await handle.waitForOutput(/dashboard: (http:\/\/\S+)/, 20_000).catch(() => {
    throw new Error(
      `the dashboard did not start:\n${handle.stderr().trim().split("\n").slice(-5).join("\n")}`,
    );
  });
  return { url: m[1] as string, handle };
}
