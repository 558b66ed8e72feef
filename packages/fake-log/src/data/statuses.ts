/**
 * Status codes by the kind of response, as [status, weight]. 5xx are not listed here: they come from the
 * generator's outage model (a small base rate plus bursts, see traffic.ts).
 */
export type StatusProfile =
  | "page"
  | "form"
  | "asset"
  | "api-read"
  | "api-write"
  | "api-delete"
  | "api-auth"
  | "api-beacon"
  | "preflight"
  | "always-ok"
  | "health"
  | "admin"
  | "probe";

export const STATUS_PROFILES: Readonly<Record<StatusProfile, readonly (readonly [number, number])[]>> = {
  page: [
    [200, 88],
    [304, 5],
    [301, 2],
    [302, 1],
    [404, 3.5],
    [403, 0.5],
  ],
  form: [
    [200, 60],
    [302, 30],
    [400, 4],
    [401, 4],
    [429, 2],
  ],
  asset: [
    [200, 64],
    [304, 35],
    [404, 1],
  ],
  "api-read": [
    [200, 91],
    [304, 2],
    [400, 2],
    [401, 2],
    [404, 2.5],
    [429, 0.5],
  ],
  "api-write": [
    [200, 40],
    [201, 45],
    [400, 5],
    [401, 3],
    [409, 2],
    [422, 4],
    [429, 1],
  ],
  "api-delete": [
    [204, 90],
    [404, 8],
    [401, 2],
  ],
  "api-auth": [
    [200, 78],
    [401, 18],
    [429, 4],
  ],
  "api-beacon": [[204, 1]],
  preflight: [[204, 1]],
  "always-ok": [
    [200, 97],
    [304, 3],
  ],
  health: [[200, 1]],
  admin: [
    [302, 70],
    [401, 15],
    [403, 10],
    [200, 5],
  ],
  probe: [
    [404, 92],
    [403, 5],
    [400, 2],
    [405, 1],
  ],
};

/** 5xx codes during an outage and otherwise, as [status, weight]. */
export const SERVER_ERRORS: readonly (readonly [number, number])[] = [
  [500, 30],
  [502, 30],
  [503, 30],
  [504, 10],
];

/** Profiles an outage can hit (the app server): static files and probes answered by the CDN/edge are spared. */
export const OUTAGE_PRONE: ReadonlySet<StatusProfile> = new Set<StatusProfile>([
  "page",
  "form",
  "api-read",
  "api-write",
  "api-delete",
  "api-auth",
  "admin",
  "health",
]);
