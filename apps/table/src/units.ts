/**
 * The app's own value parsers (pure): byte sizes ("128MiB", "64m", "1048576") and ages ("1d", "36h", "90m", "0s").
 * Each returns undefined for anything else; the flag's parser turns that into a one-line usage error.
 */
import { parseDuration } from "@weblog/cli";

const BYTE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/** "128MiB" / "128m" (binary) / "128MB" (decimal) / "134217728" -> bytes (a whole number >= 1); else undefined. */
export function parseBytes(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  if (!m) return undefined;
  const unit = BYTE_UNITS[(m[2] as string).toLowerCase()];
  if (unit === undefined) return undefined;
  const n = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

/** "1d", "1d12h", "36h", "90m", "10s", "0s" -> milliseconds; else undefined. */
export function parseAge(value: string): number | undefined {
  const v = value.trim();
  const m = /^(\d+)d(.*)$/.exec(v);
  if (!m) return parseDuration(v);
  const rest = m[2] === "" ? 0 : parseDuration(m[2] as string);
  return rest === undefined ? undefined : Number(m[1]) * 86_400_000 + rest;
}

/** Bytes for people: 1.5 MiB, 812 KiB, 97 B. */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
