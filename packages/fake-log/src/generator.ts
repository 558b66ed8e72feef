import type { WebLogRecord } from "@weblog/log-schema";
import { createClock } from "./clock";
import { OUTAGE_PRONE, SERVER_ERRORS, STATUS_PROFILES, type StatusProfile } from "./data/statuses";
import { type RouteGroup, TRAFFIC } from "./data/traffic";
import { FakeLogOptionsError } from "./errors";
import { type FakeLogOptions, type ResolvedFakeLogOptions, resolveOptions } from "./options";
import { buildPools, type Visitor } from "./pools";
import { createRandomizer, type Randomizer } from "./randomizer";
import { type WeightedPicker, weighted } from "./weighted";

export interface FakeLog extends Iterable<WebLogRecord> {
  /** The next record (a new object each call). */
  next(): WebLogRecord;
  /** The next `n` records, in order (same as calling next() n times). */
  batch(n: number): WebLogRecord[];
  /** An endless iterator over next(): `for (const r of log) { ...; if (done) break; }`. */
  [Symbol.iterator](): Iterator<WebLogRecord>;
  /** The seed in use (the given one, or the random one picked when none was given). */
  readonly seed: number;
  /** The validated options with defaults filled in. */
  readonly options: Readonly<ResolvedFakeLogOptions>;
}

/** Collaborators a caller may inject (tests, or to share one stream). */
export interface FakeLogDeps {
  /** The one randomizer every choice draws from; it is re-seeded with the seed (given or random). */
  randomizer?: Randomizer;
}

/** Browser "tabs" in flight at once: a page's assets interleave with other visitors' requests. */
const CONCURRENT_SESSIONS = 8;
/** How often a record identical to one already emitted in the same millisecond is drawn again. */
const MAX_REROLLS = 8;

/**
 * A seeded generator of realistic web-access records (see README): visitors with skewed repeat visits, a site map
 * of pages, assets, API calls, admin and scanner probes, URL-dependent statuses with occasional 5xx outages, and
 * non-decreasing timestamps at `rate` records/s. Throws FakeLogOptionsError for bad options.
 */
export function createFakeLog(options?: FakeLogOptions, deps: FakeLogDeps = {}): FakeLog {
  const resolved = resolveOptions(options);
  const random = deps.randomizer ?? createRandomizer(resolved.seed);
  if (deps.randomizer) random.seed(resolved.seed);

  const pools = buildPools(random, resolved);
  const clock = createClock(random, resolved.startTime, resolved.rate, resolved.jitter);
  const statusPickers = Object.fromEntries(
    Object.entries(STATUS_PROFILES).map(([profile, table]) => [profile, weighted(table)]),
  ) as Record<StatusProfile, WeightedPicker<number>>;
  const serverErrors = weighted(SERVER_ERRORS);
  const mixes = {
    browser: weighted(TRAFFIC.humanMix),
    crawler: weighted(TRAFFIC.crawlerMix),
    scanner: weighted(TRAFFIC.scannerMix),
    tool: weighted(TRAFFIC.toolMix),
  } satisfies Record<Visitor["kind"], WeightedPicker<RouteGroup>>;
  const assetsPerPage = weighted(TRAFFIC.assetsPerPage);
  const { botShare } = resolved;
  const [outageMin, outageMax] = TRAFFIC.outageLength;

  // Per browser session slot: whose page is loading and how many of its assets are still to come.
  const sessionVisitor: (Visitor | undefined)[] = new Array(CONCURRENT_SESSIONS).fill(undefined);
  const sessionPending = new Int32Array(CONCURRENT_SESSIONS);
  let outageLeft = 0;
  // Records already emitted in the current millisecond: a new one must differ from each, so no two records of a
  // stream are byte-identical (a verifier may then treat identical lines as duplicated deliveries).
  let sameMs: WebLogRecord[] = [];
  let sameMsStamp = "";
  let cacheBuster = 0;

  function next(): WebLogRecord {
    const timestamp = clock.tick();

    if (outageLeft > 0) outageLeft--;
    else if (random.chance(TRAFFIC.outageStartRate))
      outageLeft = outageMin + random.int(outageMax - outageMin + 1);

    if (timestamp !== sameMsStamp) {
      sameMsStamp = timestamp;
      if (sameMs.length > 0) sameMs = [];
    }
    let record = draw(timestamp);
    for (let tries = 0; tries < MAX_REROLLS && isTwin(record); tries++) record = draw(timestamp);
    if (isTwin(record)) {
      // Still a twin after the re-rolls (a tiny site map, say): a cache-busting query string, as browsers add.
      const sep = record.url.includes("?") ? "&" : "?";
      record = { ...record, url: `${record.url}${sep}_=${++cacheBuster}` };
    }
    sameMs.push(record);
    return record;
  }

  function isTwin(r: WebLogRecord): boolean {
    for (const o of sameMs) {
      if (
        o.ip === r.ip &&
        o.url === r.url &&
        o.method === r.method &&
        o.status_code === r.status_code &&
        o.user_agent === r.user_agent
      )
        return true;
    }
    return false;
  }

  function draw(timestamp: string): WebLogRecord {
    let visitor: Visitor;
    let group: RouteGroup;
    let slot = -1;
    if (random.chance(botShare)) {
      visitor = pools.bots.pick(random);
      group = mixes[visitor.kind].pick(random);
    } else {
      slot = random.int(CONCURRENT_SESSIONS);
      const pending = sessionVisitor[slot];
      if (pending !== undefined && sessionPending[slot]! > 0) {
        visitor = pending;
        group = "asset";
        sessionPending[slot]!--;
      } else {
        visitor = pools.humans.pick(random);
        group = mixes.browser.pick(random);
      }
    }

    const route = pools.groups[group].pick(random);
    const url = route.urls.pick(random);
    const { method, status: profile } = route.methods.pick(random);
    const status_code =
      OUTAGE_PRONE.has(profile) &&
      random.chance(outageLeft > 0 ? TRAFFIC.outageErrorRate : TRAFFIC.baseServerErrorRate)
        ? serverErrors.pick(random)
        : statusPickers[profile].pick(random);

    if (slot >= 0 && group === "page" && method === "GET" && status_code === 200) {
      sessionVisitor[slot] = visitor;
      sessionPending[slot] = assetsPerPage.pick(random);
    }

    return { ip: visitor.ip, timestamp, method, url, status_code, user_agent: visitor.userAgent };
  }

  function batch(n: number): WebLogRecord[] {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new FakeLogOptionsError("batch(n)", `batch(n): n must be an integer >= 0, got ${String(n)}`);
    }
    const out = new Array<WebLogRecord>(n);
    for (let i = 0; i < n; i++) out[i] = next();
    return out;
  }

  return {
    next,
    batch,
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
