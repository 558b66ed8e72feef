import { compareExactlyOnce, uniqueName } from "@weblog/testkit";
import { useBrokerAndS3 } from "@weblog/testkit/vitest";
import { describe, expect, it } from "vitest";
import { parseCommitMetadata } from "../src/sink/key-fingerprint";
import {
  compareMultiset,
  readObjects,
  runVerifier,
  type StoredObject,
  startSink,
  testKafka,
} from "./helpers";
import { allInS3, Ledger, PARTITIONS } from "./ledger";

// A killed member stays in the group until its session times out; 6 s (the broker minimum) keeps tests short.
const FAST_GROUP = { WEBLOG_SINK_SESSION_TIMEOUT_MS: "6000" };

/** Each partition's committed offset and the planned cuts committed with it (absolute end offsets). */
async function committedPlans(bootstrap: string, group: string, topic: string) {
  const admin = testKafka(bootstrap).admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return new Map(
      (offsets?.partitions ?? []).map((p) => {
        const at = BigInt(p.offset === "-1" ? "0" : p.offset);
        const cuts = parseCommitMetadata(p.metadata)?.cuts ?? [];
        return [p.partition, { at, ends: cuts.map((c) => at + BigInt(c)) }] as const;
      }),
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * The pipelined floor (README "Exactly once", rule 5), on the state a crash left: per partition, every object at
 * or past the committed offset C starts at C or at a cut committed with C.
 */
function offPlan(objects: StoredObject[], plans: Awaited<ReturnType<typeof committedPlans>>): string[] {
  const problems: string[] = [];
  for (let p = 0; p < PARTITIONS; p++) {
    const plan = plans.get(p) ?? { at: 0n, ends: [] };
    for (const o of objects.filter((x) => x.kafkaPartition === p && x.startOffset >= plan.at)) {
      if (o.startOffset !== plan.at && !plan.ends.includes(o.startOffset))
        problems.push(
          `partition ${p}: object at ${o.startOffset} past committed ${plan.at}, not a planned cut`,
        );
    }
  }
  return problems;
}

describe("pipelined uploads: kill -9 at the new points (broker + S3)", () => {
  const env = useBrokerAndS3();

  const cases = [
    {
      at: "after-plan-before-upload:2",
      restart: ["--flush-size", "7", "--upload-max-in-flight-per-partition", "3"],
    },
    {
      at: "mid-batch-upload:3",
      restart: ["--flush-size", "13", "--upload-max-in-flight-per-partition", "1"],
    },
    { at: "during-batch-commit:2", restart: ["--flush-size", "10", "--rotate-schedule-interval-ms", "300"] },
  ];
  for (const { at, restart } of cases) {
    it(`kill -9 at ${at}, restart with ${restart.join(" ")}: the crash left only planned objects; every record exactly once (verifier + multiset)`, async () => {
      const ledger = new Ledger(env.kafka, uniqueName("pipe"));
      const group = uniqueName("g");
      const base = ["--topics", ledger.topic, "--group", group];
      await ledger.add(80);
      const first = startSink(
        env.kafka,
        env.s3,
        [
          ...base,
          "--flush-size",
          "10",
          "--rotate-schedule-interval-ms",
          "60000",
          "--upload-max-in-flight-per-partition",
          "4",
        ],
        { ...FAST_GROUP, WEBLOG_SINK_CRASH_AT: at },
      );
      const crashed = await first.waitForExit(45_000);
      expect(crashed.signal).toBe("SIGKILL");
      expect(crashed.stderr).toMatch(/crash hook: SIGKILL/);
      const plans = await committedPlans(env.kafka.bootstrap, group, ledger.topic);
      const left = await readObjects(env.s3.client(), env.s3.bucket, ledger.topic);
      expect(offPlan(left, plans)).toEqual([]);

      await ledger.add(9);
      const second = startSink(
        env.kafka,
        env.s3,
        [...base, "--rotate-schedule-interval-ms", "500", ...restart],
        FAST_GROUP,
      );
      try {
        const objects = await allInS3(env.s3, ledger, 60_000);
        expect(compareExactlyOnce(objects, ledger.byPartition)).toEqual([]);
        expect(compareMultiset(objects, ledger.byPartition)).toEqual([]);
      } finally {
        second.kill("SIGTERM");
      }
      expect((await second.waitForExit(12_000)).code).toBe(0);
      const verified = await runVerifier(env.kafka, env.s3, ledger.topic, group);
      expect(verified.report.verdict, verified.stderr).toMatch(/^OK/);
      expect(verified.code).toBe(0);
      expect(verified.report.totals).toMatchObject({
        missing: 0,
        duplicateRecords: 0,
        records: ledger.total,
      });
    });
  }

  it("weblog.flush.size.bytes: objects are cut by bytes too; the verifier holds them to it; every record once", async () => {
    const ledger = new Ledger(env.kafka, uniqueName("bytes"));
    const group = uniqueName("g");
    await ledger.add(40);
    const limit = 3000;
    const sink = startSink(env.kafka, env.s3, [
      "--topics",
      ledger.topic,
      "--group",
      group,
      "--flush-size",
      "1000",
      "--flush-size-bytes",
      String(limit),
      "--rotate-schedule-interval-ms",
      "500",
    ]);
    try {
      const objects = await allInS3(env.s3, ledger, 60_000);
      expect(compareExactlyOnce(objects, ledger.byPartition)).toEqual([]);
      const sizes = objects.map((o) => o.lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0));
      expect(Math.max(...sizes)).toBeLessThanOrEqual(limit);
      expect(objects.length).toBeGreaterThan(PARTITIONS); // cut by bytes, not only by the clock
    } finally {
      sink.kill("SIGTERM");
    }
    expect((await sink.waitForExit(12_000)).code).toBe(0);
    const verified = await runVerifier(env.kafka, env.s3, ledger.topic, group, [
      "--flush-size-bytes",
      String(limit),
    ]);
    expect(verified.report.verdict, verified.stderr).toMatch(/^OK/);
    // and the check can fail: the same objects against a smaller limit
    const tight = await runVerifier(env.kafka, env.s3, ledger.topic, group, ["--flush-size-bytes", "1000"]);
    expect(tight.code).toBe(1);
  });
});
