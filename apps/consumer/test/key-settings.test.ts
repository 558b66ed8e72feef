/**
 * Exactly-once across a change of a setting that is part of the object key (here s3.compression.type, which
 * changes the extension): after a crash the sink refuses it (the uncommitted object would be duplicated under a
 * new key); after a graceful stop it accepts it.
 */

import { compareExactlyOnce, uniqueName, waitFor } from "@weblog/testkit";
import { useBrokerAndS3 } from "@weblog/testkit/vitest";
import { describe, expect, it } from "vitest";
import { produce, readObjects, startSink, testKafka, webLogLines } from "./helpers";

const PARTITIONS = 2;
// A killed member stays in the group until its session times out; 6 s (the broker minimum) keeps tests short.
const FAST_GROUP = { WEBLOG_SINK_SESSION_TIMEOUT_MS: "6000" };

describe("a changed key setting (broker + S3)", () => {
  const env = useBrokerAndS3();

  it("after kill -9 between upload and commit: refused with one line naming the setting, exit 2, nothing written; after a graceful stop: accepted, every record once", async () => {
    const topic = uniqueName("keys");
    const group = uniqueName("g");
    const admin = testKafka(env.kafka.bootstrap).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    const ledger = new Map<number, string[]>();
    let seed = 40;
    const add = async (perPartition: number) => {
      const lines = webLogLines(perPartition * PARTITIONS, seed++);
      const messages = lines.map((value, i) => ({ partition: i % PARTITIONS, value }));
      await produce(env.kafka.bootstrap, topic, messages);
      for (const m of messages) ledger.set(m.partition, [...(ledger.get(m.partition) ?? []), m.value]);
    };
    const total = () => [...ledger.values()].reduce((n, l) => n + l.length, 0);
    const allInS3 = () =>
      waitFor(
        `${total()} records in S3`,
        async () => {
          const objects = await readObjects(env.s3.client(), env.s3.bucket, topic);
          return objects.reduce((n, o) => n + o.lines.length, 0) >= total() ? objects : undefined;
        },
        60_000,
      );
    const base = ["--topics", topic, "--group", group, "--flush-size", "10"];

    await add(30);
    const crashed = startSink(env.kafka, env.s3, [...base, "--rotate-schedule-interval-ms", "60000"], {
      ...FAST_GROUP,
      WEBLOG_SINK_CRASH_AT: "after-upload-before-commit:3",
    });
    expect((await crashed.waitForExit(45_000)).signal).toBe("SIGKILL");
    const afterCrash = await readObjects(env.s3.client(), env.s3.bucket, topic);

    // Restart with gzip: the object uploaded but not committed before the crash is a .json, which gzip never
    // overwrites; the sink must refuse instead of writing its records again as .json.gz.
    const refused = startSink(env.kafka, env.s3, [...base, "--compression", "gzip"], FAST_GROUP);
    const res = await refused.waitForExit(60_000);
    const lines = res.stderr.split("\n").filter((l) => l.startsWith("consumer: "));
    expect(lines, res.stderr.slice(-2000)).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^consumer: key settings changed since the last commit of ${topic}/\\d in group ${group} \\(s3\\.compression\\.type 'none' -> 'gzip'\\)`,
      ),
    );
    expect(lines[0]).toMatch(/SIGTERM/);
    expect(res.stderr).not.toMatch(/\n\s+at /); // no stack
    expect(res.code).toBe(2);
    const afterRefusal = await readObjects(env.s3.client(), env.s3.bucket, topic);
    expect(afterRefusal.map((o) => o.key)).toEqual(afterCrash.map((o) => o.key)); // nothing written

    // The fix the line names: once more with the old settings, stopped gracefully...
    const gracefulOld = async () => {
      const old = startSink(env.kafka, env.s3, [...base, "--rotate-schedule-interval-ms", "500"], FAST_GROUP);
      try {
        // S3 may hold every record already (uploaded before the crash): stop a sink that is running, not one
        // still loading (a SIGTERM before its handlers are installed ends it by the signal, not gracefully)
        await old.waitForOutput(/sink running/, 30_000);
        expect(compareExactlyOnce(await allInS3(), ledger)).toEqual([]);
      } finally {
        old.kill("SIGTERM");
      }
      expect((await old.waitForExit(15_000)).code).toBe(0);
    };
    await gracefulOld();

    // A graceful stop's clean commit does not outlive the next writer: a sink that resumes after it and crashes
    // between upload and commit leaves an unclean stamp again, so the change is refused again.
    await add(15);
    const crashedAgain = startSink(env.kafka, env.s3, [...base, "--rotate-schedule-interval-ms", "60000"], {
      ...FAST_GROUP,
      WEBLOG_SINK_CRASH_AT: "after-upload-before-commit:1",
    });
    expect((await crashedAgain.waitForExit(45_000)).signal).toBe("SIGKILL");
    const refusedAgain = await startSink(
      env.kafka,
      env.s3,
      [...base, "--compression", "gzip"],
      FAST_GROUP,
    ).waitForExit(60_000);
    expect(refusedAgain.stderr).toMatch(/consumer: key settings changed since the last commit/);
    expect(refusedAgain.code).toBe(2);
    await gracefulOld();

    // ...then the new setting is accepted, and every record is still in S3 exactly once.
    await add(7);
    const gzip = startSink(
      env.kafka,
      env.s3,
      [...base, "--compression", "gzip", "--rotate-schedule-interval-ms", "500"],
      FAST_GROUP,
    );
    try {
      const objects = await allInS3();
      expect(compareExactlyOnce(objects, ledger)).toEqual([]);
      expect(objects.some((o) => o.key.endsWith(".json.gz"))).toBe(true);
    } finally {
      gzip.kill("SIGTERM");
    }
    const last = await gzip.waitForExit(15_000);
    expect(last.stderr).not.toContain("key settings changed since");
    expect(last.code).toBe(0);
  });
});
