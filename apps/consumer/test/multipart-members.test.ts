/**
 * Two sinks in one group over a 4-partition topic, every object a multipart upload (`--s3-part-size 5 MiB`, objects
 * of ~6 MiB): member A is killed -9 after a part is stored (`mid-multipart-upload`) while member B keeps running and
 * uploading. B takes A's partitions and aborts exactly A's leftover uploads (and nothing of its own); a third member
 * that starts while B uploads aborts nothing of B's either; no request of B or the third member is answered
 * NoSuchUpload; at the end no incomplete upload is left, the verifier passes and the multiset comparison shows 0
 * missing / 0 duplicate. Against the shared stack's broker and S3 (or the ones startKafka/startS3 start).
 */
import { ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { parseObjectKey } from "@weblog/sink-contract";
import { type CliHandle, compareExactlyOnce, uniqueName, waitFor } from "@weblog/testkit";
import { useBrokerAndS3 } from "@weblog/testkit/vitest";
import { describe, expect, it } from "vitest";
import {
  compareMultiset,
  createTopic,
  produce,
  readObjects,
  runVerifier,
  startSink,
  testKafka,
  webLogLines,
} from "./helpers";

const FAST_GROUP = { WEBLOG_SINK_SESSION_TIMEOUT_MS: "6000" };
const PART = 5 * 1024 * 1024;
const FLUSH = 26_000; // ~6 MiB of JSON lines: a two-part upload
const REST = 1_000; // per partition, cut at the graceful stop (one PutObject)
const PARTITIONS = 4;
const ABORTED = "aborted incomplete multipart uploads left by a crash or a previous owner";
const NO_SUCH_UPLOAD = "S3 answered NoSuchUpload: a multipart upload of ours was aborted under us";

interface LogLine {
  msg?: string;
  partition?: number;
  aborted?: number;
  assignment?: Record<string, number[]>;
  progress?: { lag?: number };
}

/** The members' flags: flush.size objects of ~6 MiB in 5 MiB parts, no wall-clock cuts. */
const sinkArgs = (topic: string, group: string) => [
  "--topics",
  topic,
  "--group",
  group,
  "--flush-size",
  String(FLUSH),
  "--rotate-schedule-interval-ms",
  "-1",
  "--s3-part-size",
  String(PART),
];

/** The member's JSON log lines (stderr, not a TTY), unparsable lines skipped. */
function logOf(member: CliHandle): LogLine[] {
  const out: LogLine[] = [];
  for (const line of member.stderr().split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      out.push(JSON.parse(line) as LogLine);
    } catch {
      // a line cut by the kill
    }
  }
  return out;
}

/** The partitions of `topic` in the member's last "joined the group" line (null before it joined). */
function lastAssignment(member: CliHandle, topic: string): number[] | null {
  const joins = logOf(member).filter((l) => l.msg === "joined the group");
  const last = joins.at(-1);
  return last ? [...(last.assignment?.[topic] ?? [])].sort((x, y) => x - y) : null;
}

/**
 * Stops two members one after the other: `first` (SIGTERM once it is running, exit 0), then `last` once it holds every
 * partition and has read all of them (a progress line after that join with lag 0; the rests wait for the stop's
 * cut). Stopped at once, one member's leave would fence the other's drain, which then leaves its rest uncommitted in
 * Kafka for the next start: not lost, but not in S3 when the test looks.
 */
