import type { BadKind } from "./data/bad";
import { INCIDENT_KINDS, type IncidentKind } from "./data/incidents";
import { FakeLogOptionsError } from "./errors";
import type { FormatName } from "./formats/index";
import type { ScheduledIncident } from "./incidents";
import type { LateSettings } from "./late";
import {
  type IncidentSpec,
  type LateOptions,
  resolveBadMix,
  resolveFormat,
  resolveIncidents,
  resolveKinds,
  resolveLate,
  resolveProfile,
} from "./options-features";
import type { Profile, ResolvedProfile } from "./profiles";
import { randomSeed } from "./randomizer";

export interface FakeLogOptions {
  /**
   * Seed of the one randomizer (any safe integer). Same seed + same options = same records on every machine.
   * Default: a fresh random seed (readable afterwards as `generator.seed`).
   */
  seed?: number;
  /**
   * Timestamp of the first record: Date, ISO-8601 string, or epoch milliseconds. Default: now, or
   * `SEEDED_START` (2026-01-01T00:00:00.000Z) when a `seed` is given, so a seed alone reproduces the output.
   */
  startTime?: Date | string | number;
  /** Average records per second of log time (timestamps advance by 1/rate s on average). Default 100. */
  rate?: number;
  /**
   * How irregular the gaps between records are, 0-1: 0 = exactly 1/rate apart, 1 = a Poisson process
   * (exponential gaps), in between a mix. The average rate is `rate` whatever the jitter. Default 0.5.
   */
  jitter?: number;
  /** Distinct clients (IP + user agent) in the pool, 10-1,000,000; ~10% of them are bots. Default 2000. */
  visitors?: number;
  /** Share of visitors with an IPv6 address, 0-1. Default 0.15. */
  ipv6Share?: number;
  /** Share of records sent by bots (crawlers, scanners, scripts), 0-1. Default 0.3. */
  botShare?: number;
  /** How the rate changes over log time: "steady" (default), "diurnal" or "bursty", or an object with settings. */
  profile?: Profile;
  /** Incidents at fixed times. Default none. */
  incidents?: IncidentSpec[];
  /** Random incidents per hour of log time (kinds from incidentKinds). Default 0. */
  incidentRate?: number;
  /** Kinds random incidents are drawn from. Default all four. */
  incidentKinds?: IncidentKind[];
  /** Add `"incident":"<kind>"` to the JSON line of incident records (a 7th field; off by default). */
  tagIncidents?: boolean;
  /** Share of records delivered late, 0-1 (then out of timestamp order). Default 0. */
  lateShare?: number;
  /** Delay distribution of late records (seconds). Default exponential, mean 30, max 300. */
  late?: LateOptions;
  /** Share of messages broken on purpose, 0-1 (message()/messages() only; next() stays valid). Default 0. */
  badShare?: number;
  /** Bad kinds to mix, equally often. Default all seven (tombstone = null value). */
  badKinds?: BadKind[];
  /** Line format of message() values: json (default), combined (alias clf), common, syslog, bsd-syslog, elb, apache-error. */
  format?: FormatName | "clf";
}

/** The options after validation and defaults: what a generator actually runs with. */
export interface ResolvedFakeLogOptions {
  seed: number;
  /** Epoch milliseconds (integer). */
  startTime: number;
  rate: number;
  jitter: number;
  visitors: number;
  ipv6Share: number;
  botShare: number;
  profile: ResolvedProfile;
  /** Scheduled incidents in epoch ms. */
  incidents: readonly ScheduledIncident[];
  incidentRate: number;
  incidentKinds: readonly IncidentKind[];
  tagIncidents: boolean;
  lateShare: number;
  late: LateSettings;
  badShare: number;
  badMix: readonly (readonly [BadKind, number])[];
  format: FormatName;
}

export const DEFAULT_OPTIONS = {
  rate: 100,
  jitter: 0.5,
  visitors: 2000,
  ipv6Share: 0.15,
  botShare: 0.3,
} as const;

const KNOWN: readonly (keyof FakeLogOptions)[] = [
  "seed",
  "startTime",
  "rate",
  "jitter",
  "visitors",
  "ipv6Share",
  "botShare",
  "profile",
  "incidents",
  "incidentRate",
  "incidentKinds",
  "tagIncidents",
  "lateShare",
  "late",
  "badShare",
  "badKinds",
  "format",
];

