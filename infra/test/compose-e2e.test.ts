/**
 * End to end on the real stack: docker compose up (Kafka, MinIO, Kafka Connect with Confluent's S3 sink, the
 * connector registered from infra/connect/s3-sink.json), produce N logs with the producer app, then the verifier
 * app must find exactly N records in S3: no gaps, no duplicates, no object over flush.size (10).
 *
 * Runs only where a Docker engine answers; elsewhere each test is skipped with that reason.
 */
import { join } from "node:path";
import { dockerAvailable, runCli } from "@weblog/testkit";
import { DockerComposeEnvironment, type StartedDockerComposeEnvironment, Wait } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./paths";

const docker = await dockerAvailable();
const engine = process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock (DOCKER_HOST unset)";
const N = 1234;
const PRODUCER = join(REPO_ROOT, "apps", "producer", "dist", "main.js");
const VERIFIER = join(REPO_ROOT, "apps", "s3-verifier", "dist", "main.js");

const NO_DOCKER = `no Docker engine at ${engine}: the compose end-to-end test needs one (the static compose/connector checks and the no-Docker stack tests still run)`;

describe("compose stack end to end (Kafka -> Kafka Connect S3 sink -> MinIO)", () => {
  let stack: StartedDockerComposeEnvironment | undefined;

  beforeAll(async () => {
    if (!docker) return;
    stack = await new DockerComposeEnvironment(REPO_ROOT, "docker-compose.yaml")
      .withBuild()
      .withProjectName(`weblog-e2e-${process.pid}`)
      .withWaitStrategy("kafka-1", Wait.forHealthCheck())
      .withWaitStrategy("minio-1", Wait.forHealthCheck())
      // connect is healthy only when the connector's task is RUNNING; connect-register once it registered it.
      .withWaitStrategy("connect-1", Wait.forHealthCheck())
      .withWaitStrategy("connect-register-1", Wait.forHealthCheck())
      .withStartupTimeout(600_000)
      .up();
  }, 900_000);

  afterAll(async () => {
    await stack?.down({ removeVolumes: true, timeout: 20_000 });
  }, 120_000);

  it(`delivers ${N} produced logs to S3 exactly once, in objects of at most 10 records`, async (ctx) => {
    if (!docker) ctx.skip(NO_DOCKER);
    const produced = await runCli(PRODUCER, ["--count", String(N), "--rate", "0", "--quiet", "--json"], {
      env: { KAFKA_BROKERS: "localhost:9092" },
      timeoutMs: 120_000,
    });
    expect(produced.code, produced.stderr).toBe(0);

    // flush.size=10 uploads full objects at once; rotate.schedule.interval.ms=10000 flushes the rest. Poll the
    // verifier until it is satisfied or the deadline passes (bounded: at most 24 runs, about 2 minutes).
    let last: { code: number | null; stdout: string; stderr: string } | undefined;
    let report: {
      ok: boolean;
      totals: { records: number; duplicateRecords: number; objects: number };
      findings: unknown[];
    } | null = null;
    const deadline = Date.now() + 120_000;
    for (let i = 0; i < 24 && Date.now() < deadline; i++) {
      last = await runCli(
        VERIFIER,
        ["--expect-count", String(N), "--flush-size", "10", "--brokers", "localhost:9092", "--json"],
        { env: { S3_ENDPOINT: "http://localhost:9000", S3_BUCKET: "weblogs" }, timeoutMs: 60_000 },
      );
      report = last.stdout.trim().startsWith("{") ? JSON.parse(last.stdout) : null;
      if (last.code === 0 && report?.ok) break;
      await new Promise((r) => setTimeout(r, 5000));
    }
    expect(report, last?.stderr).not.toBeNull();
    expect(report?.findings, last?.stdout).toEqual([]);
    expect(report?.ok).toBe(true);
    expect(report?.totals.records).toBe(N);
    expect(report?.totals.duplicateRecords).toBe(0);
    expect(report?.totals.objects).toBeGreaterThanOrEqual(Math.ceil(N / 10));
    expect(last?.code).toBe(0);
  }, 300_000);
});
