import { HeadObjectCommand } from "@aws-sdk/client-s3";
import {
  type CliHandle,
  type KafkaHandle,
  startLocalKafka,
  startS3,
  uniqueName,
  waitFor,
} from "@weblog/testkit";
import { useBrokerAndS3 } from "@weblog/testkit/vitest";
import { describe, expect, it } from "vitest";
import { computeLag } from "../src/sink/lag";
import { createTopic, produce, readObjects, startSink, webLogLines } from "./helpers";

/** Prometheus text -> samples (name, labels, value); enough for these assertions. */
function samples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const m = l.match(/^(\w+)(?:\{(.*)\})? (\S+)$/);
      if (!m) throw new Error(`not a sample line: ${l}`);
      const labels = Object.fromEntries(
        [...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]),
      );
      return { name: m[1] as string, labels, value: Number(m[3]) };
    });
}
const sum = (s: ReturnType<typeof samples>, name: string) =>
  s.filter((x) => x.name === name).reduce((n, x) => n + x.value, 0);
const byLabel = (s: ReturnType<typeof samples>, name: string, label: string) =>
  Object.fromEntries(s.filter((x) => x.name === name).map((x) => [x.labels[label], x.value]));

async function metricsBase(sink: CliHandle): Promise<string> {
  const m = await sink.waitForOutput(/metrics on (http:\/\/127\.0\.0\.1:\d+)\/metrics/, 30_000);
  return m[1] as string;
}
const scrape = async (base: string) => samples(await (await fetch(`${base}/metrics`)).text());

