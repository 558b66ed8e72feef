/**
 * The traffic itself, in log-time order: base records (visitors, site map, URL-dependent statuses, outages) at the
 * rate the profile gives, with incident records mixed in while incidents run. No two records of one millisecond
 * are identical (a re-roll, then a cache-busting query as browsers add), so a verifier may treat identical lines
 * as one record delivered twice.
 */
import type { WebLogRecord } from "@weblog/log-schema";
import { createClock } from "./clock";
import { INCIDENTS, type IncidentKind } from "./data/incidents";
import { OUTAGE_PRONE, SERVER_ERRORS, STATUS_PROFILES, type StatusProfile } from "./data/statuses";
import { type RouteGroup, TRAFFIC } from "./data/traffic";
import { type ActiveIncident, createIncidents, type IncidentRuntime } from "./incidents";
import type { ResolvedFakeLogOptions } from "./options";
import { buildPools, type Visitor } from "./pools";
import { type Burst, rateCurve } from "./profiles";
import type { Randomizer } from "./randomizer";
import { type WeightedPicker, weighted } from "./weighted";

export interface Core {
  /** The next record in log-time order. */
  next(): WebLogRecord;
  /** Records produced so far. */
  count(): number;
  /** Epoch ms of the last record's timestamp. */
  time(): number;
  /** The incident that produced (or, for a 5xx-storm, broke) the last record, if any. */
  lastIncident(): IncidentKind | undefined;
  /** Incidents started so far, and the bursts of a bursty profile. */
  readonly incidents: IncidentRuntime | undefined;
  readonly bursts: Burst[];
}

/** The independent streams a generator draws from: traffic (the injectable one), and one per opt-in feature. */
export interface Streams {
  traffic: Randomizer;
  profile: Randomizer;
  incidents: Randomizer;
}

/** Browser "tabs" in flight at once: a page's assets interleave with other visitors' requests. */
const CONCURRENT_SESSIONS = 8;
/** How often a record identical to one already emitted in the same millisecond is drawn again. */
const MAX_REROLLS = 8;

export function createCore(resolved: ResolvedFakeLogOptions, streams: Streams): Core {
  const random = streams.traffic;
  const pools = buildPools(random, resolved);
  const bursts: Burst[] = [];
  const profile = rateCurve(resolved.profile, resolved.startTime, streams.profile, (b) => bursts.push(b));
  const incidents =
    resolved.incidents.length > 0 || resolved.incidentRate > 0
      ? createIncidents(
          {
            scheduled: resolved.incidents,
            rate: resolved.incidentRate,
            kinds: resolved.incidentKinds,
            startTime: resolved.startTime,
          },
          streams.incidents,
          pools,
        )
      : undefined;
  const irand = streams.incidents;
  // Floods add rate on top of the profile's: m(t) = profile(t) + sum of active floods' intensities.
  const curve =
    incidents === undefined
      ? profile
      : (t: number) => {
          incidents.update(t);
          return (profile === undefined ? 1 : profile(t)) + incidents.extra();
        };
  const clock = createClock(random, resolved.startTime, resolved.rate, resolved.jitter, curve);
  const statusPickers = Object.fromEntries(
    Object.entries(STATUS_PROFILES).map(([p, table]) => [p, weighted(table)]),
  ) as Record<StatusProfile, WeightedPicker<number>>;
  const serverErrors = weighted(SERVER_ERRORS);
  const stormErrors = weighted(INCIDENTS["5xx-storm"].statuses);
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
  let sameMs: WebLogRecord[] = [];
  let sameMsStamp = "";
  let cacheBuster = 0;
  let incident: IncidentKind | undefined;
  let flood: ActiveIncident | undefined;

  let produced = 0;

  function next(): WebLogRecord {
    const timestamp = clock.tick();
    produced++;

    if (outageLeft > 0) outageLeft--;
    else if (random.chance(TRAFFIC.outageStartRate))
      outageLeft = outageMin + random.int(outageMax - outageMin + 1);

    if (timestamp !== sameMsStamp) {
      sameMsStamp = timestamp;
      if (sameMs.length > 0) sameMs = [];
    }
    flood = undefined;
    if (incidents !== undefined) {
      const t = clock.time();
      incidents.update(t);
      const extra = incidents.extra();
      if (extra > 0) {
        const base = profile === undefined ? 1 : profile(t);
        flood = incidents.flood(irand.next() * (base + extra), base);
      }
    }
    let record = flood === undefined ? draw(timestamp) : flood.emit!(timestamp);
    for (let tries = 0; tries < MAX_REROLLS && isTwin(record); tries++) {
      record = flood === undefined ? draw(timestamp) : flood.emit!(timestamp);
    }
    if (flood !== undefined) incident = flood.incident.kind;
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
    incident = undefined;
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
    const { method, status: profileName } = route.methods.pick(random);
    let status_code =
      OUTAGE_PRONE.has(profileName) &&
      random.chance(outageLeft > 0 ? TRAFFIC.outageErrorRate : TRAFFIC.baseServerErrorRate)
        ? serverErrors.pick(random)
        : statusPickers[profileName].pick(random);

    if (slot >= 0 && group === "page" && method === "GET" && status_code === 200) {
      sessionVisitor[slot] = visitor;
      sessionPending[slot] = assetsPerPage.pick(random);
    }

    if (incidents !== undefined) {
      const storm = incidents.storm();
      // Drawn from the incidents' stream after the normal status, so the base traffic stays the same stream.
      if (storm !== undefined && route.service === storm.service && irand.chance(storm.intensity)) {
        status_code = stormErrors.pick(irand);
        incident = "5xx-storm";
      }
    }

    return { ip: visitor.ip, timestamp, method, url, status_code, user_agent: visitor.userAgent };
  }

  return { next, count: () => produced, time: clock.time, lastIncident: () => incident, incidents, bursts };
}
