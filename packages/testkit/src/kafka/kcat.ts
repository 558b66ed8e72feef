import { spawn } from "node:child_process";
import { KCAT_MISSING_HINT, TestkitError } from "../errors";
import { exitOf, Tail, terminate, trackChild } from "../process/children";

/** The kcat binary: `KCAT_PATH` or `kcat` on PATH. */
export function kcatBinary(): string {
  return process.env.KCAT_PATH || "kcat";
}

export type KcatMessage = {
  key: string | null;
  value: string | null;
  partition: number;
  offset: number;
};

export type ReadTopicOptions = {
  bootstrap: string;
  topic: string;
  /** Stop after this many messages. Without it, read up to the current end of every partition. */
  count?: number;
  /** Hard bound on the whole read (default 15 s). Whatever arrived by then is returned. */
  timeoutMs?: number;
};

type KcatJson = { partition: number; offset: number; key: string | null; payload: string | null };

function spawnKcat(args: string[]) {
  const child = spawn(kcatBinary(), args, { stdio: ["pipe", "pipe", "pipe"] });
  trackChild(child);
  const failed = new Promise<never>((_, reject) => {
    child.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT")
        reject(new TestkitError("KCAT_NOT_FOUND", KCAT_MISSING_HINT, { cause: err }));
      else reject(new TestkitError("KCAT_FAILED", `kcat could not start: ${err.message}`, { cause: err }));
    });
  });
  failed.catch(() => {});
  return { child, failed };
}

/**
 * Reads a topic from the beginning with `kcat -C -J`, an independent client to cross-check what kafkajs wrote.
 * Bounded: ends at `count` messages, at the end of the partitions (no `count`), or at `timeoutMs`.
 */
export async function readTopicWithKcat(options: ReadTopicOptions): Promise<KcatMessage[]> {
  const { bootstrap, topic, count, timeoutMs = 15_000 } = options;
  if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
    throw new TestkitError(
      "INVALID_OPTION",
      `readTopicWithKcat: count must be a non-negative integer, got ${count}`,
    );
  }
  if (count === 0) return [];
  const args = ["-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-J", "-q", "-u"];
  if (count === undefined) args.push("-e");
  else args.push("-c", String(count));
  const { child, failed } = spawnKcat(args);
  child.stdin.end();

  const messages: KcatMessage[] = [];
  const stderr = new Tail(16 * 1024);
  let pending = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    pending += chunk;
    let newline = pending.indexOf("\n");
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line) {
        const m = JSON.parse(line) as KcatJson;
        messages.push({ key: m.key, value: m.payload, partition: m.partition, offset: m.offset });
      }
      newline = pending.indexOf("\n");
    }
  });
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => stderr.push(chunk));

  const timer = setTimeout(() => void terminate(child, { graceMs: 1000 }), timeoutMs);
  try {
    const status = await Promise.race([exitOf(child), failed]);
    if (status.code !== 0 && status.code !== null) {
      throw new TestkitError(
        "KCAT_FAILED",
        `kcat -C ${topic} at ${bootstrap} exited ${status.code}: ${stderr.toString().trim().split("\n").pop() ?? ""}`,
      );
    }
  } finally {
    clearTimeout(timer);
  }
  return messages;
}

export type ProduceOptions = {
  bootstrap: string;
  topic: string;
  /** One message per line (lines must not contain "\n"). */
  lines: string[];
  /** With a delimiter, each line is `key<delimiter>value` (kcat -K). */
  keyDelimiter?: string;
  /** Every line to this partition (kcat -p); default: kcat's partitioner. */
  partition?: number;
  /** Batches compressed by kcat (librdkafka) itself (kcat -z), e.g. to check that kafkajs decodes them. */
  compression?: "gzip" | "snappy" | "lz4" | "zstd";
  timeoutMs?: number;
};

/** Produces lines with `kcat -P` (acks=all) and resolves once kcat has flushed and exited cleanly. */
export async function produceWithKcat(options: ProduceOptions): Promise<void> {
  const { bootstrap, topic, lines, keyDelimiter, partition, compression, timeoutMs = 30_000 } = options;
  const args = ["-P", "-b", bootstrap, "-t", topic, "-X", "acks=all", "-q"];
  if (keyDelimiter !== undefined) args.push("-K", keyDelimiter);
  if (partition !== undefined) args.push("-p", String(partition));
  if (compression !== undefined) args.push("-z", compression);
  const { child, failed } = spawnKcat(args);
  const stderr = new Tail(16 * 1024);
  child.stdout.resume();
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => stderr.push(chunk));
  child.stdin.on("error", () => {}); // EPIPE if kcat died early: reported through the exit status
  child.stdin.end(lines.length ? `${lines.join("\n")}\n` : "");

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void terminate(child, { graceMs: 1000 });
  }, timeoutMs);
  try {
    const status = await Promise.race([exitOf(child), failed]);
    const errText = stderr.toString().trim();
    if (timedOut) {
      throw new TestkitError(
        "TIMEOUT",
        `kcat -P ${topic} at ${bootstrap} did not finish within ${timeoutMs} ms`,
      );
    }
    if (status.code !== 0 || /Delivery failed|% ERROR/i.test(errText)) {
      throw new TestkitError(
        "KCAT_FAILED",
        `kcat -P ${topic} at ${bootstrap} failed (exit ${status.code}): ${errText.split("\n").pop() ?? ""}`,
      );
    }
  } finally {
    clearTimeout(timer);
  }
}
