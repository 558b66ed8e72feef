/** The fake-log CLI's flags, and how they map onto createFakeLog options. */
import { Command, Option } from "commander";
import { version } from "../../package.json";
import { BAD_KINDS, type BadKind } from "../data/bad";
import { INCIDENT_KINDS, type IncidentKind } from "../data/incidents";
import { FORMAT_NAMES, type FormatName } from "../formats/index";
import { DEFAULT_OPTIONS, type FakeLogOptions } from "../options";
import type { IncidentSpec } from "../options-features";
import { PROFILE_DEFAULTS, type Profile } from "../profiles";
import { anyInteger, incident, integer, list, number, seconds } from "./parse";

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface Flags {
  count?: number;
  bytes?: number;
  duration?: number;
  seed?: number;
  format: FormatName | "clf";
  rate: number;
  start?: string;
  jitter: number;
  visitors: number;
  ipv6Share: number;
  botShare: number;
  profile: "steady" | "diurnal" | "bursty";
  peakRatio?: number;
  timezone?: string;
  peakHour?: number;
  burstEvery?: number;
  burstDuration?: number;
  burstFactor?: number;
  incident?: IncidentSpec[];
  incidentRate?: number;
  incidentKinds?: string[];
  tagIncidents?: boolean;
  lateShare?: number;
  lateMean?: number;
  lateMax?: number;
  lateDistribution?: "exponential" | "uniform";
  badShare?: number;
  badKinds?: string[];
  speed?: number;
  summary?: boolean;
}

/** Which flag sets which option, to name the flag in error messages. */
export const FLAG_OF: Record<string, string> = {
  seed: "--seed",
  startTime: "--start",
  rate: "--rate",
  jitter: "--jitter",
  visitors: "--visitors",
  ipv6Share: "--ipv6-share",
  botShare: "--bot-share",
  format: "--format",
  "profile.peakToTrough": "--peak-ratio",
  "profile.timeZone": "--timezone",
  "profile.peakHour": "--peak-hour",
  "profile.every": "--burst-every",
  "profile.duration": "--burst-duration",
  "profile.factor": "--burst-factor",
  incidentRate: "--incident-rate",
  incidentKinds: "--incident-kinds",
  lateShare: "--late-share",
  "late.mean": "--late-mean",
  "late.max": "--late-max",
  "late.distribution": "--late-distribution",
  badShare: "--bad-share",
  badKinds: "--bad-kinds",
};

/** Bad kinds stdout can carry (a tombstone is a null Kafka value: only the producer sends it). */
export const CLI_BAD_KINDS = BAD_KINDS.filter((k) => k !== "tombstone");

