import { KafkaClientError } from "./errors";

export type SaslMechanism = "plain" | "scram-sha-256" | "scram-sha-512";
export const SASL_MECHANISMS: readonly SaslMechanism[] = ["plain", "scram-sha-256", "scram-sha-512"];

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  ssl: boolean;
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  /** TCP connect timeout per attempt (kafkajs `connectionTimeout`). */
  connectionTimeoutMs: number;
  /** Per-request timeout (kafkajs `requestTimeout`). */
  requestTimeoutMs: number;
}

/** Flags as the apps' commander options give them (camelCase); each overrides its env variable. */
export interface KafkaFlags {
  brokers?: string | string[];
  clientId?: string;
  ssl?: boolean | string;
  saslMechanism?: string;
  saslUsername?: string;
  saslPassword?: string;
  connectionTimeoutMs?: number | string;
  requestTimeoutMs?: number | string;
}

export const DEFAULT_BROKERS = ["localhost:9092"];
export const DEFAULT_CLIENT_ID = "weblog";
export const DEFAULT_CONNECTION_TIMEOUT_MS = 3000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Which flag and env variable feed each setting (used in error messages). */
const SOURCES = {
  brokers: ["--brokers", "KAFKA_BROKERS"],
  clientId: ["--client-id", "KAFKA_CLIENT_ID"],
  ssl: ["--ssl", "KAFKA_SSL"],
  saslMechanism: ["--sasl-mechanism", "KAFKA_SASL_MECHANISM"],
  saslUsername: ["--sasl-username", "KAFKA_SASL_USERNAME"],
  saslPassword: ["--sasl-password", "KAFKA_SASL_PASSWORD"],
  connectionTimeoutMs: ["--connection-timeout-ms", "KAFKA_CONNECTION_TIMEOUT_MS"],
  requestTimeoutMs: ["--request-timeout-ms", "KAFKA_REQUEST_TIMEOUT_MS"],
} as const;
type Key = keyof typeof SOURCES;

function bad(field: string, message: string): never {
  throw new KafkaClientError("BAD_SETTINGS", `${field}: ${message}`, { field });
}

/** Parses "host:port" (IPv6 as "[::1]:9092"); returns an error text or undefined when fine. */
export function checkBrokerAddress(address: string): string | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/.exec(address);
  if (!m) {
    if (/^[a-z]+:\/\//i.test(address))
      return `'${address}' has a scheme; give host:port, e.g. localhost:9092`;
    // Suggest "<it>:9092" only when what was given is a host name or bracketed IP (not "not a host:9092").
    if (/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)$/.test(address))
      return `'${address}' has no port; give host:port, e.g. ${address}:9092`;
    return `'${address}' is not host:port (a host name or IP, then :port), e.g. localhost:9092`;
  }
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return `'${address}' has port ${port}; ports go from 1 to 65535`;
  return undefined;
}

function parseBool(field: string, v: boolean | string): boolean {
  if (typeof v === "boolean") return v;
  const s = v.trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(s)) return true;
  if (["false", "0", "no", "off", ""].includes(s)) return false;
  return bad(field, `'${v}' is not true or false`);
}

function parseMs(field: string, v: number | string, min: number, max: number): number {
  const n = typeof v === "number" ? v : Number(v.trim());
  if (!Number.isInteger(n) || n < min || n > max)
    bad(field, `'${v}' must be an integer of milliseconds from ${min} to ${max}`);
  return n;
}

/**
 * Connection settings from env (KAFKA_BROKERS, KAFKA_CLIENT_ID, KAFKA_SSL, KAFKA_SASL_MECHANISM/USERNAME/PASSWORD,
 * KAFKA_CONNECTION_TIMEOUT_MS, KAFKA_REQUEST_TIMEOUT_MS) and flags (override env), validated once. Throws a
 * KafkaClientError BAD_SETTINGS (exit 2) naming the flag (or env variable) the bad value came from and the fix.
 */
export function loadKafkaSettings(opts: { env?: NodeJS.ProcessEnv; flags?: KafkaFlags } = {}): KafkaSettings {
  const env = opts.env ?? process.env;
  const flags = opts.flags ?? {};
  /** The raw value and the name to blame: the flag when given, else the env variable. */
  const pick = <K extends Key>(key: K): { value: KafkaFlags[K] | string | undefined; field: string } => {
    const [flag, envName] = SOURCES[key];
    const fv = flags[key];
    if (fv !== undefined && fv !== "") return { value: fv, field: flag };
    const ev = env[envName];
    if (ev !== undefined && ev !== "") return { value: ev, field: envName };
    return { value: undefined, field: `${flag} / ${envName}` };
  };

  const b = pick("brokers");
  let brokers = DEFAULT_BROKERS;
  if (b.value !== undefined) {
    const list = (Array.isArray(b.value) ? b.value : String(b.value).split(","))
      .flatMap((s) => s.split(","))
      .map((s) => s.trim())
      .filter((s) => s !== "");
    if (list.length === 0) bad(b.field, "no broker given; use host:port[,host:port...], e.g. localhost:9092");
    for (const a of list) {
      const problem = checkBrokerAddress(a);
      if (problem) bad(b.field, problem);
    }
    brokers = [...new Set(list)];
  }

  const c = pick("clientId");
  const clientId = c.value === undefined ? DEFAULT_CLIENT_ID : String(c.value).trim();
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(clientId))
    bad(c.field, `'${clientId}' may only use letters, digits, '.', '_' and '-'`);

  const s = pick("ssl");
  const ssl = s.value === undefined ? false : parseBool(s.field, s.value as boolean | string);

  const m = pick("saslMechanism");
  const u = pick("saslUsername");
  const p = pick("saslPassword");
  let sasl: KafkaSettings["sasl"];
  if (m.value !== undefined) {
    const mech = String(m.value).trim().toLowerCase();
    if (!(SASL_MECHANISMS as readonly string[]).includes(mech)) {
      bad(m.field, `'${m.value}' is not one of ${SASL_MECHANISMS.join(", ")}`);
    }
    if (u.value === undefined) bad(u.field, `SASL ${mech} needs a username`);
    if (p.value === undefined) bad(p.field, `SASL ${mech} needs a password`);
    sasl = { mechanism: mech as SaslMechanism, username: String(u.value), password: String(p.value) };
  } else if (u.value !== undefined || p.value !== undefined) {
    bad(
      m.field,
      `a SASL username/password was given without a mechanism; set it to one of ${SASL_MECHANISMS.join(", ")}`,
    );
  }

  const ct = pick("connectionTimeoutMs");
  const connectionTimeoutMs =
    ct.value === undefined
      ? DEFAULT_CONNECTION_TIMEOUT_MS
      : parseMs(ct.field, ct.value as string, 100, 120_000);
  const rt = pick("requestTimeoutMs");
  const requestTimeoutMs =
    rt.value === undefined ? DEFAULT_REQUEST_TIMEOUT_MS : parseMs(rt.field, rt.value as string, 100, 600_000);

  return { brokers, clientId, ssl, ...(sasl ? { sasl } : {}), connectionTimeoutMs, requestTimeoutMs };
}

/** One line for logs and banners: brokers, client id, TLS, SASL mechanism and user. Never the password. */
export function describeSettings(s: KafkaSettings): string {
  const parts = [`brokers ${s.brokers.join(",")}`, `client id ${s.clientId}`, s.ssl ? "TLS on" : "TLS off"];
  parts.push(s.sasl ? `SASL ${s.sasl.mechanism} as ${s.sasl.username}` : "no SASL");
  return parts.join(", ");
}
