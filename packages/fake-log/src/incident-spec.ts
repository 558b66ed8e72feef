/**
 * The one-string form of an incident, for command lines and env vars: `KIND[@AT][/DURATION][:SERVICE][*INTENSITY]`,
 * e.g. `5xx-storm@10m/2m:checkout`, `crawler-flood@1h*8`, `scanner-sweep`. AT and DURATION are durations
 * (90, 30s, 5m, 2h, 1h30m; AT counts from the start) or AT an ISO-8601 time.
 */
import { INCIDENT_KINDS } from "./data/incidents";
import { FakeLogOptionsError } from "./errors";
import type { IncidentSpec } from "./options-features";

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 };

/** "90" (seconds), "250ms", "30s", "5m", "2h", "1d", "1h30m" -> seconds; undefined if not a duration. */
export function parseSeconds(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== t) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
}

const SPEC =
  /^([a-z0-9-]+)(?:@(\d{4}-\d\d-\d\dT[^/*]+?|[^/:*]+))?(?:\/([^:*]+))?(?::([a-z]+))?(?:\*([\d.]+))?$/;

/** Parse one incident spec; throws FakeLogOptionsError (field "incident") with the expected form. */
export function parseIncidentSpec(text: string): IncidentSpec {
  const m = SPEC.exec(text.trim());
  const bad = (why: string): never => {
    throw new FakeLogOptionsError(
      "incident",
      `${why}: expected KIND[@AT][/DURATION][:SERVICE][*INTENSITY] with KIND one of ${INCIDENT_KINDS.join(", ")} (e.g. 5xx-storm@10m/2m:checkout), got ${JSON.stringify(text)}`,
    );
  };
  if (!m || !(INCIDENT_KINDS as readonly string[]).includes(m[1] ?? "")) return bad("unknown incident");
  const spec: IncidentSpec = { kind: m[1] as IncidentSpec["kind"] };
  if (m[2] !== undefined) spec.at = /^\d{4}-/.test(m[2]) ? m[2] : (parseSeconds(m[2]) ?? bad("bad start"));
  if (m[3] !== undefined) spec.duration = parseSeconds(m[3]) ?? bad("bad duration");
  if (m[4] !== undefined) spec.service = m[4] as IncidentSpec["service"];
  if (m[5] !== undefined) spec.intensity = Number(m[5]);
  return spec;
}
