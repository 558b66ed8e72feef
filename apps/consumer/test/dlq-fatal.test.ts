import { type KafkaHandle, runCli, startKafka, uniqueName, waitFor } from "@weblog/testkit";
import { useBrokerAndS3 } from "@weblog/testkit/vitest";
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAIN, produce, readObjects, sinkEnv, startSink, testKafka, webLogLines } from "./helpers";

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

/** The lines a sink run printed on stderr as its one-line error (`consumer: ...`). */
const errorLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("consumer: "));

/** Creates `topic` (1 partition) with topic-level configs, waiting for its leader. */
async function createTopicWith(bootstrap: string, topic: string, configs: Record<string, string> = {}) {
  const admin = testKafka(bootstrap).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: 1,
          configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

describe("dead letters that cannot be written (broker + S3)", () => {
  const env = useBrokerAndS3();

  // Issue 25, item 1: the DLQ send failed with "message larger than the max message size", the batch was re-read
  // from the committed offset for ever, the good records behind it never reached S3, and every retry logged
  // "record rejected ... sent to the dead-letter topic" although nothing was sent.
  it("a bad record larger than the DLQ topic accepts: one line naming the record, the limit and the fix; exit 2; nothing committed past it", async () => {
    const topic = uniqueName("big-bad");
    const dlqTopic = uniqueName("big-bad-dlq");
    const group = uniqueName("g");
    // The source topic takes 8 MB records; the DLQ topic has the broker's default (1 MiB).
    await createTopicWith(env.kafka.bootstrap, topic, { "max.message.bytes": "8000000" });
    await createTopicWith(env.kafka.bootstrap, dlqTopic);
    const good = webLogLines(6, 31);
    const huge = `not json ${"x".repeat(2 * 1024 * 1024)}`;
    await produce(env.kafka.bootstrap, topic, [
      ...good.slice(0, 3).map((value) => ({ partition: 0, value })),
      { partition: 0, value: huge }, // offset 3
      ...good.slice(3).map((value) => ({ partition: 0, value })),
    ]);
    const sink = startSink(env.kafka, env.s3, [
      "--topics",
      topic,
      "--group",
      group,
      "--flush-size",
      "2",
      "--rotate-schedule-interval-ms",
      "60000",
      "--errors-tolerance",
      "all",
      "--dlq-topic",
      dlqTopic,
    ]);
    const res = await sink.waitForExit(90_000);
    expect(res.code).toBe(2);
    const lines = errorLines(res.stderr);
    expect(lines).toHaveLength(1);
    const line = lines[0] as string;
    expect(line).toContain(`${topic}/0@3`);
    expect(line).toContain(dlqTopic);
    expect(line).toMatch(/max\.message\.bytes/);
    expect(line).toMatch(/1048588/); // the DLQ topic's limit, read from the broker
    expect(line).toMatch(/errors\.tolerance/);
    expect(res.stderr).not.toMatch(/stop timed out/);
    expect(res.stderr).not.toMatch(/\n\s+at /); // no stack
    // Nothing was sent, so nothing says it was.
    expect(res.stderr).not.toMatch(/record rejected/);
    // Nothing committed past the bad record, and no record behind it in S3.
    expect(await committedOffset(env.kafka.bootstrap, group, topic)).toBeLessThanOrEqual(3);
    const stored = (await readObjects(env.s3.client(), env.s3.bucket, topic)).flatMap((o) => o.lines);
    for (const l of stored) expect(good.slice(0, 3)).toContain(l);
  }, 120_000);

  it("a letter that is sent is logged as sent only after the broker acknowledged it", async () => {
    const topic = uniqueName("sent");
    const dlqTopic = uniqueName("sent-dlq");
    await createTopicWith(env.kafka.bootstrap, dlqTopic);
    const good = webLogLines(2, 33);
    await produce(env.kafka.bootstrap, topic, [
      { partition: 0, value: good[0] as string },
      { partition: 0, value: "not json at all" },
      { partition: 0, value: good[1] as string },
    ]);
    const sink = startSink(env.kafka, env.s3, [
      "--topics",
      topic,
      "--flush-size",
      "2",
      "--errors-tolerance",
      "all",
      "--dlq-topic",
      dlqTopic,
    ]);
    try {
      await sink.waitForOutput(/record rejected: .*@1 NOT_JSON, sent to the dead-letter topic/, 30_000);
      // By the time the line is printed, the letter is in the DLQ topic.
      const offsets = await waitFor("the letter in the DLQ topic", async () => {
        const admin = testKafka(env.kafka.bootstrap).admin();
        await admin.connect();
        try {
          const o = await admin.fetchTopicOffsets(dlqTopic);
          return Number(o[0]?.high ?? 0) >= 1 ? o : undefined;
        } finally {
          await admin.disconnect();
        }
      });
      expect(Number(offsets[0]?.high)).toBe(1);
    } finally {
      sink.kill("SIGTERM");
    }
    expect((await sink.waitForExit(15_000)).code).toBe(0);
  });

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

describe("dead letters that cannot be written: DLQ topic missing, no WRITE on it (own broker: auto-create off, ACLs)", () => {
  let kafka: KafkaHandle;
  const shared = useBrokerAndS3();
  beforeAll(async () => {
    kafka = await startKafka({
      dedicated: true,
      properties: {
        "auto.create.topics.enable": "false",
        // KRaft's authorizer; everything is allowed until an ACL names a resource (the test denies one topic).
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found": "true",
      },
    });
  }, 120_000);
  afterAll(async () => {
    await kafka?.stop();
  });

  it("the DLQ topic does not exist and the broker will not create it: one line naming the record and the fix, exit 2", async () => {
    const topic = uniqueName("nodlq");
    const dlqTopic = uniqueName("nodlq-dlq"); // never created
    const group = uniqueName("g");
    const good = webLogLines(3, 35);
    await createTopicWith(kafka.bootstrap, topic);
    await produce(kafka.bootstrap, topic, [
      { partition: 0, value: good[0] as string },
      { partition: 0, value: "{broken" }, // offset 1
      { partition: 0, value: good[1] as string },
      { partition: 0, value: good[2] as string },
    ]);
    const sink = startSink(kafka, shared.s3, [
      "--topics",
      topic,
      "--group",
      group,
      "--flush-size",
      "2",
      "--errors-tolerance",
      "all",
      "--dlq-topic",
      dlqTopic,
    ]);
    const res = await sink.waitForExit(90_000);
    expect(res.code).toBe(2);
    const lines = errorLines(res.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${topic}/0@1`);
    expect(lines[0]).toContain(`'${dlqTopic}' does not exist`);
    expect(lines[0]).toMatch(/errors\.tolerance/);
    expect(res.stderr).not.toMatch(/record rejected/);
    expect(res.stderr).not.toMatch(/stop timed out/);
    expect(await committedOffset(kafka.bootstrap, group, topic)).toBeLessThanOrEqual(1);
  }, 120_000);

  it("the sink may not WRITE the DLQ topic (a DENY ACL): one line naming the record, the topic and the fix, exit 2", async () => {
    const topic = uniqueName("noacl");
    const dlqTopic = uniqueName("noacl-dlq");
    const group = uniqueName("g");
    await createTopicWith(kafka.bootstrap, topic);
    await createTopicWith(kafka.bootstrap, dlqTopic);
    const admin = testKafka(kafka.bootstrap).admin();
    await admin.connect();
    try {
      // PLAINTEXT clients are User:ANONYMOUS: no WRITE on the DLQ topic, everything else allowed.
      await admin.createAcls({
        acl: [
          {
            resourceType: AclResourceTypes.TOPIC,
            resourceName: dlqTopic,
            resourcePatternType: ResourcePatternTypes.LITERAL,
            principal: "User:ANONYMOUS",
            host: "*",
            operation: AclOperationTypes.WRITE,
            permissionType: AclPermissionTypes.DENY,
          },
        ],
      });
    } finally {
      await admin.disconnect();
    }
    const good = webLogLines(2, 37);
    await produce(kafka.bootstrap, topic, [
      { partition: 0, value: good[0] as string },
      { partition: 0, value: "not json" }, // offset 1
      { partition: 0, value: good[1] as string },
    ]);
    const sink = startSink(kafka, shared.s3, [
      "--topics",
      topic,
      "--group",
      group,
      "--flush-size",
      "2",
      "--errors-tolerance",
      "all",
      "--dlq-topic",
      dlqTopic,
    ]);
    const res = await sink.waitForExit(90_000);
    expect(res.code).toBe(2);
    const lines = errorLines(res.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${topic}/0@1`);
    expect(lines[0]).toMatch(
      new RegExp(`WRITE on the dead-letter topic '${dlqTopic}' \\(TOPIC_AUTHORIZATION_FAILED\\)`),
    );
    expect(res.stderr).not.toMatch(/record rejected/);
    expect(await committedOffset(kafka.bootstrap, group, topic)).toBeLessThanOrEqual(1);
  }, 120_000);
});
