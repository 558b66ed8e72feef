// Healthcheck for the own-sink container: the sink process (PID 1) is alive and both of its dependencies answer:
// Kafka's internal listener accepts a TCP connection and MinIO reports itself live. The sink itself has no HTTP port;
// a sink that cannot reach either exits (exit 2) or retries, which this makes visible as "unhealthy".
import { connect } from "node:net";

const [host, port] = (process.env.KAFKA_BROKERS ?? "kafka:19092").split(",")[0].split(":");
const s3 = process.env.S3_ENDPOINT ?? "http://minio:9000";

function tcp() {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port), timeout: 3000 }, () => {
      socket.end();
      resolve();
    });
    socket.on("timeout", () => reject(new Error(`kafka ${host}:${port} timed out`)));
    socket.on("error", reject);
  });
}

try {
  process.kill(1, 0);
  await tcp();
  const res = await fetch(`${s3}/minio/health/live`, { signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`${s3} answered ${res.status}`);
  process.exit(0);
} catch (err) {
  console.error(`unhealthy: ${err.message}`);
  process.exit(1);
}
