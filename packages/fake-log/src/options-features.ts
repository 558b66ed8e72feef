/**
 * Validation of the options beyond the base traffic: profile, incidents, late delivery, bad records, format.
 * Each throws FakeLogOptionsError naming the option (and the item, for lists) on the first problem.
 */
import { BAD_KINDS, BAD_MIX, type BadKind } from "./data/bad";
import { INCIDENT_KINDS, INCIDENTS, type IncidentKind } from "./data/incidents";
import { SERVICES, type ServiceName } from "./data/services";
import { FakeLogOptionsError } from "./errors";
import { FORMAT_NAMES, type FormatName, formatName } from "./formats/index";
import type { ScheduledIncident } from "./incidents";
import type { LateDistribution, LateSettings } from "./late";
import { PROFILE_DEFAULTS, type Profile, type ResolvedProfile, zoneFormat } from "./profiles";

/** An incident to schedule. */
export interface IncidentSpec {
  kind: IncidentKind;
  /** When it starts: seconds after startTime (number), or an absolute Date / ISO-8601 string. Default: at once. */
  at?: number | string | Date;
  /** Length in seconds of log time. Default per kind (5xx-storm 120, crawler-flood 300, credential-stuffing 600, scanner-sweep 180). */
  duration?: number;
  /** 5xx-storm only: the service it hits (checkout, search, catalog, auth, blog, web). Default checkout. */
  service?: ServiceName;
  /** Floods: added rate as a multiple of the base rate (default 4, 2, 1); 5xx-storm: share of the service's responses that fail (default 0.8). */
  intensity?: number;
}

export interface LateOptions {
  /** Delay distribution. Default "exponential". */
  distribution?: LateDistribution;
  /** Mean delay, seconds (exponential). Default 30. */
  mean?: number;
  /** Longest delay, seconds. Default 300. */
  max?: number;
}

const show = (v: unknown): string =>
  typeof v === "string"
    ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)
    : v === null
      ? "null"
      : Array.isArray(v)
        ? "an array"
        : typeof v === "object"
          ? "an object"
          : String(v);

const fail = (field: string, message: string): never => {
  throw new FakeLogOptionsError(field, message);
};

function positive(field: string, v: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= min || v > max) {
    fail(
      field,
      `${field} must be a number > ${min}${max < Number.MAX_SAFE_INTEGER ? ` and <= ${max}` : ""}, got ${show(v)}`,
    );
  }
  return v as number;
}

function objectWith(field: string, v: unknown, keys: readonly string[]): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    fail(field, `${field} must be an object, got ${show(v)}`);
  for (const k of Object.keys(v as object)) {
    if (!keys.includes(k)) fail(`${field}.${k}`, `unknown option ${field}.${k} (known: ${keys.join(", ")})`);
  }
  return v as Record<string, unknown>;
}

export function resolveProfile(v: Profile | undefined): ResolvedProfile {
  if (v === undefined || v === "steady") return { kind: "steady" };
  const p = typeof v === "string" ? { kind: v } : v;
  const o = objectWith("profile", p, [
    "kind",
    "peakToTrough",
    "timeZone",
    "peakHour",
    "every",
    "duration",
    "factor",
  ]);
  if (o.kind === "steady") return { kind: "steady" };
  if (o.kind === "diurnal") {
    const d = PROFILE_DEFAULTS.diurnal;
    const peakToTrough =
      o.peakToTrough === undefined
        ? d.peakToTrough
        : positive("profile.peakToTrough", o.peakToTrough, 0, 1000);
    if (peakToTrough < 1)
      fail(
        "profile.peakToTrough",
        `profile.peakToTrough must be >= 1 (busiest / quietest hour), got ${peakToTrough}`,
      );
    const timeZone = o.timeZone ?? d.timeZone;
    try {
      if (typeof timeZone !== "string") throw new RangeError();
      zoneFormat(timeZone);
    } catch {
      fail(
        "profile.timeZone",
        `profile.timeZone must be an IANA time zone such as "Europe/Berlin" or "UTC", got ${show(timeZone)}`,
      );
    }
    const peakHour = o.peakHour ?? d.peakHour;
    if (typeof peakHour !== "number" || !(peakHour >= 0 && peakHour <= 24))
      fail("profile.peakHour", `profile.peakHour must be a number from 0 to 24, got ${show(peakHour)}`);
    return { kind: "diurnal", peakToTrough, timeZone: timeZone as string, peakHour: peakHour as number };
  }
  if (o.kind === "bursty") {
    const d = PROFILE_DEFAULTS.bursty;
    return {
      kind: "bursty",
      every: o.every === undefined ? d.every : positive("profile.every", o.every),
      duration: o.duration === undefined ? d.duration : positive("profile.duration", o.duration),
      factor: o.factor === undefined ? d.factor : positive("profile.factor", o.factor, 1, 1e6),
    };
  }
  return fail(
    "profile",
    `profile must be "steady", "diurnal" or "bursty" (or {kind, ...}), got ${show(o.kind ?? v)}`,
  );
}

