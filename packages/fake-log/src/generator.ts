import type { WebLogRecord } from "@weblog/log-schema";
import { type BadValue, makeBad } from "./bad";
import { createCore } from "./core";
import { BAD_KINDS, type BadKind } from "./data/bad";
import { INCIDENT_KINDS, type IncidentKind } from "./data/incidents";
import { FakeLogOptionsError } from "./errors";
import { formatter } from "./formats/index";
import type { ScheduledIncident } from "./incidents";
import { DeliveryHeap, delaySampler } from "./late";
import { type FakeLogOptions, type ResolvedFakeLogOptions, resolveOptions } from "./options";
import type { Burst } from "./profiles";
import { createRandomizer, type Randomizer } from "./randomizer";
import { weighted } from "./weighted";

/** One message as a pipeline would receive it: the formatted (or broken) value and what it is. */
export interface FakeMessage {
  /** The line in `options.format`; for a bad message its broken form: a string, bytes (invalid UTF-8) or null (tombstone). */
  value: BadValue;
  /** The client address (a natural message key). */
  key: string;
  /** The valid record the message was made from (for a bad one, what it would have been). */
  record: WebLogRecord;
  /** Log time at which it is delivered, epoch ms (= the record's time unless late). */
  deliveredAt: number;
  /** How late it is, ms (0 = on time). */
  delayMs: number;
  /** The incident that produced it, if any (side channel; the record itself never says so unless tagIncidents). */
  incident?: IncidentKind;
  /** Why it is broken, if it was made bad. */
  bad?: BadKind;
}

/** What the last record (from next() or message()) was, beyond its six fields. */
export interface RecordMeta {
  incident: IncidentKind | undefined;
  delayMs: number;
  deliveredAt: number;
}

export interface FakeLogStats {
  /** Records (and messages) handed out so far. */
  records: number;
  /** Of those, delivered late. */
  late: number;
  /** Messages made bad, by kind, and in all. */
  bad: Record<BadKind, number>;
  badTotal: number;
  /** Records produced (or, 5xx-storm, broken) by each incident kind. */
  incidents: Record<IncidentKind, number>;
}

export interface FakeLog extends Iterable<WebLogRecord> {
  /** The next record (a new object each call), in delivery order. Always valid: badShare applies to messages only. */
  next(): WebLogRecord;
  /** The next `n` records, in order (same as calling next() n times). */
  batch(n: number): WebLogRecord[];
  /** An endless iterator over next(): `for (const r of log) { ...; if (done) break; }`. */
  [Symbol.iterator](): Iterator<WebLogRecord>;
  /** The next message: the next record formatted (`format`), possibly broken (`badShare`), with its side channel. */
  message(): FakeMessage;
  /** The next `n` messages. */
  messages(n: number): FakeMessage[];
  /** Side channel of the last record or message handed out. */
  readonly last: RecordMeta;
  /** Counts so far. */
  stats(): FakeLogStats;
  /** Incidents started so far (scheduled and random), in start order. */
  incidents(): readonly ScheduledIncident[];
  /** Bursts of the bursty profile generated so far. */
  bursts(): readonly Burst[];
  /** The seed in use (the given one, or the random one picked when none was given). */
  readonly seed: number;
  /** The validated options with defaults filled in. */
  readonly options: Readonly<ResolvedFakeLogOptions>;
}

/** Collaborators a caller may inject (tests, or to share one stream). */
export interface FakeLogDeps {
  /**
   * The randomizer the traffic draws from; it is re-seeded with the seed (given or random). The opt-in features
   * (bursts, incidents, late delivery, bad records) each draw from their own stream derived from the seed, so
   * switching one on changes the traffic as little as it can (see README: a flood's records do take clock ticks).
   */
  randomizer?: Randomizer;
}

/** Salts of the derived streams (never change them: they shape seeded output). */
const SALT = { profile: 0x70726f66, incidents: 0x696e6364, late: 0x6c617465, bad: 0x62616421 } as const;

interface Entry {
  record: WebLogRecord;
  incident: IncidentKind | undefined;
  delayMs: number;
  deliveredAt: number;
}

const zeroCounts = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

/**
 * A seeded generator of realistic web-access records (see README): visitors with skewed repeat visits, a site map
 * of pages, assets, API calls, admin and scanner probes, URL-dependent statuses with occasional 5xx outages,
 * timestamps at `rate` records/s shaped by a profile, optional incidents, late delivery and broken messages.
 * Throws FakeLogOptionsError for bad options.
 */
