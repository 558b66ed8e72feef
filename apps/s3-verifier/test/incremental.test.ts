import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode } from "@weblog/log-schema";
import {
  type KafkaHandle,
  produceWithKcat,
  readTopicWithKcat,
  runCli,
  type S3Handle,
  startKafka,
  startS3,
  uniqueName,
} from "@weblog/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confluentKey, type PlantedObject, putAll, record, s3Env, VERIFIER } from "./fixtures";

let kafka: KafkaHandle;
let s3: S3Handle;
let dir: string;

beforeAll(async () => {
  [kafka, s3] = await Promise.all([startKafka(), startS3()]);
  dir = await mkdtemp(join(tmpdir(), "verifier-incremental-"));
});
afterAll(async () => {
  await Promise.all([kafka?.stop(), s3?.stop(), dir ? rm(dir, { recursive: true, force: true }) : undefined]);
});

interface Message {
  partition: number;
  offset: number;
  value: string;
}

/** Produces 30 more records (round `round`) and returns them with their real partitions and offsets. */
async function produceRound(topic: string, round: number): Promise<Message[]> {
  const lines = Array.from({ length: 30 }, (_, i) => `k${i}\t${encode(record(i, 100 + round))}`);
  await produceWithKcat({ bootstrap: kafka.bootstrap, topic, lines, keyDelimiter: "\t" });
  const all = await readTopicWithKcat({
    bootstrap: kafka.bootstrap,
    topic,
    count: 30 * (round + 1),
    timeoutMs: 20_000,
  });
  const mine = new Set(lines.map((l) => l.slice(l.indexOf("\t") + 1)));
  return all
    .filter((m) => mine.has(m.value ?? ""))
    .map((m) => ({ partition: m.partition, offset: m.offset, value: m.value ?? "" }));
}

/** What a sink with flush.size 3 writes of one round's records: runs of 3 per partition. */
function objectsOf(topic: string, messages: Message[]): PlantedObject[] {
  const out: PlantedObject[] = [];
  const partitions = [...new Set(messages.map((m) => m.partition))].sort();
  for (const p of partitions) {
    const list = messages.filter((m) => m.partition === p).sort((a, b) => a.offset - b.offset);
    for (let i = 0; i < list.length; i += 3) {
      const chunk = list.slice(i, i + 3);
      out.push({ key: confluentKey(topic, p, chunk[0]?.offset ?? 0), lines: chunk.map((m) => m.value) });
    }
  }
  return out;
}

describe("--checkpoint: a later run reads only what is new, and still checks the seam", () => {
  it("full run, then only new objects listed and read; a gap at the seam is caught (a rewritten old object by a full run)", {
    timeout: 240_000,
  }, async () => {
    const topic = uniqueName("t");
    const bucket = uniqueName("vi");
    await s3.createBucket(bucket);
    const client = s3.client();
    const checkpoint = join(dir, `${topic}.json`);
    const verify = async (expectCode: number) => {
      const r = await runCli(
        VERIFIER,
        [
          "--bucket",
          bucket,
          "--topic",
          topic,
          "--brokers",
          kafka.bootstrap,
          "--checkpoint",
          checkpoint,
          "--json",
        ],
        { env: s3Env(s3), timeoutMs: 60_000 },
      );
      expect(r.stderr).toBe("");
      expect(r.code, r.stdout).toBe(expectCode);
      return JSON.parse(r.stdout);
    };

    // 1. The first run reads everything and records what it proved.
    const first = objectsOf(topic, await produceRound(topic, 0));
    await putAll(client, bucket, first);
    const full = await verify(0);
    expect(full).toMatchObject({ read: first.length, unread: 0, totals: { records: 30 } });
    const saved = JSON.parse(await readFile(checkpoint, "utf8"));
    expect(Object.keys(saved.partitions).length).toBe(
      new Set(full.partitions.map((p: { partition: number }) => p.partition)).size,
    );

    // 2. More records: the incremental run lists and reads only their objects (each partition's directory from its seam).
    const second = objectsOf(topic, await produceRound(topic, 1));
    await putAll(client, bucket, second);
    const incremental = await verify(0);
    expect(incremental).toMatchObject({
      listed: second.length,
      read: second.length,
      totals: { records: 30, lag: 0 },
    });
    for (const p of incremental.partitions) {
      expect(p.firstOffset).toBe(0);
      expect(p.lastOffset).toBe(p.kafka.high - 1);
    }

    // 3. An old object rewritten with a line less: behind the seam, so the incremental run does not list it; a full
    // run (no --checkpoint) finds the hole. Put back as it was, the full run passes again.
    const victim = first.find((o) => o.lines.length === 3) as PlantedObject;
    await putAll(client, bucket, [{ key: victim.key, lines: victim.lines.slice(0, 2) }]);
    expect(await verify(0)).toMatchObject({ listed: 0, read: 0 });
    const fullRun = async (expectCode: number) => {
      const r = await runCli(
        VERIFIER,
        ["--bucket", bucket, "--topic", topic, "--brokers", kafka.bootstrap, "--json"],
        { env: s3Env(s3), timeoutMs: 60_000 },
      );
      expect(r.code, r.stdout).toBe(expectCode);
      return JSON.parse(r.stdout);
    };
    const start = Number(victim.key.match(/\+(\d+)\.json$/)?.[1]);
    const tampered = await fullRun(1);
    expect(tampered.read).toBe(first.length + second.length);
    expect(tampered.findings.map((f: { kind: string; range?: unknown }) => [f.kind, f.range])).toEqual([
      ["gap", { from: start + 2, to: start + 2 }],
    ]);
    await putAll(client, bucket, [victim]);
    await fullRun(0);

    // 4. The next round's first object of one partition never lands: the gap at the seam is found.
    const third = objectsOf(topic, await produceRound(topic, 2));
    const dropped = third[0] as PlantedObject;
    await putAll(client, bucket, third.slice(1));
    const seam = await verify(1);
    expect(seam).toMatchObject({ listed: third.length - 1, read: third.length - 1 });
    const from = Number(dropped.key.match(/\+(\d+)\.json$/)?.[1]);
    expect(seam.findings.map((f: { kind: string; range?: unknown }) => [f.kind, f.range])).toEqual([
      ["gap", { from, to: from + dropped.lines.length - 1 }],
    ]);
    client.destroy();
  });
});
