import { runCli, uniqueName } from "@weblog/testkit";
import { useBrokerAndS3 } from "@weblog/testkit/vitest";
import { describe, expect, it } from "vitest";
import { MAIN, produce, sinkEnv, testKafka, webLogLines } from "./helpers";

/** The group's committed offset of partition 0 (-1: none). */
async function committedOffset(bootstrap: string, group: string, topic: string): Promise<number> {
  const admin = testKafka(bootstrap).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return Number(offsets[0]?.partitions.find((p) => p.partition === 0)?.offset ?? "-1");
  } finally {
    await admin.disconnect();
  }
}

describe("the DLQ topic (broker + S3)", () => {
  const env = useBrokerAndS3();

  // Issue 25, item 2: Kafka Connect refuses a DLQ topic that is one of the connector's topics (its bad records would
  // come back to it); ours started.
  it("a DLQ topic that is one of the sink's topics is refused at start: one line, exit 2, nothing read", async () => {
    const a = uniqueName("loop-a");
    const b = uniqueName("loop-b");
    const group = uniqueName("g");
    // Both topics exist and hold records: without the refusal the sink starts and reads them.
    await produce(env.kafka.bootstrap, a, [{ partition: 0, value: webLogLines(1, 34)[0] as string }]);
    await produce(env.kafka.bootstrap, b, [{ partition: 0, value: "not json" }]);
    const res = await runCli(
      MAIN,
      ["--sink", "--group", group, "--topics", `${a},${b}`, "--errors-tolerance", "all", "--dlq-topic", b],
      { env: sinkEnv(env.kafka, env.s3), timeoutMs: 30_000 },
    );
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toMatch(/^consumer: errors\.deadletterqueue\.topic\.name/);
    expect(res.stderr).toContain(`'${b}'`);
    expect(await committedOffset(env.kafka.bootstrap, group, b)).toBe(-1);
  });
});
