/**
 * Named incidents over log time (data in data/incidents.ts): scheduled ones (`incidents` option) and random ones
 * (`incidentRate` per hour of log time, kinds from `incidentKinds`). Floods (crawler-flood, credential-stuffing,
 * scanner-sweep) add their own requests on top of the base traffic, `intensity` x the base rate while they last;
 * a 5xx-storm turns `intensity` (share) of one service's responses into 5xx. Everything draws from the incidents'
 * own seeded stream, so the schedule and the incident records are the same for the same seed.
 */
import type { HttpMethod, WebLogRecord } from "@weblog/log-schema";
import {
  CRAWLER_FLOOD_AGENT,
  INCIDENTS,
  type IncidentKind,
  STUFFING_AGENTS,
  SWEEP_AGENT,
  SWEEP_DIRS,
  SWEEP_FILES,
} from "./data/incidents";
import type { ServiceName } from "./data/services";
import type { Pools } from "./pools";
import type { Randomizer } from "./randomizer";
import { type WeightedPicker, weighted } from "./weighted";

/** One incident as scheduled: [start, end) in epoch ms of log time. */
export interface ScheduledIncident {
  readonly kind: IncidentKind;
  readonly start: number;
  readonly end: number;
  /** 5xx-storm: the service it hits. */
  readonly service?: ServiceName;
  /** Floods: added rate as a multiple of the base rate; 5xx-storm: share of the service's responses made 5xx. */
  readonly intensity: number;
}

/** Services a random 5xx-storm may hit. */
const STORM_SERVICES: readonly ServiceName[] = ["checkout", "search", "catalog", "auth"];

type Emit = (timestamp: string) => WebLogRecord;

interface Active {
  incident: ScheduledIncident;
  emit?: Emit;
}

export interface IncidentRuntime {
  /** Move to log time t (non-decreasing): start and end incidents. */
  update(t: number): void;
  /** Added rate multiple at the current time (sum over active floods). */
  extra(): number;
  /** Given u in [0, base + extra()), the flood whose record this tick is (undefined = base traffic). */
  flood(u: number, base: number): Active | undefined;
  /** The active 5xx-storm, if any. */
  storm(): ScheduledIncident | undefined;
  /** Incidents started so far (scheduled ones are all known up front). */
  readonly started: readonly ScheduledIncident[];
}

export interface IncidentSettings {
  scheduled: readonly ScheduledIncident[];
  /** Random incidents per hour of log time (0 = none). */
  rate: number;
  kinds: readonly IncidentKind[];
  startTime: number;
}

function ipv4(random: Randomizer, prefix?: string): string {
  const octet = () => 1 + random.int(254);
  return prefix
    ? `${prefix}.${octet()}`
    : `${11 + random.int(200)}.${random.int(256)}.${random.int(256)}.${octet()}`;
}

function emitter(inc: ScheduledIncident, random: Randomizer, pools: Pools): Emit | undefined {
  const statuses: WeightedPicker<number> = weighted(INCIDENTS[inc.kind].statuses);
  switch (inc.kind) {
    case "crawler-flood": {
      const net = `${11 + random.int(200)}.${random.int(256)}.${random.int(256)}`;
      const ips = Array.from({ length: 8 }, () => ipv4(random, net));
      let page = 0;
      return (timestamp) => {
        const route = pools.groups.page.pick(random);
        const base = route.urls.pick(random);
        // Deep pagination makes the walk's URLs distinct, as a crawler enumerating listings does.
        const url = random.chance(0.5) ? `${base}${base.includes("?") ? "&" : "?"}p=${++page}` : base;
        const status_code = statuses.pick(random);
        const ip = ips[random.int(ips.length)]!;
        return {
          ip,
          timestamp,
          method: "GET" as HttpMethod,
          url,
          status_code,
          user_agent: CRAWLER_FLOOD_AGENT,
        };
      };
    }
    case "credential-stuffing":
      return (timestamp) => ({
        ip: ipv4(random),
        timestamp,
        method: "POST",
        url: "/login",
        status_code: statuses.pick(random),
        user_agent: STUFFING_AGENTS[random.int(STUFFING_AGENTS.length)]!,
      });
    case "scanner-sweep": {
      const ip = ipv4(random);
      let i = 0;
      return (timestamp) => {
        const n = i++;
        const dir = SWEEP_DIRS[Math.floor(n / SWEEP_FILES.length) % SWEEP_DIRS.length]!;
        const file = SWEEP_FILES[n % SWEEP_FILES.length]!;
        const round = Math.floor(n / (SWEEP_FILES.length * SWEEP_DIRS.length));
        const url = round === 0 ? `${dir}${file}` : `${dir}${file}?r=${round}`;
        return {
          ip,
          timestamp,
          method: "GET",
          url,
          status_code: statuses.pick(random),
          user_agent: SWEEP_AGENT,
        };
      };
    }
    default:
      return undefined;
  }
}

export function createIncidents(s: IncidentSettings, random: Randomizer, pools: Pools): IncidentRuntime {
  const pending = [...s.scheduled].sort((a, b) => a.start - b.start);
  const started: ScheduledIncident[] = [];
  let active: Active[] = [];
  let extra = 0;
  let storm: ScheduledIncident | undefined;
  const exp = (mean: number) => -Math.log(1 - random.next()) * mean;
  const hourMs = 3_600_000;
  let nextRandom = s.rate > 0 ? s.startTime + exp(hourMs / s.rate) : Number.POSITIVE_INFINITY;

  const randomIncident = (start: number): ScheduledIncident => {
    const kind = s.kinds[random.int(s.kinds.length)]!;
    const data = INCIDENTS[kind];
    const end = start + Math.max(1000, exp(data.duration * 1000));
    return kind === "5xx-storm"
      ? { kind, start, end, intensity: 0.8, service: STORM_SERVICES[random.int(STORM_SERVICES.length)]! }
      : { kind, start, end, intensity: data.extra };
  };

  const recompute = () => {
    extra = 0;
    storm = undefined;
    for (const a of active) {
      if (a.incident.kind === "5xx-storm") storm ??= a.incident;
      else extra += a.incident.intensity;
    }
  };

  return {
    started,
    update(t) {
      let changed = false;
      if (active.length > 0 && active.some((a) => a.incident.end <= t)) {
        active = active.filter((a) => a.incident.end > t);
        changed = true;
      }
      while (nextRandom <= t) {
        pending.push(randomIncident(nextRandom));
        pending.sort((a, b) => a.start - b.start);
        nextRandom += exp(hourMs / s.rate);
      }
      while (pending.length > 0 && pending[0]!.start <= t) {
        const incident = pending.shift()!;
        started.push(incident);
        if (incident.end > t) {
          const emit = emitter(incident, random, pools);
          active.push(emit ? { incident, emit } : { incident });
        }
        changed = true;
      }
      if (changed) recompute();
    },
    extra: () => extra,
    flood(u, base) {
      if (u < base) return undefined;
      let acc = base;
      for (const a of active) {
        if (a.emit === undefined) continue;
        acc += a.incident.intensity;
        if (u < acc) return a;
      }
      return undefined;
    },
    storm: () => storm,
  };
}

export type { Active as ActiveIncident };
