/**
 * Live timestamps. fake-log's clock is log time: it starts at the run's start and advances by the generator's
 * rate, so a fast run (`--rate 0`: 1000 records of log time a second, sent 50 times faster) stamps records
 * minutes to hours ahead of the wall clock, and time-partitioned output lands in future hours. A producer is live:
 * each record's `timestamp` is rewritten to the moment it is handed to Kafka, minus its lateness (a late record
 * stays as late as fake-log made it). Records broken on purpose are left alone; so is any value that does not
 * carry fake-log's JSON timestamp (clf lines). `--timestamps log` keeps fake-log's clock (as its own CLI does).
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
