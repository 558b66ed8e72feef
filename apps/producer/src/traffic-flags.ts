/**
 * The producer's traffic flags (--profile, --incident, --late-*, --bad-*): fake-log options under producer names.
 * `traffic` maps the parsed flags to fake-log's options; `checkTraffic` lets fake-log judge them at start-up, so a
 * bad value is one line naming the producer flag (exit 2) rather than a failure once generation starts.
 */

import { UsageError } from "@weblog/cli";
import {
  type BadKind,
  FakeLogOptionsError,
  type IncidentSpec,
  parseIncidentSpec,
  resolveOptions,
} from "@weblog/fake-log";
import type { RawFlags } from "./options";
import { fakeLogOptions } from "./source";

/** fake-log option -> the producer flag that sets it, for one-line errors. */
const FLAG_OF_OPTION: Record<string, string> = {
  "profile.peakToTrough": "--peak-ratio",
  "profile.timeZone": "--timezone",
  "late.max": "--late-max",
  "late.mean": "--late-mean",
  "late.distribution": "--late-distribution",
  incidentRate: "--incident-rate",
  lateShare: "--late-share",
  badShare: "--bad-share",
  badKinds: "--bad-kinds",
  seed: "--seed",
};

export interface TrafficOptions {
  profile: "steady" | "diurnal" | "bursty";
  peakRatio?: number;
  timezone?: string;
  incidents: IncidentSpec[];
  incidentRate?: number;
  lateShare?: number;
  lateMaxS?: number;
  lateMeanS?: number;
  lateDistribution?: "exponential" | "uniform";
  badShare?: number;
  badKinds?: BadKind[];
}

export const list =
  <T extends string>(flag: string, all: readonly T[]) =>
  (text: string): T[] => {
    const items = text
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    for (const item of items) {
      if (!(all as readonly string[]).includes(item)) {
        throw new UsageError(`${flag}: unknown kind "${item}" (known: ${all.join(", ")}).`);
      }
    }
    return items as T[];
  };

export const incidentArg = (text: string, previous: IncidentSpec[] = []): IncidentSpec[] => {
  try {
    return [...previous, parseIncidentSpec(text)];
  } catch (err) {
    throw new UsageError(`--incident: ${(err as Error).message}.`);
  }
};

export function traffic(f: RawFlags): TrafficOptions {
  return {
    profile: f.profile,
    ...(f.peakRatio === undefined ? {} : { peakRatio: f.peakRatio }),
    ...(f.timezone === undefined ? {} : { timezone: f.timezone }),
    incidents: f.incident ?? [],
    ...(f.incidentRate === undefined ? {} : { incidentRate: f.incidentRate }),
    ...(f.lateShare === undefined ? {} : { lateShare: f.lateShare }),
    ...(f.lateMax === undefined ? {} : { lateMaxS: f.lateMax / 1000 }),
    ...(f.lateMean === undefined ? {} : { lateMeanS: f.lateMean / 1000 }),
    ...(f.lateDistribution === undefined ? {} : { lateDistribution: f.lateDistribution }),
    ...(f.badShare === undefined ? {} : { badShare: f.badShare }),
    ...(f.badKinds === undefined ? {} : { badKinds: f.badKinds }),
  };
}

/** Throws UsageError naming the producer flag when fake-log refuses the traffic options. */
export function checkTraffic(f: RawFlags): void {
  try {
    resolveOptions(
      fakeLogOptions({
        seed: f.seed,
        startTime: Date.now(),
        logRate: 1000,
        format: f.format,
        key: f.key,
        partition: undefined,
        traffic: traffic(f),
      }),
    );
  } catch (err) {
    if (!(err instanceof FakeLogOptionsError)) throw err;
    const flag = FLAG_OF_OPTION[err.field] ?? (err.field.startsWith("incidents[") ? "--incident" : err.field);
    throw new UsageError(`${flag}: ${err.message}.`);
  }
}
