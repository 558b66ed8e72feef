import { compareExactlyOnce, startS3, uniqueName } from "@weblog/testkit";
import { useBrokerAndS3 } from "@weblog/testkit/vitest";
import { describe, expect, it } from "vitest";
import { createTopic, readObjects, startSink, testKafka } from "./helpers";
import { allInS3, Ledger, PARTITIONS } from "./ledger";

// A killed member stays in the group until its session times out; 6 s (the broker minimum) keeps tests short.
const FAST_GROUP = { WEBLOG_SINK_SESSION_TIMEOUT_MS: "6000" };

describe("faults: S3 outage, kill -9, rebalance (broker + S3)", () => {
  const env = useBrokerAndS3();

  it("S3 down mid-run: pauses and retries, loses nothing, writes nothing twice", async () => {
    const ledger = new Ledger(env.kafka, uniqueName("outage"));
    await ledger.add(25);
    const s3 = await startS3({ dedicated: true }); // a server this test may take down
    const sink = startSink(env.kafka, s3, [
      "--topics",
      ledger.topic,
      "--flush-size",
      "10",
      "--rotate-schedule-interval-ms",
      "1000",
    ]);
    try {
      await allInS3(s3, ledger);
      await s3.pause();
      await ledger.add(25);
      await sink.waitForOutput(/S3 upload failed; partition paused, retrying/, 20_000);
      // S3 stays down until the sink has retried more than once (its progress log counts the retries)
      await sink.waitForOutput(/"uploadRetries":([2-9]|\d{2,})/, 30_000);
      await s3.resume();
      const objects = await allInS3(s3, ledger);
      expect(compareExactlyOnce(objects, ledger.byPartition)).toEqual([]);
    } finally {
      sink.kill("SIGTERM");
      expect((await sink.waitForExit(12_000)).code).toBe(0);
      await s3.stop();
    }
  });

  const crashCases: { at: string; trickle: boolean }[] = [
    { at: "before-upload:3", trickle: false },
    { at: "after-upload-before-commit:3", trickle: false },
    { at: "after-upload-before-commit:3", trickle: true },
    { at: "after-commit:2", trickle: true },
  ];
  for (const { at, trickle } of crashCases) {
    it(`kill -9 at ${at}${trickle ? " with wall-clock cuts (slow trickle)" : ""}, restart: every record exactly once`, async () => {
      const ledger = new Ledger(env.kafka, uniqueName("crash"));
      const group = uniqueName("g");
      const args = [
        "--topics",
        ledger.topic,
        "--group",
        group,
        "--flush-size",
        "10",
        "--rotate-schedule-interval-ms",
        "500",
      ];
      const first = startSink(env.kafka, env.s3, args, { ...FAST_GROUP, WEBLOG_SINK_CRASH_AT: at });
      if (trickle) {
        // 3 records per partition every 300 ms: objects are cut by the 500 ms wall clock, not by flush.size.
        for (let i = 0; i < 8 && first.child.exitCode === null && first.child.signalCode === null; i++) {
          await ledger.add(3);
          await new Promise((r) => setTimeout(r, 300));
        }
      } else {
        await ledger.add(30);
      }
      const crashed = await first.waitForExit(45_000);
      expect(crashed.signal, crashed.stderr.slice(-3000)).toBe("SIGKILL");
      expect(crashed.stderr).toMatch(/crash hook: SIGKILL/);
      await ledger.add(7);
      const second = startSink(env.kafka, env.s3, args, FAST_GROUP);
      try {
        const objects = await allInS3(env.s3, ledger, 60_000);
        expect(compareExactlyOnce(objects, ledger.byPartition)).toEqual([]);
      } finally {
        second.kill("SIGTERM");
      }
      expect((await second.waitForExit(12_000)).code).toBe(0);
    });
  }

  it("strict order: kill -9 after upload before commit, restart with a different flush.size: at most one uncommitted object per partition, at the committed offset; every record exactly once", async () => {
    const ledger = new Ledger(env.kafka, uniqueName("resize"));
    const group = uniqueName("g");
    const base = ["--topics", ledger.topic, "--group", group];
    await ledger.add(40);
    const first = startSink(
      env.kafka,
      env.s3,
      // The strict order (one object in flight per partition): rule 3's floor, exactly.
      [
        ...base,
        "--flush-size",
        "10",
        "--rotate-schedule-interval-ms",
        "60000",
        "--upload-max-in-flight-per-partition",
        "1",
      ],
      {
        ...FAST_GROUP,
        WEBLOG_SINK_CRASH_AT: "after-upload-before-commit:5",
      },
    );
    const crashed = await first.waitForExit(45_000);
    expect(crashed.signal).toBe("SIGKILL");
    // The floor, checked on the state the crash left: per partition, objects at or past the committed offset
    // (uploaded but not committed) number at most one, and that one starts exactly at the committed offset.
    const admin = testKafka(env.kafka.bootstrap).admin();
    await admin.connect();
    let committed: Map<number, bigint>;
    try {
      const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [ledger.topic] });
      committed = new Map(
        (offsets?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset === "-1" ? "0" : p.offset)]),
      );
    } finally {
      await admin.disconnect();
    }
    const before = await readObjects(env.s3.client(), env.s3.bucket, ledger.topic);
    expect(before.length).toBeGreaterThanOrEqual(5);
    for (let p = 0; p < PARTITIONS; p++) {
      const c = committed.get(p) ?? 0n;
      const uncommitted = before.filter((o) => o.kafkaPartition === p && o.startOffset >= c);
      expect(uncommitted.length, `partition ${p} uncommitted objects`).toBeLessThanOrEqual(1);
      for (const o of uncommitted) expect(o.startOffset).toBe(c);
    }
    // Restart with another flush.size: objects are cut elsewhere, the uncommitted one is overwritten at its key.
    await ledger.add(5);
    const second = startSink(
      env.kafka,
      env.s3,
      [...base, "--flush-size", "7", "--rotate-schedule-interval-ms", "500"],
      FAST_GROUP,
    );
    try {
      const objects = await allInS3(env.s3, ledger, 60_000);
      expect(compareExactlyOnce(objects, ledger.byPartition)).toEqual([]);
    } finally {
      second.kill("SIGTERM");
    }
    expect((await second.waitForExit(12_000)).code).toBe(0);
  });

  it("two sinks in one group, one killed mid-rebalance: the survivor finishes, every record exactly once", async () => {
    const ledger = new Ledger(env.kafka, uniqueName("rebal"));
    const group = uniqueName("g");
    const args = [
      "--topics",
      ledger.topic,
      "--group",
      group,
      "--flush-size",
      "10",
      "--rotate-schedule-interval-ms",
      "500",
    ];
    await createTopic(env.kafka.bootstrap, ledger.topic);
    const a = startSink(env.kafka, env.s3, args, FAST_GROUP);
    let b: ReturnType<typeof startSink> | undefined;
    try {
      await a.waitForOutput(/joined the group/, 30_000);
      for (let i = 0; i < 4; i++) await ledger.add(4);
      b = startSink(env.kafka, env.s3, args, FAST_GROUP);
      // A notices the rebalance B causes; kill it while it re-joins (before its new assignment arrives).
      await a.waitForOutput(/rebalancing, re-joining/, 30_000);
      a.kill("SIGKILL");
      for (let i = 0; i < 4; i++) await ledger.add(4);
      const objects = await allInS3(env.s3, ledger, 60_000).catch(async (err) => {
        const got = await readObjects(env.s3.client(), env.s3.bucket, ledger.topic);
        console.error(
          compareExactlyOnce(got, ledger.byPartition),
          got.map((o) => `${o.key} ${o.lines.length}`),
        );
        console.error("A:", a.stderr().slice(-4000), "\nB:", b?.stderr().slice(-6000));
        throw err;
      });
      expect(compareExactlyOnce(objects, ledger.byPartition)).toEqual([]);
    } finally {
      a.kill("SIGKILL");
      b?.kill("SIGTERM");
    }
    if (b) expect((await b.waitForExit(12_000)).code).toBe(0);
  });
});
