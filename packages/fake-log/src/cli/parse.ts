/** Flag value parsers of the fake-log CLI: each throws commander's InvalidArgumentError with a one-line reason. */
import { InvalidArgumentError } from "commander";
import { INCIDENT_KINDS } from "../data/incidents";
import type { IncidentSpec } from "../options-features";

export const integer =
  (min: number) =>
  (text: string): number => {
    const n = Number(text);
    if (text.trim() === "" || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected an integer >= ${min}, got ${JSON.stringify(text)}`);
    }
    return n;
  };

export const anyInteger = (text: string): number => {
  const n = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected an integer, got ${JSON.stringify(text)}`);
  }
  return n;
};

export const number = (text: string): number => {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) {
    throw new InvalidArgumentError(`expected a number, got ${JSON.stringify(text)}`);
  }
  return n;
};

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 };

/** "90" (seconds), "250ms", "30s", "5m", "2h", "1d", "1h30m" -> seconds. */
export function seconds(text: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== t) {
    throw new InvalidArgumentError(
      `expected a duration such as 90, 30s, 5m, 2h or 1h30m, got ${JSON.stringify(text)}`,
    );
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
}

/** Comma-separated list. */
export const list = (text: string): string[] =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");

/**
 * `--incident KIND[@AT][/DURATION][:SERVICE][*INTENSITY]`, repeatable: e.g. `5xx-storm@10m/2m:checkout`,
 * `crawler-flood@1h*8`, `scanner-sweep`. AT and DURATION are durations (AT after --start) or AT an ISO time.
 */
export function incident(text: string, previous: IncidentSpec[] = []): IncidentSpec[] {
  const m =
    /^([a-z0-9-]+)(?:@(\d{4}-\d\d-\d\dT[^/*]+?|[^/:*]+))?(?:\/([^:*]+))?(?::([a-z]+))?(?:\*([\d.]+))?$/.exec(
      text.trim(),
    );
  const kind = m?.[1];
  if (!m || !(INCIDENT_KINDS as readonly string[]).includes(kind ?? "")) {
    throw new InvalidArgumentError(
      `expected KIND[@AT][/DURATION][:SERVICE][*INTENSITY] with KIND one of ${INCIDENT_KINDS.join(", ")} (e.g. 5xx-storm@10m/2m:checkout), got ${JSON.stringify(text)}`,
    );
  }
  const spec: IncidentSpec = { kind: kind as IncidentSpec["kind"] };
  if (m[2] !== undefined) spec.at = /^\d{4}-/.test(m[2]) ? m[2] : seconds(m[2]);
  if (m[3] !== undefined) spec.duration = seconds(m[3]);
  if (m[4] !== undefined) spec.service = m[4] as IncidentSpec["service"];
  if (m[5] !== undefined) spec.intensity = Number(m[5]);
  return [...previous, spec];
}
