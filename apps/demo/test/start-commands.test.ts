/**
 * The documented start commands (README.md: `pnpm --filter consumer start`, `pnpm --filter producer start`,
 * `pnpm --filter s3-verifier check`) under a signal: pnpm must hand it to the app and return only after the app
 * finished, with the app's own exit code. pnpm runs a script as `sh -c "<script>"` and, on SIGTERM/SIGINT, kills
 * that shell; without `exec` in the script the shell dies at once and leaves the app orphaned (pnpm returned
 * 143/130 while the app was still draining).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { createKafka, loadKafkaSettings } from "@weblog/kafka-client";
import { type KafkaHandle, type S3Handle, startKafka, startS3, uniqueName } from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

let kafka: KafkaHandle;
let s3: S3Handle;
beforeAll(async () => {
  [kafka, s3] = await Promise.all([startKafka(), startS3()]);
});
afterAll(async () => {
  await Promise.all([kafka?.stop(), s3?.stop()]);
});

/** Every process below `pid` (from /proc), so the test can see whether the app outlived pnpm. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** Running (a zombie, finished but not yet reaped by its parent, counts as finished). */
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
};

interface Run {
  child: ChildProcess;
  /** stdout + stderr as pnpm's exit found them. */
  exited: Promise<{ code: number | null; output: string; survivors: number[] }>;
  waitFor(text: string | RegExp): Promise<void>;
  /** App processes seen below pnpm while it ran. */
  appPids: Set<number>;
}

const runs: ChildProcess[] = [];
afterAll(() => {
  // pnpm and anything it left behind share one process group (detached).
  for (const c of runs) {
    try {
      if (c.pid) process.kill(-c.pid, "SIGKILL");
    } catch {
      // the group is gone already
    }
  }
});

/** `pnpm <args>` from the repo root in its own process group (like a terminal's foreground job). */
function pnpm(args: string[], env: Record<string, string>): Run {
  const child = spawn("pnpm", args, {
    cwd: ROOT,
    env: { ...process.env, WEBLOG_LOG_FORMAT: "json", ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  runs.push(child);
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const appPids = new Set<number>();
  const watch = setInterval(() => {
    if (child.pid) for (const p of descendants(child.pid)) appPids.add(p);
  }, 50);
  const exited = new Promise<{ code: number | null; output: string; survivors: number[] }>((resolve) =>
    child.on("exit", (code, signal) => {
      clearInterval(watch);
      const survivors = [...appPids].filter(alive);
      resolve({ code: code ?? (signal ? 128 + (signalNumbers[signal] ?? 0) : null), output, survivors });
    }),
  );
  const waitFor = async (text: string | RegExp) => {
    const deadline = Date.now() + 60_000;
    const seen = () => (typeof text === "string" ? output.includes(text) : text.test(output));
    while (!seen() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (!seen()) throw new Error(`no ${String(text)} in the output: ${output.slice(-2000)}`);
  };
  return { child, exited, waitFor, appPids };
}
const signalNumbers: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGKILL: 9 };

const indexOf = (output: string, text: string) => {
  const i = output.indexOf(text);
  expect(i, `"${text}" in ${output.slice(-2000)}`).toBeGreaterThanOrEqual(0);
  return i;
};

describe("documented start commands under a signal", () => {
  it("pnpm --filter producer start: Ctrl-C (SIGINT to the whole group) drains, prints the summary, exits 0", async () => {
    const topic = uniqueName("start-producer");
    const run = pnpm(
      ["--filter", "producer", "start", "--", "--count", "1000000", "--rate", "200", "--topic", topic],
      { KAFKA_BROKERS: kafka.bootstrap },
    );
    await run.waitFor('"msg":"producing"');
    process.kill(-(run.child.pid as number), "SIGINT"); // what a terminal does on Ctrl-C
    const { code, output, survivors } = await run.exited;
    expect(output).not.toContain("exiting now"); // the terminal's and pnpm's copy of one Ctrl-C are one press
    expect(output).toMatch(/producer: .* acknowledged of .* sent to .*stopped by signal/); // its own summary
    expect(survivors).toEqual([]);
    expect(code).toBe(0);
  });

  it("pnpm --filter consumer start -- --sink: SIGTERM to pnpm drains the sink first, then pnpm returns its 0", async () => {
    const topic = uniqueName("start-sink");
    const client = createKafka(loadKafkaSettings({ env: {}, flags: { brokers: kafka.bootstrap } }));
    const admin = client.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    const producer = client.producer();
    await producer.connect();
    try {
      const lines = Array.from({ length: 25 }, (_, i) =>
        JSON.stringify({
          ip: `10.0.0.${i + 1}`,
          timestamp: new Date(Date.UTC(2026, 10, 25, 6, 0, i)).toISOString(),
          method: "GET",
          url: `/page/${i}`,
          status_code: 200,
          user_agent: "start-commands-test",
        }),
      );
      await producer.send({ topic, acks: -1, messages: lines.map((value) => ({ value })) });
    } finally {
      await producer.disconnect();
    }
    const run = pnpm(
      [
        "--filter",
        "consumer",
        "start",
        "--",
        "--sink",
        "--topics",
        topic,
        "--group",
        uniqueName("start-sink-group"),
        // Nothing uploads before the stop: the 25 records wait in the buffer, so the stop has work to do.
        "--flush-size",
        "1000",
        "--rotate-schedule-interval-ms",
        "-1",
      ],
      {
        KAFKA_BROKERS: kafka.bootstrap,
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: s3.bucket,
        S3_REGION: s3.region,
        AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      },
    );
    await run.waitFor(/"bufferedRecords":25/);
    process.kill(run.child.pid as number, "SIGTERM"); // a supervisor signals the command it started
    const { code, output, survivors } = await run.exited;
    // The app's final summary was written before pnpm returned, with the drained records in it.
    indexOf(output, '"msg":"sink stopped"');
    expect(output).toMatch(/"recordsWritten":25.*"msg":"sink stopped"/);
    expect(survivors).toEqual([]);
    expect(code).toBe(0);
  });

  it("pnpm --filter s3-verifier check: SIGTERM reaches the verifier; pnpm returns after it, with its code", async () => {
    // A broker that accepts and never answers keeps the verifier busy until the signal.
    const sockets = new Set<Socket>();
    const server: Server = createServer((s) => {
      sockets.add(s);
      s.on("error", () => {});
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const bucket = uniqueName("start-verifier");
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: s3.credentials,
    });
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      const run = pnpm(["--filter", "s3-verifier", "check", "--", "--brokers", `127.0.0.1:${port}`], {
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: bucket,
        S3_REGION: s3.region,
        AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      });
      const deadline = Date.now() + 30_000;
      while (sockets.size === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(sockets.size).toBeGreaterThan(0); // the verifier is running, talking to "Kafka"
      const app = [...run.appPids].filter(alive);
      expect(app.length).toBeGreaterThan(0);
      process.kill(run.child.pid as number, "SIGTERM");
      const { code, survivors } = await run.exited;
      expect(survivors).toEqual([]); // the verifier ended before pnpm returned
      expect(code).toBe(143); // the verifier's own end (killed by SIGTERM), passed on by pnpm
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
      client.destroy();
    }
  });
});
