import { createServer } from "node:net";
import { decode } from "@weblog/log-schema";
import {
  type KafkaHandle,
  readTopicWithKcat,
  runCli,
  spawnCli,
  startKafka,
  uniqueName,
} from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { brokerCount, MAIN, parseSummary, readWithKafkajs } from "./helpers";

let kafka: KafkaHandle;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  kafka = await startKafka();
  // The child reads its brokers from env like any user would; no stray WEBLOG_* from the outer shell.
  env = { KAFKA_BROKERS: kafka.bootstrap, WEBLOG_LOG_LEVEL: "info" };
  for (const k of Object.keys(process.env)) if (k.startsWith("WEBLOG_") && !(k in env)) env[k] = undefined;
});

afterAll(async () => {
  await kafka?.stop();
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("producer --count", () => {
  it("delivers exactly N schema-valid records keyed by ip (read back with kafkajs and kcat)", async () => {
    const topic = uniqueName("prod-count");
    const n = 3000;
    const res = await runCli(
      MAIN,
      ["--topic", topic, "--count", String(n), "--seed", "7", "--key", "ip", "--json"],
      {
        env,
        timeoutMs: 60_000,
      },
    );
    expect(res.stderr).not.toMatch(/"level":5\d/);
    expect(res.code).toBe(0);
    const summary = parseSummary(res.stdout);
    expect(summary).toMatchObject({ topic, sent: n, acked: n, failed: 0, stoppedBy: "count" });
    expect(Object.values(summary.partitions ?? {}).reduce((a, b) => a + b, 0)).toBe(n);

    const viaKafkajs = await readWithKafkajs(kafka.bootstrap, topic, n);
    expect(viaKafkajs).toHaveLength(n);
    for (const m of viaKafkajs) {
      const r = decode(m.value);
      if (!r.ok) throw new Error(`invalid record at ${m.partition}/${m.offset}: ${r.error.message}`);
      expect(m.key).toBe(r.record.ip);
    }

    const viaKcat = await readTopicWithKcat({
      bootstrap: kafka.bootstrap,
      topic,
      count: n,
      timeoutMs: 20_000,
    });
    expect(viaKcat).toHaveLength(n);
    expect(new Set(viaKcat.map((m) => `${m.partition}/${m.offset}`)).size).toBe(n);
    expect(viaKcat.map((m) => m.value).sort()).toEqual(viaKafkajs.map((m) => m.value).sort());
    for (const m of viaKcat) expect(m.key).toBe(JSON.parse(m.value ?? "{}").ip);
  });

  it("--key none sends null keys; --format clf sends combined log lines", async () => {
    const topic = uniqueName("prod-nokey");
    const res = await runCli(
      MAIN,
      ["--topic", topic, "--count", "200", "--key", "none", "--format", "clf", "--quiet"],
      {
        env,
        timeoutMs: 60_000,
      },
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toBe("");
    const got = await readTopicWithKcat({ bootstrap: kafka.bootstrap, topic, count: 200, timeoutMs: 20_000 });
    expect(got).toHaveLength(200);
    for (const m of got) {
      expect(m.key).toBeNull();
      expect(m.value).toMatch(/^\S+ - - \[[^\]]+\] "[A-Z]+ \S+ HTTP\/[\d.]+" \d{3} /);
    }
  });
});

describe("producer settings", () => {
  it("takes every flag from the environment (WEBLOG_*, KAFKA_BROKERS)", async () => {
    const topic = uniqueName("prod-env");
    const res = await runCli(MAIN, [], {
      env: { ...env, WEBLOG_TOPIC: topic, WEBLOG_COUNT: "120", WEBLOG_KEY: "ip", WEBLOG_JSON: "1" },
      timeoutMs: 60_000,
    });
    expect(res.code).toBe(0);
    expect(parseSummary(res.stdout)).toMatchObject({ topic, sent: 120, acked: 120 });
    const got = await readTopicWithKcat({ bootstrap: kafka.bootstrap, topic, count: 120, timeoutMs: 20_000 });
    expect(got).toHaveLength(120);
    expect(got.every((m) => m.key !== null && m.key === JSON.parse(m.value ?? "{}").ip)).toBe(true);
  });

  it("--compression gzip --acks 1 still delivers every record intact", async () => {
    const topic = uniqueName("prod-gzip");
    const res = await runCli(
      MAIN,
      ["--topic", topic, "--count", "800", "--compression", "gzip", "--acks", "1", "--seed", "3", "--json"],
      { env, timeoutMs: 60_000 },
    );
    expect(res.code).toBe(0);
    expect(parseSummary(res.stdout)).toMatchObject({ sent: 800, acked: 800, failed: 0 });
    const got = await readTopicWithKcat({ bootstrap: kafka.bootstrap, topic, count: 800, timeoutMs: 20_000 });
    expect(got).toHaveLength(800);
    expect(got.every((m) => decode(m.value ?? "").ok)).toBe(true);
  });
});

describe("producer --rate", () => {
  it("holds 500 records/s within 10% (from the broker's record timestamps)", async () => {
    const topic = uniqueName("prod-rate");
    const res = await runCli(MAIN, ["--topic", topic, "--rate", "500", "--duration", "3s", "--json"], {
      env,
      timeoutMs: 60_000,
    });
    expect(res.code).toBe(0);
    const summary = parseSummary(res.stdout);
    expect(summary.stoppedBy).toBe("duration");
    const msgs = await readWithKafkajs(kafka.bootstrap, topic, summary.acked);
    expect(msgs).toHaveLength(summary.acked);
    const times = msgs.map((m) => m.timestamp).sort((a, b) => a - b);
    const first = times[0] as number;
    const last = times[times.length - 1] as number;
    // Records after the first batch were earned over [first, last]: rate = those records / that span.
    const afterFirst = times.filter((t) => t > first).length;
    const rate = (afterFirst * 1000) / (last - first);
    expect(last - first).toBeGreaterThan(2000);
    expect(rate).toBeGreaterThan(450);
    expect(rate).toBeLessThan(550);
    // The app's own figure agrees.
    expect(summary.rate).toBeGreaterThan(450);
    expect(summary.rate).toBeLessThan(550);
  });
});

describe("producer signals", () => {
  it("SIGINT mid-run: stops, flushes in-flight, exit 0, summary == what the broker holds", async () => {
    const topic = uniqueName("prod-sigint");
    const cli = spawnCli(MAIN, ["--topic", topic, "--json"], { env });
    await cli.waitForOutput(/"msg":"producing"/, 20_000);
    // mid-run: the broker already holds records (bounded wait on that, not a fixed sleep)
    for (let i = 0; i < 100 && (await brokerCount(kafka.bootstrap, topic).catch(() => 0)) === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    cli.kill("SIGINT");
    const res = await cli.waitForExit(30_000);
    expect(res.code).toBe(0);
    const summary = parseSummary(res.stdout);
    expect(summary.stoppedBy).toBe("signal");
    expect(summary.acked).toBeGreaterThan(0);
    expect(summary.failed).toBe(0);
    expect(summary.acked).toBe(summary.sent);
    expect(await brokerCount(kafka.bootstrap, topic)).toBe(summary.acked);
  });
});

describe("producer errors", () => {
  it("broker dies mid-run: stops, prints the summary (acked + failed == sent), one-line error, exit 2", async () => {
    const own = await startKafka({ dedicated: true }); // never the shared broker: this test kills it
    try {
      const topic = uniqueName("prod-die");
      const cli = spawnCli(MAIN, ["--topic", topic, "--rate", "200", "--max-in-flight", "4", "--json"], {
        env: { ...env, KAFKA_BROKERS: own.bootstrap },
      });
      await cli.waitForOutput(/"msg":"producing"/, 20_000);
      // the broker dies once it holds records (bounded wait on the condition, not a fixed sleep)
      for (let i = 0; i < 100 && (await brokerCount(own.bootstrap, topic).catch(() => 0)) === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      await own.stop();
      const res = await cli.waitForExit(60_000);
      expect(res.code).toBe(2);
      const summary = parseSummary(res.stdout);
      expect(summary.stoppedBy).toBe("error");
      expect(summary.acked).toBeGreaterThan(0);
      expect(summary.failed).toBeGreaterThan(0);
      expect(summary.acked + summary.failed).toBe(summary.sent);
      // Backpressure held while kafkajs retried: generation paused, so what was lost is at most what the producer
      // may hold (batch of 10 at 200/s x (4 in flight + 1 buffered)) plus the one send() under way.
      expect(summary.failed).toBeLessThanOrEqual(10 * (4 + 1) + 10);
      const last = res.stderr.trim().split("\n").pop() ?? "";
      expect(last).toMatch(/^producer: .*unreachable.*127\.0\.0\.1:\d+/);
      expect(res.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await own.stop();
    }
  });

  it("unreachable broker: one line naming the address, exit 2, within 10 s", async () => {
    const port = await closedPort();
    const res = await runCli(MAIN, ["--count", "10", "--brokers", `127.0.0.1:${port}`], {
      env,
      timeoutMs: 20_000,
    });
    expect(res.code).toBe(2);
    expect(res.durationMs).toBeLessThan(10_000);
    const lines = res.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`127.0.0.1:${port}`);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it("SASL against a broker without SASL, at info and debug: one line naming the listener, no kafkajs warning", async () => {
    for (const level of ["info", "debug"]) {
      const res = await runCli(MAIN, ["--count", "10", "--topic", uniqueName("sasl")], {
        env: {
          ...env,
          WEBLOG_LOG_LEVEL: level,
          KAFKA_SASL_MECHANISM: "plain",
          KAFKA_SASL_USERNAME: "alice",
          KAFKA_SASL_PASSWORD: "wonderland-secret",
        },
        timeoutMs: 30_000,
      });
      expect(res.code).toBe(2);
      expect(res.stderr).not.toMatch(/\n\s+at |"stack"/);
      expect(res.stderr).not.toContain("wonderland-secret");
      // No warning-level JSON log before the error line (kafkajs's "Response SaslHandshake" used to be one).
      expect(res.stderr.split("\n").filter((l) => /^\{.*"level":(4|5|6)\d/.test(l))).toEqual([]);
      const lines = res.stderr.trim().split("\n");
      if (level === "info") expect(lines).toHaveLength(1);
      expect(lines.at(-1)).toMatch(/^producer: Kafka at \S+ does not accept SASL plain on this listener/);
    }
  });

  it("bad flags: one line naming the flag, exit 2", async () => {
    for (const args of [["--rate", "fast"], ["--bogus"], ["--key", "user"], ["--stdin", "--count", "3"]]) {
      const res = await runCli(MAIN, args, { env, timeoutMs: 20_000 });
      expect(res.code).toBe(2);
      const lines = res.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(args.find((a) => a.startsWith("--") && a !== "--stdin") as string);
    }
  });

  it("--help prints usage and exits 0", async () => {
    const res = await runCli(MAIN, ["--help"], { env, timeoutMs: 20_000 });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("--rate");
    expect(res.stdout).toContain("WEBLOG_");
  });
});

describe("producer --stdin", () => {
  it("sends each line as one message, in order, on partition 0", async () => {
    const topic = uniqueName("prod-stdin");
    const lines = Array.from(
      { length: 1200 },
      (_, i) => `order-${String(i).padStart(5, "0")} {"qty":${i % 7}}`,
    );
    const res = await runCli(MAIN, ["--topic", topic, "--stdin", "--json"], {
      env,
      timeoutMs: 60_000,
      stdin: `${lines.join("\n")}\n\n`,
    });
    expect(res.code).toBe(0);
    expect(parseSummary(res.stdout)).toMatchObject({
      sent: 1200,
      acked: 1200,
      stoppedBy: "eof",
      mode: "stdin",
    });
    const got = await readTopicWithKcat({
      bootstrap: kafka.bootstrap,
      topic,
      count: 1200,
      timeoutMs: 20_000,
    });
    expect(got.map((m) => m.partition)).toEqual(lines.map(() => 0));
    expect(got.map((m) => m.value)).toEqual(lines);
    expect(got.every((m) => m.key === null)).toBe(true);
  });

  it("a line typed later arrives after the earlier ones (interactive use)", async () => {
    const topic = uniqueName("prod-stdin-live");
    const cli = spawnCli(MAIN, ["--topic", topic, "--stdin", "--json"], { env });
    await cli.waitForOutput(/"msg":"producing"/, 20_000);
    cli.write("first\nsecond\n");
    // "later" for real: the first two lines are on the broker before the third is typed
    for (let i = 0; i < 100 && (await brokerCount(kafka.bootstrap, topic).catch(() => 0)) < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    cli.write("third\n");
    cli.endInput();
    const res = await cli.waitForExit(20_000);
    expect(res.code).toBe(0);
    const got = await readTopicWithKcat({ bootstrap: kafka.bootstrap, topic, count: 3, timeoutMs: 20_000 });
    expect(got.map((m) => m.value)).toEqual(["first", "second", "third"]);
  });

  it("input longer than one batch and read to its end before it is sent: every line, exit 0", async () => {
    // The input ends (readline closes) while most lines still wait to be sent; resuming the closed reader after a
    // batch threw ERR_USE_AFTER_CLOSE on Node 24 (exit 1, a stack trace, the rest of the lines lost).
    const topic = uniqueName("prod-stdin-eof");
    const lines = Array.from({ length: 1200 }, (_, i) => `line-${i}`);
    const res = await runCli(MAIN, ["--topic", topic, "--stdin", "--batch-size", "100", "--json"], {
      env,
      timeoutMs: 60_000,
      stdin: `${lines.join("\n")}\n`,
    });
    expect(res.stderr).not.toContain("ERR_USE_AFTER_CLOSE");
    expect(res.code).toBe(0);
    expect(parseSummary(res.stdout)).toMatchObject({ sent: 1200, acked: 1200, stoppedBy: "eof" });
    const got = await readTopicWithKcat({
      bootstrap: kafka.bootstrap,
      topic,
      count: 1200,
      timeoutMs: 20_000,
    });
    expect(got.map((m) => m.value)).toEqual(lines);
  });
});
