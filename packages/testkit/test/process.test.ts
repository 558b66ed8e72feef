import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { dockerAvailable, runCli, spawnCli, startKafka, TestkitError, uniqueName } from "../src/index";

const CLI = fileURLToPath(new URL("./fixtures/cli.mjs", import.meta.url));

describe("runCli", () => {
  it("feeds stdin and collects stdout, exit code and duration", async () => {
    const r = await runCli(CLI, ["echo-stdin"], { stdin: "hello\nworld\n", timeoutMs: 10_000 });
    expect(r).toMatchObject({ code: 0, signal: null, stdout: "HELLO\nWORLD\n", stderr: "", timedOut: false });
    expect(r.durationMs).toBeGreaterThan(0);
  });

  it("reports a non-zero exit code and stderr without throwing", async () => {
    const r = await runCli(CLI, ["exit", "2"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("exiting with 2\n");
  });

  it("merges env over process.env and removes variables set to undefined", async () => {
    process.env.TESTKIT_INHERITED = "parent";
    try {
      const set = await runCli(CLI, ["env", "TESTKIT_X"], { env: { TESTKIT_X: "42" } });
      expect(set.stdout).toBe("TESTKIT_X=42\n");
      const inherited = await runCli(CLI, ["env", "TESTKIT_INHERITED"]);
      expect(inherited.stdout).toBe("TESTKIT_INHERITED=parent\n");
      const removed = await runCli(CLI, ["env", "TESTKIT_INHERITED"], {
        env: { TESTKIT_INHERITED: undefined },
      });
      expect(removed.stdout).toBe("TESTKIT_INHERITED=<unset>\n");
    } finally {
      delete process.env.TESTKIT_INHERITED;
    }
  });

  it("kills a CLI that outlives timeoutMs (SIGTERM, then SIGKILL) and says so", async () => {
    const r = await runCli(CLI, ["hang"], { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.code).toBeNull();
    expect(r.signal).toBe("SIGKILL");
  });
});

describe("spawnCli", () => {
  it("waits for output, takes stdin, and exits cleanly on a signal", async () => {
    const cli = spawnCli(CLI, ["wait-signal"]);
    try {
      await cli.waitForOutput(/ready/, 5000);
      cli.write("abc\n");
      const m = await cli.waitForOutput(/line:(\w+)/, 5000);
      expect(m[1]).toBe("abc");
      cli.kill("SIGTERM");
      const r = await cli.waitForExit(5000);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("got SIGTERM");
      expect(cli.stderr()).toBe("ready\n");
    } finally {
      cli.kill("SIGKILL");
    }
  });

  it("waitForOutput rejects on timeout and when the process exits without the output", async () => {
    const hung = spawnCli(CLI, ["hang"]);
    await expect(hung.waitForOutput(/never/, 200)).rejects.toThrow(/did not print \/never\/ within 200 ms/);
    await expect(hung.waitForExit(200)).rejects.toThrow(/did not exit within 200 ms/);
    expect(hung.child.signalCode).toBe("SIGKILL");

    const quick = spawnCli(CLI, ["exit", "3"]);
    await expect(quick.waitForOutput(/never/, 5000)).rejects.toThrow(/exited \(3\)/);
    expect((await quick.waitForExit()).code).toBe(3);
  });
});

describe("uniqueName", () => {
  it("is unique, keeps the prefix, and is a valid topic and bucket name", () => {
    const names = new Set(Array.from({ length: 1000 }, () => uniqueName("My_Topic")));
    expect(names.size).toBe(1000);
    for (const n of names) expect(n).toMatch(/^my-topic-[0-9a-f]{8}$/);
  });
});

describe("backend detection", () => {
  it("dockerAvailable answers quickly and is cached", async () => {
    const started = Date.now();
    const first = await dockerAvailable();
    expect(typeof first).toBe("boolean");
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await dockerAvailable()).toBe(first);
  });

  it("TESTKIT_DOCKER=0 forces dockerAvailable() to false", async () => {
    process.env.TESTKIT_DOCKER = "0";
    try {
      vi.resetModules();
      const fresh = await import("../src/docker");
      expect(await fresh.dockerAvailable()).toBe(false);
    } finally {
      delete process.env.TESTKIT_DOCKER;
      vi.resetModules();
    }
  });

  it("startKafka fails loudly with the fix when Java is missing (no env, no Docker)", async (ctx) => {
    if (process.env.KAFKA_BROKERS || (await dockerAvailable())) {
      ctx.skip("KAFKA_BROKERS or Docker is available: the local broker is not used");
    }
    const saved = process.env.JAVA_HOME;
    process.env.JAVA_HOME = "/nonexistent/jdk";
    try {
      const err = await startKafka().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TestkitError);
      expect((err as TestkitError).code).toBe("JAVA_MISSING");
      expect((err as Error).message).toBe(
        "java not found (/nonexistent/jdk/bin/java): install a JDK 17+ (bash scripts/setup.sh does, with apt-get) or set JAVA_HOME",
      );
    } finally {
      if (saved === undefined) delete process.env.JAVA_HOME;
      else process.env.JAVA_HOME = saved;
    }
  });

  it("startKafka uses KAFKA_BROKERS when set, and its stop() is a no-op", async () => {
    const saved = process.env.KAFKA_BROKERS;
    process.env.KAFKA_BROKERS = " host-a:9092, host-b:9093 ";
    try {
      const k = await startKafka();
      expect(k).toMatchObject({
        backend: "env",
        bootstrap: "host-a:9092,host-b:9093",
        brokers: ["host-a:9092", "host-b:9093"],
      });
      await k.stop();
    } finally {
      if (saved === undefined) delete process.env.KAFKA_BROKERS;
      else process.env.KAFKA_BROKERS = saved;
    }
  });
});