/**
 * Where log time starts when a seed is given but no startTime: a fixed instant, so "same seed + same options =
 * same records" holds without a startTime (it did not when the default was "now").
 */
export const SEEDED_START = Date.UTC(2026, 0, 1);

/** Latest start accepted: leaves room for years of records before timestamps would need 5-digit years. */
const MAX_START = Date.UTC(9000, 0, 1);

const show = (value: unknown): string => {
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (value instanceof Date) return "an invalid Date";
  if (typeof value === "object")
    return value === null ? "null" : Array.isArray(value) ? "an array" : "an object";
  return String(value);
};

function fraction(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new FakeLogOptionsError(name, `${name} must be a number from 0 to 1, got ${show(value)}`);
  }
  return value;
}

function startTimeOf(value: unknown, seeded: boolean): number {
  if (value === undefined) return seeded ? SEEDED_START : Date.now();
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === "number") ms = value;
  else if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value)) ms = Date.parse(value);
  else ms = Number.NaN;
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_START) {
    throw new FakeLogOptionsError(
      "startTime",
      `startTime must be a Date, an ISO-8601 string (e.g. "2026-11-25T06:00:00Z") or epoch milliseconds between 1970 and 9000, got ${show(value)}`,
    );
  }
  return Math.floor(ms);
}

/**
 * Validate once, fill defaults (what createFakeLog runs with, without building a generator: lets a CLI check its
 * flags up front). Throws FakeLogOptionsError naming the first bad field.
 */
export function resolveOptions(options: FakeLogOptions | undefined): ResolvedFakeLogOptions {
  if (options === undefined || options === null) options = {};
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new FakeLogOptionsError("options", `options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!(KNOWN as readonly string[]).includes(key)) {
      throw new FakeLogOptionsError(
        key,
        `unknown option ${JSON.stringify(key)} (known: ${KNOWN.join(", ")})`,
      );
    }
  }
  const { seed, rate, visitors } = options;
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new FakeLogOptionsError("seed", `seed must be an integer, got ${show(seed)}`);
  }
  if (rate !== undefined && (typeof rate !== "number" || !Number.isFinite(rate) || rate <= 0 || rate > 1e9)) {
    throw new FakeLogOptionsError(
      "rate",
      `rate must be a number > 0 and <= 1e9 (records per second), got ${show(rate)}`,
    );
  }
  if (visitors !== undefined && (!Number.isSafeInteger(visitors) || visitors < 10 || visitors > 1_000_000)) {
    throw new FakeLogOptionsError(
      "visitors",
      `visitors must be an integer from 10 to 1000000, got ${show(visitors)}`,
    );
  }
  const startTime = startTimeOf(options.startTime, seed !== undefined);
  const { incidentRate, tagIncidents } = options;
  if (
    incidentRate !== undefined &&
    (typeof incidentRate !== "number" ||
      !Number.isFinite(incidentRate) ||
      incidentRate < 0 ||
      incidentRate > 3600)
  ) {
    throw new FakeLogOptionsError(
      "incidentRate",
      `incidentRate must be a number from 0 to 3600 (incidents per hour of log time), got ${show(incidentRate)}`,
    );
  }
  if (tagIncidents !== undefined && typeof tagIncidents !== "boolean") {
    throw new FakeLogOptionsError(
      "tagIncidents",
      `tagIncidents must be true or false, got ${show(tagIncidents)}`,
    );
  }
  const lateShare = fraction("lateShare", options.lateShare, 0);
  return {
    seed: seed ?? randomSeed(),
    startTime,
    profile: resolveProfile(options.profile),
    incidents: resolveIncidents(options.incidents, startTime),
    incidentRate: incidentRate ?? 0,
    incidentKinds: resolveKinds("incidentKinds", options.incidentKinds, INCIDENT_KINDS),
    tagIncidents: tagIncidents ?? false,
    lateShare,
    late: resolveLate(lateShare, options.late),
    badShare: fraction("badShare", options.badShare, 0),
    badMix: resolveBadMix(options.badKinds),
    format: resolveFormat(options.format),
    rate: rate ?? DEFAULT_OPTIONS.rate,
    jitter: fraction("jitter", options.jitter, DEFAULT_OPTIONS.jitter),
    visitors: visitors ?? DEFAULT_OPTIONS.visitors,
    ipv6Share: fraction("ipv6Share", options.ipv6Share, DEFAULT_OPTIONS.ipv6Share),
    botShare: fraction("botShare", options.botShare, DEFAULT_OPTIONS.botShare),
  };
}
