/**
 * The named incidents (src/incidents.ts runs them): what each one sends and how much. `extra` is the incident's
 * own traffic as a multiple of the base rate while it lasts (0: it changes existing traffic instead). Durations
 * are seconds of log time. Data only.
 */
export const INCIDENT_KINDS = ["5xx-storm", "crawler-flood", "credential-stuffing", "scanner-sweep"] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export interface IncidentData {
  /** Default length in seconds of log time. */
  duration: number;
  /** Added traffic while active, as a multiple of the base rate (intensity option overrides). */
  extra: number;
  /** Statuses of the incident's own requests, [status, weight]. */
  statuses: readonly (readonly [number, number])[];
}

export const INCIDENTS: Readonly<Record<IncidentKind, IncidentData>> = {
  /** A backend fails: most of its requests get 5xx (intensity = share of them, default 0.8). */
  "5xx-storm": {
    duration: 120,
    extra: 0,
    statuses: [
      [500, 25],
      [502, 35],
      [503, 35],
      [504, 5],
    ],
  },
  /** An aggressive crawler from one /24 walks the catalogue far faster than polite bots; rate limiting bites. */
  "crawler-flood": {
    duration: 300,
    extra: 4,
    statuses: [
      [200, 82],
      [404, 4],
      [429, 12],
      [503, 2],
    ],
  },
  /** A botnet replays leaked passwords: POST /login from thousands of addresses, nearly all 401. */
  "credential-stuffing": {
    duration: 600,
    extra: 2,
    statuses: [
      [401, 88],
      [429, 10],
      [200, 1],
      [302, 1],
    ],
  },
  /** One scanner requests a wordlist of paths in order, nearly all 404. */
  "scanner-sweep": {
    duration: 180,
    extra: 1,
    statuses: [
      [404, 93],
      [403, 4],
      [400, 2],
      [200, 1],
    ],
  },
};

export const CRAWLER_FLOOD_AGENT = "Mozilla/5.0 (compatible; Bytespider; spider-feedback@bytedance.com)";

export const STUFFING_AGENTS = [
  "python-requests/2.32.3",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
  "okhttp/4.12.0",
] as const;

export const SWEEP_AGENT =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/105.0.0.0 Safari/537.36 Nuclei";

/** The scanner's wordlist: directories x files, requested in order. */
export const SWEEP_DIRS = ["", "/admin", "/backup", "/old", "/api", "/wp-content", "/test", "/dev"] as const;
export const SWEEP_FILES = [
  "/.env",
  "/.git/HEAD",
  "/config.php.bak",
  "/backup.zip",
  "/db.sql",
  "/phpinfo.php",
  "/server-status",
  "/.aws/credentials",
  "/web.config",
  "/.DS_Store",
  "/id_rsa",
  "/dump.sql.gz",
  "/admin.php",
  "/install.php",
  "/debug.log",
  "/composer.json",
  "/.htpasswd",
  "/actuator/env",
  "/console",
  "/swagger.json",
] as const;
