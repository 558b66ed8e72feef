import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalConnect } from "../src/local/connect";
import { parseJavaMajor } from "../src/local/java";
import { type LocalKafka, startLocalKafka } from "../src/local/kafka";
import { KAFKA_VERSION, kafkaLibsDir } from "../src/local/paths";
import { pollUntil } from "../src/local/wait";

const repoRoot = join(__dirname, "..", "..", "..");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("local servers: versions and set-up", () => {
  it("runs the Kafka release that infra/local/pom.xml fetches and docker-compose.yaml runs", () => {
    const pom = readFileSync(join(repoRoot, "infra/local/pom.xml"), "utf8");
    expect(/<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1]).toBe(KAFKA_VERSION);
    const compose = readFileSync(join(repoRoot, "docker-compose.yaml"), "utf8");
    expect(compose).toContain(`image: apache/kafka:${KAFKA_VERSION}`);
  });

  it("reads Java's major version from both version styles", () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('java version "1.8.0_402"')).toBe(8);
    expect(parseJavaMajor('openjdk version "25" 2025-09-16')).toBe(25);
    expect(parseJavaMajor("no java here")).toBeUndefined();
  });

  it("names the missing jars and the fix when the cache is empty", () => {
    const saved = process.env.WEBLOG_CACHE_DIR;
    const empty = mkdtempSync(join(tmpdir(), "weblog-empty-cache-"));
    process.env.WEBLOG_CACHE_DIR = empty;
    try {
      expect(() => kafkaLibsDir()).toThrow(
        `Apache Kafka ${KAFKA_VERSION} jars not found in ${join(empty, `kafka-${KAFKA_VERSION}`, "libs")}: run \`bash scripts/setup.sh\``,
      );
    } finally {
      if (saved === undefined) delete process.env.WEBLOG_CACHE_DIR;
      else process.env.WEBLOG_CACHE_DIR = saved;
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("reports a broker that cannot start with the log's last lines (port already taken)", async () => {
    const first = await startLocalKafka();
    try {
      const port = Number(first.bootstrap.split(":")[1]);
      await expect(startLocalKafka({ port, startTimeoutMs: 30_000 })).rejects.toThrow(
        new RegExp(`Kafka ${KAFKA_VERSION} on 127\\.0\\.0\\.1:${port} exited`),
      );
    } finally {
      await first.stop();
    }
  });
});

describe("a local broker dies with the process that started it", () => {
  it("leaves no JVM behind when its parent is SIGKILLed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "weblog-orphan-"));
    const script = join(dir, "start.mjs");
    const entry = join(__dirname, "..", "dist", "index.js");
    writeFileSync(
      script,
      `import { startLocalKafka } from ${JSON.stringify(entry)};
const k = await startLocalKafka();
const { execSync } = await import("node:child_process");
const java = execSync("pgrep -g " + k.pgid + " java").toString().trim();
process.stdout.write(JSON.stringify({ java: Number(java) }) + "\\n");
setInterval(() => {}, 1000);
`,
    );
    const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (c: string) => {
      out += c;
    });
    try {
      const started = await pollUntil(async () => (out.includes("\n") ? out : undefined), {
        timeoutMs: 60_000,
        failed: () => (child.exitCode !== null ? `starter exited ${child.exitCode}` : undefined),
      });
      expect(started).toHaveProperty("value");
      const { java } = JSON.parse(out) as { java: number };
      expect(alive(java)).toBe(true);
      child.kill("SIGKILL");
      const gone = await pollUntil(async () => (alive(java) ? undefined : true), { timeoutMs: 20_000 });
      expect(gone).toEqual({ value: true });
    } finally {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a local Kafka Connect worker", () => {
  let kafka: LocalKafka;
  beforeAll(async () => {
    kafka = await startLocalKafka();
  });
  afterAll(async () => {
    await kafka?.stop();
  });

  // A worker scans its plugin path and joins its group: 30-60 s on two busy cores, hence the long timeout.
  it("starts in distributed mode on the broker and answers its REST API with its version", {
    timeout: 240_000,
  }, async () => {
    const connect = await startLocalConnect({ bootstrap: kafka.bootstrap });
    try {
      const root = (await (await fetch(`${connect.url}/`)).json()) as { version: string };
      expect(root.version).toBe(KAFKA_VERSION);
      expect(await (await fetch(`${connect.url}/connectors`)).json()).toEqual([]);
    } finally {
      await connect.stop();
    }
    await expect(fetch(`${connect.url}/`)).rejects.toThrow();
  });
});