describe("sink metrics (broker + S3)", () => {
  const env = useBrokerAndS3();

  it("counters match the records produced and the objects S3 holds; /healthz, /readyz", async () => {
    const topic = uniqueName("metrics");
    const good = webLogLines(203, 9);
    const bad = ["not json", '{"ip":"1.2.3.4"}', "still not json", '{"ip":"5.6.7.8"}', "{"];
    const first = good.slice(0, 100).map((value, i) => ({ partition: i % 4, value }));
    await produce(env.kafka.bootstrap, topic, first);
    const sink = startSink(env.kafka, env.s3, [
      ...["--topics", topic, "--flush-size", "10", "--rotate-schedule-interval-ms", "800"],
      ...["--errors-tolerance", "all", "--dlq-topic", uniqueName("metrics-dlq"), "--metrics-port", "0"],
    ]);
    try {
      const base = await metricsBase(sink);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      await waitFor("the first 100 records read", async () =>
        sum(await scrape(base), "weblog_sink_records_in_total") === 100 ? true : undefined,
      );
      const rest = [
        ...good.slice(100).map((value, i) => ({ partition: i % 4, value })),
        ...bad.map((value, i) => ({ partition: i % 4, value })),
      ];
      await produce(env.kafka.bootstrap, topic, rest);
      const s = await waitFor("every good record written, every bad one in the DLQ, lag 0", async () => {
        const got = await scrape(base);
        const lag = got.filter((x) => x.name === "weblog_sink_partition_lag");
        const done =
          sum(got, "weblog_sink_records_written_total") === 203 &&
          sum(got, "weblog_sink_dlq_records_total") === bad.length &&
          sum(got, "weblog_sink_buffered_records") === 0 &&
          lag.length === 4 &&
          lag.every((x) => x.value === 0);
        return done ? got : undefined;
      });
      const objects = await readObjects(env.s3.client(), env.s3.bucket, topic);
      expect(sum(s, "weblog_sink_records_in_total")).toBe(203 + bad.length);
      expect(objects.reduce((n, o) => n + o.lines.length, 0)).toBe(203);
      expect(sum(s, "weblog_sink_objects_written_total")).toBe(objects.length);
      expect(sum(s, "weblog_sink_dlq_records_total")).toBe(bad.length);
      expect(Object.keys(byLabel(s, "weblog_sink_dlq_records_total", "reason")).sort()).toEqual([
        "INVALID_FIELDS",
        "NOT_JSON",
      ]);
      // The cut reason and record count of every object are in its metadata, and tally with the counters.
      const reasons: Record<string, number> = {};
      let bytes = 0;
      for (const o of objects) {
        const head = await env.s3.client().send(new HeadObjectCommand({ Bucket: env.s3.bucket, Key: o.key }));
        expect(Number(head.Metadata?.["weblog-records"])).toBe(o.lines.length);
        const reason = head.Metadata?.["weblog-cut-reason"] as string;
        reasons[reason] = (reasons[reason] ?? 0) + 1;
        bytes += head.ContentLength ?? 0;
      }
      expect(byLabel(s, "weblog_sink_objects_written_total", "reason")).toEqual(reasons);
      expect(reasons["flush.size"]).toBeGreaterThan(0);
      expect(sum(s, "weblog_sink_bytes_written_total")).toBe(bytes);
      // One end-to-end sample per record written (none with a producer clock ahead: same machine).
      expect(sum(s, "weblog_sink_end_to_end_latency_seconds_count")).toBe(203);
      expect(sum(s, "weblog_sink_clock_skew_records_total")).toBe(0);
      expect(sum(s, "weblog_sink_upload_duration_seconds_count")).toBe(objects.length);
      expect(sum(s, "weblog_sink_commit_duration_seconds_count")).toBe(sum(s, "weblog_sink_commits_total"));
      expect(sum(s, "weblog_sink_commits_total")).toBeGreaterThan(0);
      const highs = byLabel(s, "weblog_sink_partition_high_watermark", "partition");
      const perPartition = [0, 1, 2, 3].map(
        (p) => [...first, ...rest].filter((m) => m.partition === p).length,
      );
      expect([0, 1, 2, 3].map((p) => highs[String(p)])).toEqual(perPartition);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ ready: true, checks: { joined: true, broker: true, s3: true } });
    } finally {
      sink.kill("SIGTERM");
    }
    expect((await sink.waitForExit(12_000)).code).toBe(0);
  });

  it("S3 down: paused partitions, retries and a growing lag from fresh watermarks; /readyz 503; all drained after", async () => {
    const topic = uniqueName("metrics-outage");
    const s3 = await startS3({ dedicated: true });
    await createTopic(env.kafka.bootstrap, topic);
    const sink = startSink(env.kafka, s3, [
      ...[
        "--topics",
        topic,
        "--flush-size",
        "10",
        "--rotate-schedule-interval-ms",
        "500",
        "--metrics-port",
        "0",
      ],
    ]);
    try {
      const base = await metricsBase(sink);
      await produce(
        env.kafka.bootstrap,
        topic,
        webLogLines(40, 3).map((value, i) => ({ partition: i % 4, value })),
      );
      await waitFor("40 written", async () =>
        sum(await scrape(base), "weblog_sink_records_written_total") === 40 ? true : undefined,
      );
      await s3.pause();
      await produce(
        env.kafka.bootstrap,
        topic,
        webLogLines(8, 4).map((value) => ({ partition: 0, value })),
      );
      await waitFor("partition 0 paused and retrying", async () => {
        const s = await scrape(base);
        return sum(s, "weblog_sink_paused_partitions") >= 1 && sum(s, "weblog_sink_s3_retries_total") >= 1
          ? true
          : undefined;
      });
      // While paused, the fetch response's watermark is frozen; the admin poll sees the new records.
      await produce(
        env.kafka.bootstrap,
        topic,
        webLogLines(30, 5).map((value) => ({ partition: 0, value })),
      );
      const lag = await waitFor("partition 0's lag to show the records produced while paused", async () => {
        const s = await scrape(base);
        const l = byLabel(s, "weblog_sink_partition_lag", "partition")["0"];
        const hw = byLabel(s, "weblog_sink_partition_high_watermark", "partition")["0"];
        return hw === 48 && l !== undefined && l >= 30 ? l : undefined;
      });
      expect(lag).toBeLessThanOrEqual(38);
      const notReady = await waitFor("/readyz 503", async () => {
        const r = await fetch(`${base}/readyz`);
        return r.status === 503 ? r.json() : undefined;
      });
      expect(notReady).toMatchObject({ ready: false, checks: { s3: false } });
      await s3.resume();
      await waitFor(
        "78 written and lag 0",
        async () => {
          const s = await scrape(base);
          const lags = s.filter((x) => x.name === "weblog_sink_partition_lag");
          return sum(s, "weblog_sink_records_written_total") === 78 && lags.every((x) => x.value === 0)
            ? true
            : undefined;
        },
        45_000,
      );
      const objects = await readObjects(s3.client(), s3.bucket, topic);
      expect(objects.reduce((n, o) => n + o.lines.length, 0)).toBe(78);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nsink stderr:\n${sink.stderr().slice(-3000)}`);
    } finally {
      sink.kill("SIGTERM");
      await sink.waitForExit(12_000).catch(() => {});
      await s3.stop();
    }
  });

  it("lag before joining comes from the group's committed offsets (low watermark when none)", () => {
    const offsets = [
      { topic: "t", partition: 0, high: "50", low: "0" },
      { topic: "t", partition: 1, high: "70", low: "20" },
      { topic: "t", partition: 2, high: "30", low: "0" },
    ];
    const committed = new Map([
      ["t|0", "40"],
      ["t|1", "-1"],
    ]);
    const notJoined = computeLag(offsets, committed, () => null);
    expect(notJoined.map((r) => r.lag)).toEqual([10, 50, 30]);
    const joined = computeLag(offsets, committed, (_t, p) =>
      p === 0 ? { position: 45n } : p === 2 ? { position: null } : null,
    );
    expect(joined.map((r) => [r.lag, r.assigned])).toEqual([
      [5, true],
      [50, false],
      [30, true],
    ]);
  });

  // Issue 25, item 9: /readyz stayed 200 for 16-18 s after the broker died (until kafkajs gave the group up).
  it("the broker stops answering (frozen, SIGSTOP): /readyz drops within a few seconds (broker: false)", async () => {
    // A broker of this test's own, frozen (its whole process group): its connections stay open and nothing answers,
    // as when a broker's machine dies or its network goes (a killed local broker refuses connections at once, and
    // kafkajs notices that by itself).
    const local = await startLocalKafka();
    const kafka: KafkaHandle = {
      bootstrap: local.bootstrap,
      brokers: [local.bootstrap],
      backend: "local",
      server: `Apache Kafka ${local.version} (local JVM)`,
      stop: () => local.stop(),
    };
    const topic = uniqueName("ready-broker");
    try {
      await createTopic(kafka.bootstrap, topic);
      const sink = startSink(kafka, env.s3, ["--topics", topic, "--metrics-port", "0"]);
      try {
        const base = await metricsBase(sink);
        await waitFor(
          "/readyz 200",
          async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined),
          60_000,
        );
        process.kill(-local.pgid, "SIGSTOP");
        // A few seconds: the broker is asked every 2 s; 10 s is well under the 16-18 s it took before.
        const notReady = await waitFor(
          "/readyz 503 after the broker died",
          async () => {
            const r = await fetch(`${base}/readyz`);
            return r.status === 503 ? r.json() : undefined;
          },
          10_000,
        );
        expect(notReady).toMatchObject({ ready: false, checks: { broker: false } });
      } finally {
        sink.kill("SIGKILL"); // its stop would wait for the frozen broker
        await sink.waitForExit(30_000).catch(() => {});
      }
    } finally {
      process.kill(-local.pgid, "SIGKILL"); // never thawed: the test ends it, stop() cleans up
      await kafka.stop();
    }
  }, 150_000);
});