export function createFakeLog(options?: FakeLogOptions, deps: FakeLogDeps = {}): FakeLog {
  const resolved = resolveOptions(options);
  const random = deps.randomizer ?? createRandomizer(resolved.seed);
  if (deps.randomizer) random.seed(resolved.seed);
  const derive = (salt: number) => createRandomizer([resolved.seed, salt]);
  const core = createCore(resolved, {
    traffic: random,
    profile: derive(SALT.profile),
    incidents: derive(SALT.incidents),
  });

  const stats: FakeLogStats = {
    records: 0,
    late: 0,
    bad: zeroCounts(BAD_KINDS),
    badTotal: 0,
    incidents: zeroCounts(INCIDENT_KINDS),
  };
  let lastEntry: Entry | undefined;

  // On-time path: records straight from the core, in log-time order. Without incidents the core's next() is the
  // generator's next() itself: the hot path pays nothing for the features.
  const nextOnTime =
    core.incidents === undefined
      ? core.next
      : (): WebLogRecord => {
          const r = core.next();
          const incident = core.lastIncident();
          if (incident !== undefined) stats.incidents[incident]++;
          return r;
        };

  // Late path: every record waits in a heap until its delivery time has come in log time.
  const lrand = derive(SALT.late);
  const delay = delaySampler(resolved.late, lrand);
  const heap = new DeliveryHeap<Entry>();
  let seq = 0;
  let delivered = 0;
  let logTime = Number.NEGATIVE_INFINITY;
  const nextLate = (): WebLogRecord => {
    while (heap.peek() > logTime) {
      const record = core.next();
      const incident = core.lastIncident();
      const t = core.time();
      const delayMs = lrand.chance(resolved.lateShare) ? delay() : 0;
      heap.push(t + delayMs, seq++, { record, incident, delayMs, deliveredAt: t + delayMs });
      logTime = t;
    }
    const e = heap.pop()!;
    delivered++;
    if (e.delayMs > 0) stats.late++;
    if (e.incident !== undefined) stats.incidents[e.incident]++;
    lastEntry = e;
    return e.record;
  };

  const late = resolved.lateShare > 0;
  const next = late ? nextLate : nextOnTime;

  const last = (): RecordMeta => {
    if (late && lastEntry !== undefined) {
      return { incident: lastEntry.incident, delayMs: lastEntry.delayMs, deliveredAt: lastEntry.deliveredAt };
    }
    // On time, the last record handed out is the core's last one.
    return {
      incident: core.lastIncident(),
      delayMs: 0,
      deliveredAt: core.count() === 0 ? Number.NaN : core.time(),
    };
  };

  const format = formatter(resolved.format);
  const brand = derive(SALT.bad);
  const badKinds = weighted(resolved.badMix);
  const tag = resolved.tagIncidents && resolved.format === "json";

  function message(): FakeMessage {
    const record = next();
    const meta = last();
    let value: BadValue = format(record);
    if (tag && meta.incident !== undefined) value = `${value.slice(0, -1)},"incident":"${meta.incident}"}`;
    const m: FakeMessage = {
      value,
      key: record.ip,
      record,
      deliveredAt: meta.deliveredAt,
      delayMs: meta.delayMs,
    };
    if (meta.incident !== undefined) m.incident = meta.incident;
    if (resolved.badShare > 0 && brand.chance(resolved.badShare)) {
      const kind = badKinds.pick(brand);
      m.value = makeBad(kind, record, value, resolved.format, format, brand);
      m.bad = kind;
      stats.bad[kind]++;
      stats.badTotal++;
    }
    return m;
  }

  const checkN = (name: string, n: number) => {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new FakeLogOptionsError(`${name}(n)`, `${name}(n): n must be an integer >= 0, got ${String(n)}`);
    }
  };

  function batch(n: number): WebLogRecord[] {
    checkN("batch", n);
    const out = new Array<WebLogRecord>(n);
    for (let i = 0; i < n; i++) out[i] = next();
    return out;
  }

  function messages(n: number): FakeMessage[] {
    checkN("messages", n);
    const out = new Array<FakeMessage>(n);
    for (let i = 0; i < n; i++) out[i] = message();
    return out;
  }

  return {
    next,
    batch,
    message,
    messages,
    get last() {
      return last();
    },
    stats: () => ({
      ...stats,
      records: late ? delivered : core.count(),
      bad: { ...stats.bad },
      incidents: { ...stats.incidents },
    }),
    incidents: () => [...(core.incidents?.started ?? [])],
    bursts: () => [...core.bursts],
    seed: resolved.seed,
    options: Object.freeze({ ...resolved }),
    [Symbol.iterator]() {
      return {
        next: () => ({ value: next(), done: false }),
        [Symbol.iterator]() {
          return this;
        },
      };
    },
  };
}
