// Healthcheck for the own-sink container: the sink's own /readyz (apps/consumer --metrics-port): 200 once it has
// joined its consumer group, the broker answered within the last 6 s and its S3 bucket answers; 503 with the
// failing check otherwise. /healthz (alive only)
// and /metrics (Prometheus) are on the same port (WEBLOG_METRICS_PORT, 9464 in docker-compose.yaml).
const port = process.env.WEBLOG_METRICS_PORT ?? "9464";

try {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`/readyz answered ${res.status}: ${(await res.text()).trim()}`);
  process.exit(0);
} catch (err) {
  console.error(`unhealthy: ${err.message}`);
  process.exit(1);
}
