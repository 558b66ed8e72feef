/**
 * `topics.regex` (broker + S3): the sink writes every topic whose whole name matches, picks up a topic created
 * while it runs within `consumer.override.metadata.max.age.ms` (restarting its engine on the larger list: a
 * graceful stop, then a new member), never a topic that does not match; every record once. A pattern that matches
 * nothing at start is one line, exit 2.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, uniqueName, waitFor } from "@weblog/testkit";
import { useBrokerAndS3 } from "@weblog/testkit/vitest";
import { afterAll, describe, expect, it } from "vitest";
import { matchingTopics } from "../src/sink/topic-pattern";
import { createTopic, MAIN, produce, readObjects, sinkEnv, startSink, webLogLines } from "./helpers";

describe("matchingTopics (pure)", () => {
  it("matches whole names only, never Kafka's internal topics nor the sink's own DLQ; sorted, once", () => {
    const names = ["weblogs-b", "weblogs-a", "x-weblogs-c", "weblogs-dlq", "__consumer_offsets", "weblogs-a"];
    expect(matchingTopics("weblogs-.*", names, "weblogs-dlq")).toEqual(["weblogs-a", "weblogs-b"]);
    expect(matchingTopics(".*", names)).toEqual(["weblogs-a", "weblogs-b", "weblogs-dlq", "x-weblogs-c"]);
    expect(matchingTopics("weblogs-a|weblogs-b", names)).toEqual(["weblogs-a", "weblogs-b"]);
  });
});

describe("topics.regex (broker + S3)", () => {
  const env = useBrokerAndS3();
  const dir = mkdtempSync(join(tmpdir(), "weblog-rx-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const configFile = (pattern: string) => {
    const path = join(dir, `${uniqueName("c")}.json`);
    writeFileSync(
      path,
      JSON.stringify({
        "connector.class": "io.confluent.connect.s3.S3SinkConnector",
        "topics.regex": pattern,
        "s3.bucket.name": env.s3.bucket,
        "store.url": env.s3.endpoint,
        "flush.size": "5",
        "rotate.schedule.interval.ms": "-1",
        "consumer.override.metadata.max.age.ms": "1000",
        "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
      }),
    );
    return path;
  };
  const fill = async (topic: string, seed: number) => {
    await createTopic(env.kafka.bootstrap, topic, 1);
    const lines = webLogLines(5, seed);
    await produce(
      env.kafka.bootstrap,
      topic,
      lines.map((value) => ({ partition: 0, value })),
    );
    return lines;
  };
  const linesOf = async (topic: string) =>
    (await readObjects(env.s3.client(), env.s3.bucket, topic)).flatMap((o) => o.lines);

  it("writes the matching topics, then one created while it runs; never the others", {
    timeout: 120_000,
  }, async () => {
    const id = uniqueName("rx");
    const first = await fill(`${id}-a`, 1);
    const other = await fill(`x${id}-a`, 2); // contains the pattern, but not as the whole name
    const sink = startSink(env.kafka, env.s3, ["--config", configFile(`${id}-.*`)]);
    try {
      await waitFor(
        "the first topic's object",
        async () => ((await linesOf(`${id}-a`)).length === 5 ? true : undefined),
        60_000,
      );
      const second = await fill(`${id}-b`, 3);
      await waitFor(
        "the new topic's object",
        async () => ((await linesOf(`${id}-b`)).length === 5 ? true : undefined),
        60_000,
      );
      await sink.waitForOutput(/new topics match topics\.regex/, 5_000);
      expect(await linesOf(`${id}-a`)).toEqual(first); // once: the restart re-read nothing twice
      expect(await linesOf(`${id}-b`)).toEqual(second);
      expect(await linesOf(`x${id}-a`)).toEqual([]);
      expect(other).toHaveLength(5);
    } finally {
      sink.kill("SIGTERM");
    }
    expect((await sink.waitForExit(30_000)).code).toBe(0);
  });

  it("a pattern that matches no topic at start is one line, exit 2", async () => {
    const r = await runCli(MAIN, ["--sink", "--config", configFile(`${uniqueName("none")}-.*`)], {
      env: sinkEnv(env.kafka, env.s3),
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(2);
    const lines = r.stderr
      .trim()
      .split("\n")
      .filter((l) => !l.startsWith("{")); // the JSON log lines (notes) before it
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/topics\.regex '.*' matches no topic yet: create one first, or fix the pattern/);
  });
});
