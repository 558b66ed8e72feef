import { spawn } from "node:child_process";
import { type KafkaHandle, runCli, spawnCli, startKafka, uniqueName } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatMessage } from "../src/print/print-consumer";
import { MAIN, produce, webLogLines } from "./helpers";

describe("formatMessage", () => {
  const message = { key: Buffer.from("k1"), value: Buffer.from('{"a":1}'), offset: "7" };
  it("prints the value alone by default", () => {
    expect(formatMessage({ partition: 2, message }, { showKey: false, showMeta: false })).toBe('{"a":1}');
  });
  it("prefixes partition/offset and key, tab separated", () => {
    expect(formatMessage({ partition: 2, message }, { showKey: true, showMeta: true })).toBe(
      'p=2\to=7\tk1\t{"a":1}',
    );
    expect(
      formatMessage(
        { partition: 0, message: { ...message, key: null, value: null } },
        { showKey: true, showMeta: false },
      ),
    ).toBe("null\tnull");
  });
});

describe("consumer --print (broker)", () => {
  let kafka: KafkaHandle;
  beforeAll(async () => {
    kafka = await startKafka();
  });
  afterAll(async () => {
    await kafka?.stop();
  });

  it("prints every message from the beginning, with key and partition/offset on request", async () => {
    const topic = uniqueName("print");
    await produce(kafka.bootstrap, topic, [
      { partition: 0, value: "zero", key: "a" },
      { partition: 0, value: "one", key: "b" },
      { partition: 1, value: "two", key: "c" },
    ]);
    const res = await runCli(
      MAIN,
      ["--print", "--topic", topic, "--from-beginning", "--show-key", "--show-meta", "--max-messages", "3"],
      { env: { KAFKA_BROKERS: kafka.bootstrap }, timeoutMs: 45_000 },
    );
    expect(res.stderr).not.toMatch(/unexpected error/);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split("\n").sort();
    expect(lines).toEqual(["p=0\to=0\ta\tzero", "p=0\to=1\tb\tone", "p=1\to=0\tc\ttwo"]);
  });

  it("exits cleanly (code 0) on SIGINT while waiting for messages", async () => {
    const topic = uniqueName("print");
    await produce(kafka.bootstrap, topic, [{ partition: 0, value: "hello" }]);
    const cli = spawnCli(MAIN, ["--print", "--topic", topic, "--from-beginning"], {
      env: { KAFKA_BROKERS: kafka.bootstrap },
    });
    await cli.waitForOutput(/hello/, 30_000);
    cli.kill("SIGINT");
    const res = await cli.waitForExit(10_000);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe("hello");
  });

  it("`--print | head -n 3` exits quietly: EPIPE on stdout stops it, exit 0, no stack", async () => {
    const topic = uniqueName("print");
    // Far more than a pipe buffer (64 KiB), so the consumer is still writing when head goes away.
    await produce(
      kafka.bootstrap,
      topic,
      webLogLines(8000, 3).map((value, i) => ({ partition: i % 4, value })),
    );
    const child = spawn(
      "bash",
      ["-c", `set -o pipefail; node "$MAIN" --print --topic "$TOPIC" --from-beginning | head -n 3`],
      {
        env: { ...process.env, MAIN, TOPIC: topic, KAFKA_BROKERS: kafka.bootstrap },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    }, 40_000);
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    clearTimeout(timer);
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(3);
  });

  it("rejects a missing mode with a one-line usage error, exit 2", async () => {
    const res = await runCli(MAIN, [], { timeoutMs: 15_000 });
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toMatch(/--print .* --sink/);
  });
});
