import { InvalidArgumentError } from "commander";

/**
 * commander argParsers: `new Option("--rate <n>").argParser(parsers.int({ min: 1 }))`. On bad input each throws an
 * InvalidArgumentError saying what is accepted; commander prefixes the flag and the offending value (and names the
 * env variable when the value came from there), and createCommand turns that into a one-line UsageError (exit 2).
 * Every parser also accepts a leading flag name (`parsers.int("--rate", { min: 1 })`) for use outside commander;
 * the message then starts with it.
 */

export interface RangeOpts {
  min?: number;
  max?: number;
}

type Parser<T> = (value: string) => T;

function rangeText(opts: RangeOpts, unit = ""): string {
  const { min, max } = opts;
  if (min !== undefined && max !== undefined) return ` from ${min}${unit} to ${max}${unit}`;
  if (min !== undefined) return ` >= ${min}${unit}`;
  if (max !== undefined) return ` <= ${max}${unit}`;
  return "";
}

function inRange(n: number, opts: RangeOpts): boolean {
  return (opts.min === undefined || n >= opts.min) && (opts.max === undefined || n <= opts.max);
}

function fail(flag: string | undefined, what: string): never {
  throw new InvalidArgumentError(flag ? `${flag} takes ${what}.` : `Expected ${what}.`);
}

function split<O>(a: string | O | undefined, b: O | undefined, dflt: O): [string | undefined, O] {
  return typeof a === "string" ? [a, b ?? dflt] : [undefined, a ?? dflt];
}

/** Integers, "_" separators allowed ("10_000"). */
function int(opts?: RangeOpts): Parser<number>;
function int(flag: string, opts?: RangeOpts): Parser<number>;
function int(a?: string | RangeOpts, b?: RangeOpts): Parser<number> {
  const [flag, opts] = split(a, b, {});
  return (value) => {
    const v = value.trim().replace(/_/g, "");
    const n = /^[+-]?\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || !inRange(n, opts)) fail(flag, `an integer${rangeText(opts)}`);
    return n;
  };
}

/** Finite decimal numbers ("0.5", "1e3", "10_000"). */
function number(opts?: RangeOpts): Parser<number>;
function number(flag: string, opts?: RangeOpts): Parser<number>;
function number(a?: string | RangeOpts, b?: RangeOpts): Parser<number> {
  const [flag, opts] = split(a, b, {});
  return (value) => {
    const v = value.trim().replace(/_/g, "");
    const n = v === "" ? Number.NaN : Number(v);
    if (!Number.isFinite(n) || !inRange(n, opts)) fail(flag, `a number${rangeText(opts)}`);
    return n;
  };
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "500ms", "10s", "1.5m", "1h", "1m30s" -> milliseconds; undefined for anything else (a bare number has no unit). */
export function parseDuration(value: string): number | undefined {
  const v = value.trim().toLowerCase();
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(v)) return undefined;
  let total = 0;
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  }
  return Math.round(total);
}

/** Durations with a unit -> ms. The range is in ms. */
function duration(opts?: RangeOpts): Parser<number>;
function duration(flag: string, opts?: RangeOpts): Parser<number>;
function duration(a?: string | RangeOpts, b?: RangeOpts): Parser<number> {
  const [flag, opts] = split(a, b, {});
  return (value) => {
    const ms = parseDuration(value);
    if (ms === undefined) fail(flag, "a duration with a unit, e.g. 500ms, 10s, 2m, 1h");
    if (!inRange(ms, opts)) fail(flag, `a duration${rangeText(opts, "ms")}`);
    return ms;
  };
}

/** One of a fixed list of words (exact match). */
function oneOf<const T extends string>(values: readonly T[]): Parser<T>;
function oneOf<const T extends string>(flag: string, values: readonly T[]): Parser<T>;
function oneOf<const T extends string>(a: string | readonly T[], b?: readonly T[]): Parser<T> {
  const [flag, values] = typeof a === "string" ? [a, b ?? []] : [undefined, a];
  return (value) => {
    const v = value.trim();
    if (!(values as readonly string[]).includes(v)) fail(flag, `one of: ${values.join(", ")}`);
    return v as T;
  };
}

export const parsers = { int, number, duration, oneOf };
