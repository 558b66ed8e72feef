import type { Logger } from "@weblog/cli";
import type { Admin } from "kafkajs";

/**
 * Consumer lag from FRESH high watermarks. A fetch response's high watermark is only as new as the last fetch, so
 * it reads 0 before the sink has joined and stays stale while a partition is paused (S3 retry): this poller asks
 * the broker (Admin ListOffsets, and the group's committed offsets) every `intervalMs`, one request at a time.
 *
 * Lag of a partition = high watermark - where the sink is: the next offset it will read when the partition is
 * assigned here (`position`), else the group's committed offset (before joining, or a partition another member
 * owns: the group's lag as the broker sees it; -1, nothing committed, counts from the low watermark).
 */
export interface PartitionLag {
  topic: string;
  partition: number;
  highWatermark: number;
  /** The offset the lag is measured from. */
  position: number;
  lag: number;
  /** True when `position` is this sink's own read position (the partition is assigned here). */
  assigned: boolean;
}

export interface LagPoller {
  /** Latest lag per partition ([] until the first poll answered). */
  readonly partitions: readonly PartitionLag[];
  /** Sum over `partitions` of what this sink owns (all of them before it joined); null before the first poll. */
  total(): number | null;
  /**
   * When the broker last answered a poll (ms, the poller's clock); null before the first answer. Readiness asks it:
   * a broker that stopped answering shows here within a poll interval or two, long before kafkajs's session and
   * retries give the group up (issue 25: /readyz stayed 200 for 16-18 s after the broker died).
   */
  readonly answeredAt: number | null;
  /** Polls now and then every intervalMs (bounded: a poll still running skips the next tick). */
  start(): void;
  stop(): Promise<void>;
}

export interface LagPollerOptions {
  admin: Admin;
  groupId: string;
  topics: string[];
  /**
   * null when the partition is not assigned here; else the sink's own read position (null until it read or
   * committed anything there: the group's committed offset stands in).
   */
  positionOf: (topic: string, partition: number) => { position: bigint | null } | null;
  /** True once the sink holds an assignment (then only its own partitions count in `total`). */
  joined: () => boolean;
  logger: Logger;
  intervalMs?: number;
  now?: () => number;
}

/** Pure: lag rows from the broker's answers and the sink's positions. */
export function computeLag(
  offsets: { topic: string; partition: number; high: string; low: string }[],
  committed: Map<string, string>,
  positionOf: LagPollerOptions["positionOf"],
): PartitionLag[] {
  return offsets.map(({ topic, partition, high, low }) => {
    const own = positionOf(topic, partition);
    const c = committed.get(`${topic}|${partition}`);
    const groupPos = c === undefined || Number(c) < 0 ? Number(low) : Number(c);
    const position = own?.position == null ? groupPos : Number(own.position);
    const hw = Number(high);
    return {
      topic,
      partition,
      highWatermark: hw,
      position,
      lag: Math.max(0, hw - position),
      assigned: own !== null,
    };
  });
}

export function createLagPoller(opts: LagPollerOptions): LagPoller {
  const intervalMs = opts.intervalMs ?? 2000;
  let rows: PartitionLag[] = [];
  let polled = false;
  let connected = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let warned = false;
  let answeredAt: number | null = null;
  const now = opts.now ?? Date.now;

  const poll = async () => {
    if (!connected) {
      await opts.admin.connect();
      connected = true;
    }
    const offsets: { topic: string; partition: number; high: string; low: string }[] = [];
    for (const topic of opts.topics) {
      for (const o of await opts.admin.fetchTopicOffsets(topic)) {
        offsets.push({ topic, partition: o.partition, high: o.high, low: o.low });
      }
    }
    const committed = new Map<string, string>();
    for (const t of await opts.admin.fetchOffsets({ groupId: opts.groupId, topics: opts.topics })) {
      for (const p of t.partitions) committed.set(`${t.topic}|${p.partition}`, p.offset);
    }
    rows = computeLag(offsets, committed, opts.positionOf);
    polled = true;
    answeredAt = now();
    warned = false;
  };

  const tick = () => {
    if (running) return;
    running = poll()
      .catch((err: unknown) => {
        // Lag is for watching; a broker hiccup must not stop the sink. Once per outage, at debug level.
        if (!warned) opts.logger.debug({ err: { message: (err as Error).message } }, "lag poll failed");
        warned = true;
      })
      .finally(() => {
        running = null;
      });
  };

  return {
    get partitions() {
      return rows;
    },
    get answeredAt() {
      return answeredAt;
    },
    total() {
      if (!polled) return null;
      const mine = opts.joined() ? rows.filter((r) => r.assigned) : rows;
      return mine.reduce((n, r) => n + r.lag, 0);
    },
    start() {
      tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await running;
      if (connected) await opts.admin.disconnect().catch(() => {});
    },
  };
}
