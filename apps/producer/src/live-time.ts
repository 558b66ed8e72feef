/**
 * Live timestamps. fake-log's clock is log time: it starts at the run's start and advances by the generator's
 * rate, so a fast run (`--rate 0`: 1000 records of log time a second, sent 50 times faster) stamps records
 * minutes to hours ahead of the wall clock, and time-partitioned output lands in future hours. A producer is live:
 * each record's `timestamp` is rewritten to the moment it is handed to Kafka, minus its lateness (a late record
 * stays as late as fake-log made it). Records broken on purpose are left alone; so is any value that does not
 * carry fake-log's JSON timestamp (clf lines). `--timestamps log` keeps fake-log's clock (as its own CLI does).
 *
 * A batch is taken at one moment, but its records stand for the traffic since the previous batch: the live clock
 * spreads a batch's stamps over that span, one millisecond apart at least while the clock allows it and never
 * after "now". So up to 1000 records/s every record has its own millisecond (stamping a whole batch with one
 * millisecond made identical twins of records that differ only in time, which the verifier rightly reports);
 * faster than that (or when a stalled event loop hands over a burst), records share milliseconds, and two records
 * that differ only by their time would become identical twins; `createTwinGuard` moves such a record back one
 * millisecond at a time (never forward: never ahead of the clock) until it differs from the records of this batch
 * and the one before.
 */

const FIELD = '"timestamp":"';
/** fake-log's JSON writes ISO-8601 in UTC with milliseconds: 2026-01-01T00:00:00.005Z (24 characters). */
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"$/;

/** One clock reading per batch: `iso(ms)` caches the last string, as a batch shares its millisecond. */
export function createIsoCache(): (ms: number) => string {
  let lastMs = Number.NaN;
  let last = "";
  return (ms) => {
    if (ms !== lastMs) {
      lastMs = ms;
      last = new Date(ms).toISOString();
    }
    return last;
  };
}

/** `value` with its JSON timestamp replaced by `iso` (24 characters), or `value` unchanged when it has none. */
export function restampJson(value: string, iso: string): string {
  const at = value.indexOf(FIELD);
  if (at < 0) return value;
  const from = at + FIELD.length;
  if (!ISO.test(value.slice(from, from + 25))) return value;
  return value.slice(0, from) + iso + value.slice(from + 24);
}

/** The live clock: `stamps(n)` gives n non-decreasing wall-clock stamps for the batch taken now (see above). */
export function createLiveClock(now: () => number = Date.now): { stamps(n: number): number[] } {
  let last = Number.NEGATIVE_INFINITY;
  let previous: number | null = null;
  return {
    stamps(n) {
      const t = now();
      const from = previous ?? t - n; // the first batch: as if one record a millisecond led up to it
      previous = t;
      const out = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        const spread = from + Math.floor(((i + 1) * (t - from)) / n);
        last = Math.min(t, Math.max(last + 1, spread));
        out[i] = last;
      }
      return out;
    },
  };
}

/**
 * Remembers the records stamped in this batch and the previous one, by millisecond (see above): only records of the
 * same millisecond can be twins. A millisecond with one record keeps it as is (no hashing: the common case up to
 * 1000 records/s); one shared by several keeps a Set.
 */
export function createTwinGuard(): {
  stamp(value: string, ms: number, iso: (ms: number) => string): string;
  nextBatch(): void;
} {
  type Slot = string | Set<string>;
  let current = new Map<number, Slot>();
  let previous = new Map<number, Slot>();
  const holds = (slot: Slot | undefined, out: string) =>
    slot !== undefined && (typeof slot === "string" ? slot === out : slot.has(out));
  const taken = (out: string, ms: number) => holds(current.get(ms), out) || holds(previous.get(ms), out);
  return {
    stamp(value, ms, iso) {
      let at = ms;
      let out = restampJson(value, iso(at));
      for (let back = 1; back <= 50 && taken(out, at); back++) {
        at = ms - back;
        out = restampJson(value, iso(at));
      }
      const slot = current.get(at);
      if (slot === undefined) current.set(at, out);
      else if (typeof slot === "string") current.set(at, new Set([slot, out]));
      else slot.add(out);
      return out;
    },
    nextBatch() {
      previous = current;
      current = new Map();
    },
  };
}
