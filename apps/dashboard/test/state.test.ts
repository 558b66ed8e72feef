import { describe, expect, it } from "vitest";
import { byLabel, histogram, parsePromText, total } from "../src/server/prom-text";
import { buildState, type Counters } from "../src/server/state";

const SINK = `# HELP weblog_sink_records_in_total Records read from Kafka.
# TYPE weblog_sink_records_in_total counter
weblog_sink_records_in_total 120
weblog_sink_objects_written_total{reason="flush.size"} 11
weblog_sink_objects_written_total{reason="rotate.schedule.interval.ms"} 2
weblog_sink_dlq_records_total{reason="NOT_JSON"} 3
weblog_sink_partition_lag{topic="t",partition="0"} 4
weblog_sink_partition_lag{topic="other",partition="0"} 99
weblog_sink_partition_high_watermark{topic="t",partition="0"} 124
weblog_sink_end_to_end_latency_seconds_bucket{le="0.5"} 10
weblog_sink_end_to_end_latency_seconds_bucket{le="1"} 100
weblog_sink_end_to_end_latency_seconds_bucket{le="+Inf"} 117
weblog_sink_end_to_end_latency_seconds_sum 80.5
weblog_sink_end_to_end_latency_seconds_count 117
weblog_sink_label_escapes{a="x\\"y",b="1\\\\2"} 1
`;

describe("Prometheus text and the snapshot", () => {
  it("parses samples, labels (escapes too), sums, label maps and histograms", () => {
    const s = parsePromText(SINK);
    expect(total(s, "weblog_sink_records_in_total")).toBe(120);
    expect(byLabel(s, "weblog_sink_objects_written_total", "reason")).toEqual({
      "flush.size": 11,
      "rotate.schedule.interval.ms": 2,
    });
    expect(s.find((x) => x.name === "weblog_sink_label_escapes")?.labels).toEqual({ a: 'x"y', b: "1\\2" });
    const h = histogram(s, "weblog_sink_end_to_end_latency_seconds");
    expect(h.buckets.map((b) => b.le)).toEqual([0.5, 1, Number.POSITIVE_INFINITY]);
    expect(h).toMatchObject({ count: 117, sum: 80.5 });
  });

  it("folds metrics, Kafka and S3 into one snapshot: per-bucket counts, lag of this topic, rates", () => {
    const history: Counters[] = [];
    const inputs = (atMs: number, recordsIn: number) => ({
      atMs,
      topic: "t",
      bucket: "b",
      engine: "sink",
      sink: {
        url: "http://x/metrics",
        scrape: { up: true as const, samples: parsePromText(SINK.replace(" 120", ` ${recordsIn}`)) },
      },
      s3: {
        objects: 13,
        bytes: 1000,
        records: 117,
        detailed: 13,
        partitions: { "0": { objects: 13, bytes: 1000, records: 117 } },
        reasons: {},
        newest: [],
      },
      kafka: [{ partition: 0, high: 124, committed: 117, lag: 7 }],
      verdict: null,
    });
    const first = buildState(inputs(1000, 100), history, null);
    const second = buildState(inputs(3000, 120), history, first);
    expect(second.sink?.objects).toBe(13);
    expect(second.sink?.dlq).toBe(3);
    expect(second.sink?.latency.buckets.map((b) => b.count)).toEqual([10, 90, 17]);
    expect(second.sink?.latency.buckets.at(-1)?.le).toBeNull();
    // The sink's own lag (its read position) wins over the group's commits; other topics are ignored.
    expect(second.partitions).toEqual([
      { partition: 0, high: 124, lag: 4, lagFrom: "sink", objects: 13, records: 117 },
    ]);
    expect(second.rates.consumed).toBe(10); // 20 records in 2 s
    // The sink gone: its last numbers stay, marked down.
    const third = buildState(
      {
        ...inputs(4000, 120),
        sink: { url: "http://x/metrics", scrape: { up: false, error: "ECONNREFUSED" } },
      },
      history,
      second,
    );
    expect(third.sink).toMatchObject({ up: false, error: "ECONNREFUSED", recordsIn: 120 });
    expect(third.rates.consumed).toBeNull();
    expect(third.partitions[0]).toMatchObject({ lag: 7, lagFrom: "kafka" });
  });
});