async function stopInTurn(first: CliHandle, last: CliHandle, topic: string, partitions: number) {
  await first.waitForOutput(/"msg":"sink running"/, 60_000); // its SIGTERM handler is in place from here on
  first.kill("SIGTERM");
  const endFirst = await first.waitForExit(40_000);
  await waitFor(
    "the last member holding and having read every partition",
    async () => {
      const log = logOf(last);
      const joinedAt = log.findLastIndex((l) => l.msg === "joined the group");
      const joined = log[joinedAt]?.assignment?.[topic] ?? [];
      if (joined.length !== partitions) return undefined;
      return log.slice(joinedAt + 1).some((l) => l.progress?.lag === 0) ? true : undefined;
    },
    60_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; its log ends:\n${last.stderr().slice(-3000)}`);
  });
  last.kill("SIGTERM");
  const endLast = await last.waitForExit(40_000);
  return { endFirst, endLast };
}

describe("multipart leftovers with two members in one group (broker + S3)", () => {
  const env = useBrokerAndS3();

  const incomplete = async (topic: string) =>
    (
      (
        await env.s3
          .client()
          .send(new ListMultipartUploadsCommand({ Bucket: env.s3.bucket, Prefix: `topics/${topic}/` }))
      ).Uploads ?? []
    ).map((u) => {
      const parsed = parseObjectKey(u.Key ?? "");
      return { key: u.Key, uploadId: u.UploadId, partition: parsed.ok ? parsed.parts.kafkaPartition : -1 };
    });
  const recordsIn = async (topic: string) =>
    (await readObjects(env.s3.client(), env.s3.bucket, topic)).reduce((n, o) => n + o.lines.length, 0);

  it("A killed -9 mid multipart upload: B aborts exactly A's leftovers, none of its own; every record exactly once", async () => {
    const topic = uniqueName("mpm");
    const group = uniqueName("g");
    await createTopic(env.kafka.bootstrap, topic, PARTITIONS);
    const args = sinkArgs(topic, group);
    const all = webLogLines(PARTITIONS * (FLUSH + REST), 23);
    const expected = new Map<number, string[]>();
    for (let p = 0; p < PARTITIONS; p++)
      expected.set(p, all.slice(p * (FLUSH + REST), (p + 1) * (FLUSH + REST)));

    const a = startSink(env.kafka, env.s3, args, {
      ...FAST_GROUP,
      WEBLOG_SINK_CRASH_AT: "mid-multipart-upload:1",
    });
    let b: CliHandle | undefined;
    let c: CliHandle | undefined;
    let split: { ofA: number[]; ofB: number[] } | undefined;
    let ends: Awaited<ReturnType<typeof stopInTurn>> | undefined;
    let leftovers: Awaited<ReturnType<typeof incomplete>> = [];
    try {
      await a.waitForOutput(/joined the group/, 30_000);
      b = startSink(env.kafka, env.s3, args, FAST_GROUP);
      const member = b;
      // Both in one generation, the partitions split between them, before any record exists.
      split = await waitFor(
        "A and B share the partitions",
        async () => {
          const ofA = lastAssignment(a, topic);
          const ofB = lastAssignment(member, topic);
          if (!ofA || !ofB || ofA.length === 0 || ofB.length === 0) return undefined;
          if (new Set([...ofA, ...ofB]).size !== PARTITIONS || ofA.length + ofB.length !== PARTITIONS)
            return undefined;
          return { ofA, ofB };
        },
        45_000,
      );
      await produce(
        env.kafka.bootstrap,
        topic,
        [...expected].flatMap(([partition, lines]) => lines.map((value) => ({ partition, value }))),
      );

      const crashed = await a.waitForExit(90_000);
      expect(crashed.signal).toBe("SIGKILL");
      expect(crashed.stderr).toMatch(/crash hook: SIGKILL at mid-multipart-upload/);
      // A's leftovers, listed before B can take A's partitions (A's session lasts 6 s after its last heartbeat).
      // A's partitions as it last held them (its log is complete now), and what its crash left in them.
      const ofA = lastAssignment(a, topic) ?? [];
      split = { ...split, ofA };
      leftovers = (await incomplete(topic)).filter((u) => ofA.includes(u.partition));
      expect(leftovers.length).toBeGreaterThanOrEqual(1);

      // B takes A's partitions and aborts their leftovers; then a third member joins while B uploads them.
      await b.waitForOutput(new RegExp(ABORTED), 60_000);
      c = startSink(env.kafka, env.s3, args, FAST_GROUP);
      await waitFor(
        "every big object in S3",
        async () => ((await recordsIn(topic)) >= PARTITIONS * FLUSH ? true : undefined),
        120_000,
      );
      ends = await stopInTurn(c, b, topic, PARTITIONS);
    } finally {
      a.kill("SIGKILL");
      b?.kill("SIGTERM");
      c?.kill("SIGTERM");
    }
    if (!b || !c || !split || !ends) throw new Error("B and C were started and stopped above");
    const { endFirst: endC, endLast: endB } = ends;
    expect(endB.code, endB.stderr.slice(-3000)).toBe(0);
    expect(endC.code, endC.stderr.slice(-3000)).toBe(0);

    const abortedBy = (m: CliHandle) => logOf(m).filter((l) => l.msg === ABORTED);
    const byB = abortedBy(b);
    expect(byB.length).toBeGreaterThanOrEqual(1);
    for (const l of byB)
      expect(split.ofA, "B aborts only in partitions it took from A").toContain(l.partition);
    expect(byB.reduce((n, l) => n + (l.aborted ?? 0), 0)).toBe(leftovers.length);
    expect(abortedBy(c), "nobody else left an upload behind").toEqual([]);
    for (const m of [b, c]) expect(logOf(m).filter((l) => l.msg === NO_SUCH_UPLOAD)).toEqual([]);

    expect(await incomplete(topic)).toEqual([]);
    const objects = await readObjects(env.s3.client(), env.s3.bucket, topic);
    expect(objects.filter((o) => o.lines.length === FLUSH).length).toBe(PARTITIONS);
    expect(compareExactlyOnce(objects, expected)).toEqual([]);
    expect(compareMultiset(objects, expected)).toEqual([]);
    const verified = await runVerifier(env.kafka, env.s3, topic, group);
    expect(verified.report.verdict, verified.stderr).toMatch(/^OK/);
    expect(verified.code).toBe(0);
    expect(verified.report.totals).toMatchObject({
      missing: 0,
      duplicateRecords: 0,
      records: PARTITIONS * (FLUSH + REST),
    });
  }, 300_000);

  it("a member that starts while another's multipart upload is in flight leaves that upload alone", async () => {
    const topic = uniqueName("mps");
    const group = uniqueName("g");
    const partitions = 2;
    await createTopic(env.kafka.bootstrap, topic, partitions);
    const all = webLogLines(partitions * (FLUSH + REST), 29);
    const expected = new Map<number, string[]>();
    for (let p = 0; p < partitions; p++)
      expected.set(p, all.slice(p * (FLUSH + REST), (p + 1) * (FLUSH + REST)));
    await produce(
      env.kafka.bootstrap,
      topic,
      [...expected].flatMap(([partition, lines]) => lines.map((value) => ({ partition, value }))),
    );
    const args = sinkArgs(topic, group);
    // A long session: B is frozen for a while on purpose and must stay the partitions' owner meanwhile.
    const LONG_SESSION = { WEBLOG_SINK_SESSION_TIMEOUT_MS: "30000" };
    const admin = testKafka(env.kafka.bootstrap).admin();
    await admin.connect();
    const b = startSink(env.kafka, env.s3, args, {
      ...LONG_SESSION,
      WEBLOG_SINK_CRASH_AT: "mid-multipart-upload:1:stop",
    });
    let c: CliHandle | undefined;
    let ends: Awaited<ReturnType<typeof stopInTurn>> | undefined;
    try {
      // B freezes itself (SIGSTOP) with a part of its first upload stored and the upload not completed.
      await b.waitForOutput(/crash hook: SIGSTOP at mid-multipart-upload/, 90_000);
      const live = await incomplete(topic);
      expect(live.length).toBeGreaterThanOrEqual(1);
      c = startSink(env.kafka, env.s3, args, LONG_SESSION);
      // C is past its start and in the group (its JoinGroup makes the group prepare a rebalance, which waits for B).
      await waitFor(
        "C's JoinGroup",
        async () => {
          const [g] = (await admin.describeGroups([group])).groups;
          return g?.state === "PreparingRebalance" ? true : undefined;
        },
        60_000,
      );
      const stillThere = new Set((await incomplete(topic)).map((u) => u.uploadId));
      for (const u of live) expect(stillThere, "C aborted nothing of B's").toContain(u.uploadId);
      b.kill("SIGCONT");
      await waitFor(
        "every big object in S3",
        async () => ((await recordsIn(topic)) >= partitions * FLUSH ? true : undefined),
        120_000,
      );
      ends = await stopInTurn(c, b, topic, partitions);
    } finally {
      b.kill("SIGCONT");
      b.kill("SIGTERM");
      c?.kill("SIGTERM");
      await admin.disconnect();
    }
    if (!c || !ends) throw new Error("C was started and stopped above");
    const { endFirst: endC, endLast: endB } = ends;
    expect(endB.code, endB.stderr.slice(-3000)).toBe(0);
    expect(endC.code, endC.stderr.slice(-3000)).toBe(0);
    for (const m of [b, c]) {
      expect(logOf(m).filter((l) => l.msg === NO_SUCH_UPLOAD)).toEqual([]);
      expect(logOf(m).filter((l) => l.msg === ABORTED)).toEqual([]);
    }
    expect(await incomplete(topic)).toEqual([]);
    const objects = await readObjects(env.s3.client(), env.s3.bucket, topic);
    expect(objects.filter((o) => o.lines.length === FLUSH).length).toBe(partitions);
    expect(compareExactlyOnce(objects, expected)).toEqual([]);
    expect(compareMultiset(objects, expected)).toEqual([]);
    const verified = await runVerifier(env.kafka, env.s3, topic, group);
    expect(verified.report.verdict, verified.stderr).toMatch(/^OK/);
    expect(verified.report.totals).toMatchObject({
      missing: 0,
      duplicateRecords: 0,
      records: partitions * (FLUSH + REST),
    });
  }, 300_000);
});
