/**
 * The two engines of the side-by-side bench, behind one shape: our sink (apps/consumer --sink) and Kafka Connect with
 * Aiven's S3 sink (infra/connect/aiven-s3-sink.json on a local worker). Each starts on a topic and a bucket with a
 * given flush.size (ours `--flush-size`, Aiven's `file.max.records`) and a 10 s interval (ours
 * `rotate.schedule.interval.ms`, Connect's `offset.flush.interval.ms`, when Aiven uploads what it holds).
 */
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { createS3Client } from "@weblog/s3";
import {
  type CliHandle,
  type KafkaHandle,
  type LocalS3Server,
  spawnCli,
  startAivenConnect,
  uniqueName,
} from "@weblog/testkit";
import { REPO_ROOT } from "../test/paths";

const CONSUMER = `${REPO_ROOT}/apps/consumer/dist/main.js`;
export const INTERVAL_MS = 10_000;

export type Running = {
  /** Process group (Connect) or pid (ours) whose CPU and RSS are sampled. */
  root: number;
  group: string;
  verifierArgs: string[];
  /** Why the engine stopped on its own (not by kill()), or undefined. */
  failure(): string | undefined;
  kill(): void;
  restart(): Promise<void>;
  stop(): Promise<void>;
};

export type Engine = {
  name: string;
  start(topic: string, bucket: string, flushSize: number): Promise<Running>;
};

export function creds(s3: LocalS3Server) {
  return {
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  };
}

function ours(kafka: KafkaHandle, s3: LocalS3Server): Engine {
  return {
    name: "ours (consumer --sink)",
    async start(topic, bucket, flushSize) {
      const group = uniqueName("bench-sink");
      const args = [
        "--sink",
        ...["--brokers", kafka.bootstrap, "--group", group, "--topics", topic],
        ...["--bucket", bucket, "--store-url", s3.endpoint, "--region", s3.region],
        ...["--flush-size", String(flushSize), "--rotate-schedule-interval-ms", String(INTERVAL_MS)],
      ];
      const client = createS3Client({
        endpoint: s3.endpoint,
        region: s3.region,
        pathStyle: true,
        credentials: s3.credentials,
      });
      await client.send(new CreateBucketCommand({ Bucket: bucket })).finally(() => client.destroy());
      let failure: string | undefined;
      let killed = false;
      const spawn = () => {
        const c = spawnCli(CONSUMER, args, {
          env: { ...creds(s3), WEBLOG_LOG_LEVEL: "warn", WEBLOG_SINK_SESSION_TIMEOUT_MS: "6000" },
        });
        void c.waitForExit(24 * 3_600_000).then(
          (r) => {
            if (!killed)
              failure = `the sink exited ${r.code}: ${r.stderr.trim().split("\n").slice(-3).join(" ")}`;
          },
          () => {},
        );
        return c;
      };
      let child: CliHandle = spawn();
      return {
        get root() {
          return child.pid ?? 0;
        },
        group,
        verifierArgs: ["--flush-size", String(flushSize)],
        failure: () => failure,
        kill: () => {
          killed = true;
          child.kill("SIGKILL");
        },
        async restart() {
          await child.waitForExit(10_000).catch(() => {});
          killed = false;
          child = spawn();
        },
        async stop() {
          killed = true;
          child.kill("SIGTERM");
          await child.waitForExit(15_000).catch(() => {});
        },
      };
    },
  };
}

function connect(kafka: KafkaHandle, s3: LocalS3Server, dir: string): Engine {
  return {
    name: "Kafka Connect + Aiven S3 sink",
    async start(topic, bucket, flushSize) {
      const c = await startAivenConnect({
        bootstrap: kafka.bootstrap,
        s3,
        bucket,
        topic,
        repoRoot: REPO_ROOT,
        dir,
        offsetFlushIntervalMs: INTERVAL_MS,
        settings: { "file.max.records": String(flushSize) },
      });
      return {
        get root() {
          return c.worker.pgid;
        },
        group: c.group,
        verifierArgs: ["--config", c.configFile],
        failure: () => undefined,
        kill: () => process.kill(-c.worker.pgid, "SIGKILL"),
        restart: async () => {
          await c.restart();
        },
        stop: () => c.stop(),
      };
    },
  };
}

/** Both engines, ours first (the baseline of every ratio). */
export function engines(kafka: KafkaHandle, s3: LocalS3Server, dir: string): [Engine, Engine] {
  return [ours(kafka, s3), connect(kafka, s3, dir)];
}
