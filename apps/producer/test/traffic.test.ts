import { decode } from "@weblog/log-schema";
import { type KafkaHandle, readTopicWithKcat, runCli, startKafka, uniqueName } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAIN, parseSummary } from "./helpers";

let kafka: KafkaHandle;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  kafka = await startKafka();
  env = { KAFKA_BROKERS: kafka.bootstrap, WEBLOG_LOG_LEVEL: "warn" };
  for (const k of Object.keys(process.env)) if (k.startsWith("WEBLOG_") && !(k in env)) env[k] = undefined;
});

afterAll(async () => {
  await kafka?.stop();
});

describe("producer with fake-log's traffic options", () => {
  it("sends bad records (tombstones as null values), late records in delivery order and incident traffic, counted in the summary", async () => {
    const topic = uniqueName("prod-traffic");
    const n = 3000;
    const res = await runCli(
      MAIN,
      [
        "--topic",
        topic,
        "--count",
        String(n),
        "--seed",
        "5",
        "--rate",
        "0",
        "--partition",
        "0",
        "--key",
        "ip",
        "--bad-share",
        "0.05",
        "--late-share",
        "0.1",
        "--late-max",
        "2s",
        "--incident",
        "scanner-sweep@0s/1s*1",
        "--json",
      ],
      { env, timeoutMs: 60_000 },
    );
    expect(res.code, res.stderr).toBe(0);
    const summary = parseSummary(res.stdout) as ReturnType<typeof parseSummary> & {
      bad: number;
      late: number;
      badKinds: Record<string, number>;
    };
    expect(summary).toMatchObject({ sent: n, acked: n, failed: 0 });
    expect(summary.bad).toBeGreaterThan(n * 0.03);
    expect(summary.bad).toBeLessThan(n * 0.07);
    expect(summary.late).toBeGreaterThan(n * 0.07);
    expect(summary.badKinds.tombstone).toBeGreaterThan(0);

    const got = await readTopicWithKcat({ bootstrap: kafka.bootstrap, topic, count: n, timeoutMs: 30_000 });
    expect(got).toHaveLength(n);
    const tombstones = got.filter((m) => m.value === null);
    expect(tombstones).toHaveLength(summary.badKinds.tombstone!);
    expect(tombstones.every((m) => m.key !== null)).toBe(true);
    // Invalid UTF-8 reaches the reader as U+FFFD once decoded as text (kcat's output is text).
    const invalid = got.filter((m) => m.value === null || !decode(m.value).ok || m.value.includes("\uFFFD"));
    expect(invalid).toHaveLength(summary.bad);

    // One partition, so the topic's order is the send order: delivery order, with late timestamps out of order.
    const times = got
      .filter((m) => m.value !== null && decode(m.value).ok && !m.value.includes("\uFFFD"))
      .map((m) => JSON.parse(m.value as string).timestamp as string);
    let outOfOrder = 0;
    for (let i = 1; i < times.length; i++) if (times[i]! < times[i - 1]!) outOfOrder++;
    expect(outOfOrder).toBeGreaterThan(n * 0.03);
    const sweep = got.filter((m) => m.value?.includes("Nuclei") && m.value.includes('"/.env"'));
    expect(sweep.length).toBeGreaterThan(0);
  });

  it("--format elb and --profile diurnal pass through; bad flags are one line and exit 2", async () => {
    const topic = uniqueName("prod-elb");
    const res = await runCli(
      MAIN,
      ["--topic", topic, "--count", "50", "--format", "elb", "--profile", "diurnal", "--quiet"],
      {
        env,
        timeoutMs: 60_000,
      },
    );
    expect(res.code, res.stderr).toBe(0);
    const got = await readTopicWithKcat({ bootstrap: kafka.bootstrap, topic, count: 50, timeoutMs: 20_000 });
    expect(got).toHaveLength(50);
    for (const m of got) expect(m.value).toMatch(/^https \S+Z app\/weblog-alb\/\S+ \S+:\d+ /);

    for (const [args, pattern] of [
      [["--incident", "flood@1m"], /--incident.*KIND/],
      [["--bad-kinds", "tombstone,nope"], /--bad-kinds.*"nope"/],
      [["--stdin", "--bad-share", "0.1"], /--bad-share does not apply with --stdin/],
      [["--profile", "diurnal", "--timezone", "Mars/Base"], /--timezone: .*IANA time zone/],
      [["--late-share", "0.1", "--late-mean", "10m", "--late-max", "1m"], /--late-mean: late.mean must be/],
      [["--incident", "5xx-storm:nowhere"], /--incident: .*service must be one of/],
    ] as const) {
      const bad = await runCli(MAIN, [...args], { env, timeoutMs: 30_000 });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(pattern);
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