function instant(field: string, v: unknown, startTime: number): number {
  if (v === undefined) return startTime;
  if (typeof v === "number" && Number.isFinite(v) && v >= 0) return startTime + v * 1000;
  const ms = v instanceof Date ? v.getTime() : typeof v === "string" ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(ms))
    fail(
      field,
      `${field} must be seconds after startTime (>= 0), a Date or an ISO-8601 string, got ${show(v)}`,
    );
  return ms;
}

export function resolveIncidents(v: unknown, startTime: number): ScheduledIncident[] {
  if (v === undefined) return [];
  if (!Array.isArray(v))
    return fail("incidents", `incidents must be an array of {kind, at, duration, ...}, got ${show(v)}`);
  return v.map((item, i) => {
    const field = `incidents[${i}]`;
    const o = objectWith(field, item, ["kind", "at", "duration", "service", "intensity"]);
    if (!(INCIDENT_KINDS as readonly unknown[]).includes(o.kind))
      fail(`${field}.kind`, `${field}.kind must be one of ${INCIDENT_KINDS.join(", ")}, got ${show(o.kind)}`);
    const kind = o.kind as IncidentKind;
    const start = instant(`${field}.at`, o.at, startTime);
    const duration =
      o.duration === undefined ? INCIDENTS[kind].duration : positive(`${field}.duration`, o.duration);
    if (kind === "5xx-storm") {
      const service = o.service ?? "checkout";
      if (!(SERVICES as readonly unknown[]).includes(service))
        fail(
          `${field}.service`,
          `${field}.service must be one of ${SERVICES.join(", ")}, got ${show(service)}`,
        );
      const intensity = o.intensity === undefined ? 0.8 : positive(`${field}.intensity`, o.intensity, 0, 1);
      return { kind, start, end: start + duration * 1000, service: service as ServiceName, intensity };
    }
    if (o.service !== undefined) fail(`${field}.service`, `${field}.service applies to 5xx-storm only`);
    const intensity =
      o.intensity === undefined
        ? INCIDENTS[kind].extra
        : positive(`${field}.intensity`, o.intensity, 0, 1000);
    return { kind, start, end: start + duration * 1000, intensity };
  });
}

export function resolveKinds<K extends string>(field: string, v: unknown, all: readonly K[]): K[] {
  if (v === undefined) return [...all];
  if (!Array.isArray(v) || v.length === 0)
    return fail(field, `${field} must be a non-empty array of ${all.join(", ")}, got ${show(v)}`);
  for (const k of v)
    if (!(all as readonly unknown[]).includes(k))
      fail(field, `${field}: unknown kind ${show(k)} (known: ${all.join(", ")})`);
  return [...new Set(v as K[])];
}

export function resolveLate(share: number, v: unknown): LateSettings {
  const o = v === undefined ? {} : objectWith("late", v, ["distribution", "mean", "max"]);
  const distribution = o.distribution ?? "exponential";
  if (distribution !== "exponential" && distribution !== "uniform")
    fail(
      "late.distribution",
      `late.distribution must be "exponential" or "uniform", got ${show(distribution)}`,
    );
  const max = o.max === undefined ? 300 : positive("late.max", o.max, 0, 7 * 86_400);
  const mean = o.mean === undefined ? Math.min(30, max / 2) : positive("late.mean", o.mean, 0, max);
  return { share, distribution: distribution as LateDistribution, mean: mean * 1000, max: max * 1000 };
}

export function resolveBadMix(v: unknown): readonly (readonly [BadKind, number])[] {
  if (v === undefined) return BAD_MIX;
  return resolveKinds("badKinds", v, BAD_KINDS).map((k) => [k, 1] as const);
}

export function resolveFormat(v: unknown): FormatName {
  if (v === undefined) return "json";
  const name = typeof v === "string" ? formatName(v) : undefined;
  return name ?? fail("format", `format must be one of ${FORMAT_NAMES.join(", ")}, got ${show(v)}`);
}