export function buildProgram(io: CliIo, errors: string[]): Command {
  const d = PROFILE_DEFAULTS;
  return new Command("fake-log")
    .description(
      "Print realistic fake web-access log records to stdout: JSON lines or a log format, with traffic profiles,\nincidents, late delivery and broken records on demand.",
    )
    .version(version, "-V, --version")
    .option(
      "-n, --count <n>",
      "records to print (default 10, or unlimited with --bytes / --duration)",
      integer(0),
    )
    .option("--bytes <n>", "stop before the output would pass n bytes (whole lines only)", integer(0))
    .option("--duration <time>", "stop at this much log time after the start, e.g. 90s, 10m, 24h", seconds)
    .option("-s, --seed <n>", "seed: same seed + same flags = same output (default: random)", anyInteger)
    .addOption(
      new Option("-f, --format <format>", "output format (clf = combined)")
        .choices(FORMAT_NAMES)
        .default("json"),
    )
    .option("-r, --rate <n>", "average records per second of log time", number, DEFAULT_OPTIONS.rate)
    .option(
      "--start <time>",
      "timestamp of the first record, ISO-8601 (default: now; with --seed: 2026-01-01T00:00:00Z, so a seed alone reproduces the output)",
    )
    .option("--jitter <0-1>", "0 = evenly spaced, 1 = Poisson arrivals", number, DEFAULT_OPTIONS.jitter)
    .option("--visitors <n>", "distinct clients (10-1000000)", integer(0), DEFAULT_OPTIONS.visitors)
    .option("--ipv6-share <0-1>", "share of visitors with IPv6 addresses", number, DEFAULT_OPTIONS.ipv6Share)
    .option("--bot-share <0-1>", "share of records from bots", number, DEFAULT_OPTIONS.botShare)
    .addOption(
      new Option("--profile <name>", "rate over log time")
        .choices(["steady", "diurnal", "bursty"])
        .default("steady"),
    )
    .option(
      "--peak-ratio <n>",
      `diurnal: busiest hour / quietest hour (default ${d.diurnal.peakToTrough})`,
      number,
    )
    .option("--timezone <tz>", `diurnal: IANA time zone of the audience (default ${d.diurnal.timeZone})`)
    .option("--peak-hour <0-24>", `diurnal: local hour of the peak (default ${d.diurnal.peakHour})`, number)
    .option(
      "--burst-every <time>",
      `bursty: mean quiet time between bursts (default ${d.bursty.every}s)`,
      seconds,
    )
    .option("--burst-duration <time>", `bursty: mean burst length (default ${d.bursty.duration}s)`, seconds)
    .option(
      "--burst-factor <n>",
      `bursty: rate multiple at a burst's peak (default ${d.bursty.factor})`,
      number,
    )
    .option(
      "--incident <spec>",
      `schedule an incident, repeatable: KIND[@AT][/DURATION][:SERVICE][*INTENSITY], KIND one of ${INCIDENT_KINDS.join(", ")} (e.g. 5xx-storm@10m/2m:checkout)`,
      incident,
    )
    .option("--incident-rate <n>", "random incidents per hour of log time (default 0)", number)
    .option("--incident-kinds <list>", "kinds of random incidents (default all)", list)
    .option("--tag-incidents", 'json: add "incident":"<kind>" to incident records (a 7th field)')
    .option(
      "--late-share <0-1>",
      "share of records delivered late, out of timestamp order (default 0)",
      number,
    )
    .option("--late-mean <time>", "mean delay of late records (exponential; default 30s)", seconds)
    .option("--late-max <time>", "longest delay (default 5m)", seconds)
    .addOption(
      new Option("--late-distribution <name>", "delay distribution (default exponential)").choices([
        "exponential",
        "uniform",
      ]),
    )
    .option("--bad-share <0-1>", "share of records broken on purpose (default 0)", number)
    .option("--bad-kinds <list>", `kinds to mix (default all of ${CLI_BAD_KINDS.join(", ")})`, list)
    .option(
      "--speed <factor>",
      "real time: print each record at its log time, factor x faster (1 = real time)",
      number,
    )
    .option(
      "--summary",
      "print a JSON summary (records, bytes, late, bad by kind, incidents) on stderr at the end",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  fake-log --count 5 --seed 42\n  fake-log -n 1000000 --format combined --rate 500 --start 2026-11-25T06:00:00Z > access.log\n  fake-log --profile diurnal --peak-ratio 5 --timezone Europe/Berlin --duration 48h --rate 2 --format elb\n  fake-log --incident 5xx-storm@10m/2m:checkout --incident crawler-flood@30m --duration 1h --summary\n  fake-log --count 10000 --late-share 0.05 --late-max 10m --bad-share 0.01 --summary\n  fake-log --speed 10 --rate 50 --format syslog      # real time, 10x",
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => errors.push(text),
      outputError: (text) => errors.push(text),
    });
}

/** createFakeLog options from the flags (validation is the library's; its errors name the option). */
export function optionsOf(f: Flags): FakeLogOptions {
  let profile: Profile = f.profile;
  if (f.profile === "diurnal") {
    profile = {
      kind: "diurnal",
      ...(f.peakRatio === undefined ? {} : { peakToTrough: f.peakRatio }),
      ...(f.timezone === undefined ? {} : { timeZone: f.timezone }),
      ...(f.peakHour === undefined ? {} : { peakHour: f.peakHour }),
    };
  } else if (f.profile === "bursty") {
    profile = {
      kind: "bursty",
      ...(f.burstEvery === undefined ? {} : { every: f.burstEvery }),
      ...(f.burstDuration === undefined ? {} : { duration: f.burstDuration }),
      ...(f.burstFactor === undefined ? {} : { factor: f.burstFactor }),
    };
  }
  const late = {
    ...(f.lateMean === undefined ? {} : { mean: f.lateMean }),
    ...(f.lateMax === undefined ? {} : { max: f.lateMax }),
    ...(f.lateDistribution === undefined ? {} : { distribution: f.lateDistribution }),
  };
  return {
    rate: f.rate,
    jitter: f.jitter,
    visitors: f.visitors,
    ipv6Share: f.ipv6Share,
    botShare: f.botShare,
    format: f.format,
    profile,
    ...(f.seed === undefined ? {} : { seed: f.seed }),
    ...(f.start === undefined ? {} : { startTime: f.start }),
    ...(f.incident === undefined ? {} : { incidents: f.incident }),
    ...(f.incidentRate === undefined ? {} : { incidentRate: f.incidentRate }),
    ...(f.incidentKinds === undefined ? {} : { incidentKinds: f.incidentKinds as IncidentKind[] }),
    ...(f.tagIncidents ? { tagIncidents: true } : {}),
    ...(f.lateShare === undefined ? {} : { lateShare: f.lateShare }),
    ...(Object.keys(late).length === 0 ? {} : { late }),
    ...(f.badShare === undefined ? {} : { badShare: f.badShare }),
    badKinds: (f.badKinds ?? CLI_BAD_KINDS) as BadKind[],
  };
}
