import { causes, redactUrlPasswords } from "@weblog/errors";
import { KafkaClientError, type KafkaErrorCode } from "./errors";
import type { KafkaSettings } from "./settings";

/** What was being done when the error happened; picks the code for errors that are not about reaching the broker. */
export type KafkaActivity = "connect" | "produce" | "consume" | "topic";

const FALLBACK: Record<KafkaActivity, KafkaErrorCode> = {
  connect: "BROKER_UNREACHABLE",
  produce: "PRODUCE",
  consume: "CONSUME",
  topic: "TOPIC",
};

export const START_FIX =
  "start it with `docker compose up -d` or set KAFKA_BROKERS (--brokers) to a running broker";

interface ErrLike {
  name?: string;
  message?: string;
  code?: string | number;
  type?: string;
  /** @platformatic/kafka's name of a broker's error code (kafkajs's `type`). */
  apiId?: string;
  broker?: string;
  cause?: unknown;
  originalError?: unknown;
  errors?: unknown[];
}

/** The broker's error name, from kafkajs (`type`) or @platformatic/kafka (`apiId`). */
const typeOf = (e: ErrLike) => String(e.type ?? e.apiId);

/** The address in @platformatic/kafka's "Connection to host:port failed." / "... timed out." */
const CONNECTION_TO = /Connection to (\S+?:\d+)\.? (failed|timed out)/;

/** The error and everything it wraps (cause, originalError, aggregate errors), outermost first. */
function chain(err: unknown): ErrLike[] {
  // @platformatic/kafka nests one error per attempt (retries x brokers x cause): the broker's answer sits deep
  return causes(err, 500) as ErrLike[];
}

const UNREACHABLE_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  EPIPE: "connection closed",
  ECONNABORTED: "connection aborted",
};
const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL"]);
const AUTH_TYPES = new Set([
  "SASL_AUTHENTICATION_FAILED",
  "ILLEGAL_SASL_STATE",
  "UNSUPPORTED_SASL_MECHANISM",
  "TOPIC_AUTHORIZATION_FAILED",
  "GROUP_AUTHORIZATION_FAILED",
  "CLUSTER_AUTHORIZATION_FAILED",
  "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
]);
const TOPIC_TYPES = new Set([
  "UNKNOWN_TOPIC_OR_PARTITION",
  "INVALID_TOPIC_EXCEPTION",
  "TOPIC_ALREADY_EXISTS",
  "INVALID_PARTITIONS",
  "INVALID_REPLICATION_FACTOR",
  "POLICY_VIOLATION",
]);

/** The listener does not speak SASL at all, or not this mechanism: not a wrong password. */
const SASL_NOT_SPOKEN = new Set(["ILLEGAL_SASL_STATE", "UNSUPPORTED_SASL_MECHANISM"]);

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}

/** The SASL password, and the password of any `scheme://user:password@` URL (a broker given as a URL), masked. */
function mask(text: string, settings: KafkaSettings): string {
  const pw = settings.sasl?.password;
  let out = text;
  if (pw) out = out.split(pw).join("***");
  return redactUrlPasswords(out);
}

/**
 * Turns anything kafkajs (or the network) throws into a KafkaClientError whose message is one line naming the
 * broker address and the fix, e.g. "Kafka broker unreachable at 127.0.0.1:9092 (connection refused): start it with
 * `docker compose up -d` or set KAFKA_BROKERS (--brokers) to a running broker". KafkaClientErrors pass through.
 * The original error is kept as `cause`; the SASL password never appears in the message.
 */
export function explainKafkaError(
  err: unknown,
  settings: KafkaSettings,
  opts: { during?: KafkaActivity } = {},
): KafkaClientError {
  if (err instanceof KafkaClientError) return err;
  const during = opts.during ?? "connect";
  const all = chain(err);
  const named = all.find(
    (e) => typeof e.broker === "string" && e.broker !== "" && !e.broker.startsWith("undefined"),
  );
  const namedBroker =
    named?.broker ?? all.map((e) => CONNECTION_TO.exec(String(e.message))?.[1]).find(Boolean);
  const address = namedBroker ?? settings.brokers.join(",");
  const brokers = namedBroker ? [namedBroker] : settings.brokers;
  const make = (code: KafkaErrorCode, message: string) =>
    new KafkaClientError(code, oneLine(message), { cause: err, brokers });
  const has = (p: (e: ErrLike) => boolean) => all.find(p);
  const innermost = [...all].reverse().find((e) => typeof e.message === "string" && e.message !== "");
  // The foreign text is the only part that could echo the password: mask it there (masking our whole sentence
  // would also turn a short password's letters inside "plain" or the user name into ***).
  const detail = mask(oneLine(innermost?.message ?? String(err)), settings);

  // Authentication / authorization.
  const sasl = has(
    (e) =>
      e.name === "KafkaJSSASLAuthenticationError" ||
      e.code === "PLT_KFK_AUTHENTICATION" ||
      AUTH_TYPES.has(typeOf(e)),
  );
  if (sasl) {
    const who = settings.sasl
      ? `SASL ${settings.sasl.mechanism} as user '${settings.sasl.username}'`
      : "the connection (no SASL credentials set)";
    if (settings.sasl && has((e) => SASL_NOT_SPOKEN.has(typeOf(e)))) {
      return make(
        "AUTH",
        `Kafka at ${address} does not accept SASL ${settings.sasl.mechanism} on this listener (${detail}): for a listener without SASL unset KAFKA_SASL_MECHANISM, else point KAFKA_BROKERS at the SASL listener or pick a mechanism it enables`,
      );
    }
    const what = typeOf(sasl).endsWith("AUTHORIZATION_FAILED") ? "is not authorized for" : "rejected";
    return make(
      "AUTH",
      `Kafka at ${address} ${what} ${who} (${detail}): check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`,
    );
  }
  const tls = has((e) =>
    /TLS|SSL|certificate|EPROTO|self[- ]signed|wrong version number/i.test(`${e.code} ${e.message}`),
  );
  if (tls) {
    return make(
      "AUTH",
      `TLS handshake with Kafka at ${address} failed (${detail}): set KAFKA_SSL=true only if the broker listens with TLS, and check its certificate`,
    );
  }

  // DNS.
  const dns = has(
    (e) => DNS_CODES.has(String(e.code)) || /getaddrinfo|ENOTFOUND|EAI_AGAIN/.test(String(e.message)),
  );
  if (dns) {
    return make(
      "DNS",
      `Kafka broker host not found: ${address} (DNS lookup failed): fix the host name in KAFKA_BROKERS (--brokers), or start a local broker with \`docker compose up -d\``,
    );
  }

  // Nothing answering.
  const sock = has((e) => String(e.code) in UNREACHABLE_CODES);
  const conn = has(
    (e) =>
      e.name === "KafkaJSConnectionError" ||
      e.name === "KafkaJSConnectionClosedError" ||
      e.name === "KafkaJSNoBrokerAvailableError" ||
      e.name === "KafkaJSBrokerNotFound" ||
      /Connection (error|timeout|closed)|Closed connection|No broker available/i.test(String(e.message)) ||
      CONNECTION_TO.test(String(e.message)),
  );
  if (sock || conn) {
    const reason = sock
      ? (UNREACHABLE_CODES[String(sock.code)] as string)
      : /timeout|timed out/i.test(String(conn?.message))
        ? "connection timed out"
        : /closed/i.test(String(conn?.message))
          ? "connection closed by the broker"
          : "no connection";
    return make("BROKER_UNREACHABLE", `Kafka broker unreachable at ${address} (${reason}): ${START_FIX}`);
  }

  // Requests without an answer.
  const timeout = has(
    (e) =>
      e.name === "KafkaJSRequestTimeoutError" ||
      e.name === "KafkaJSTimeout" ||
      /timed? ?out/i.test(String(e.message)),
  );
  if (timeout) {
    if (during === "connect") {
      return make(
        "BROKER_UNREACHABLE",
        `Kafka broker unreachable at ${address} (no answer in time): ${START_FIX}`,
      );
    }
    return make(
      "TIMEOUT",
      `Kafka at ${address} did not answer in time (${detail}): check the broker is healthy; KAFKA_SSL must match the listener (TLS or plaintext)`,
    );
  }

  const topic = has((e) => TOPIC_TYPES.has(typeOf(e)));
  if (topic) return make("TOPIC", `Kafka at ${address} refused the topic operation: ${detail}`);

  const code = FALLBACK[during];
  const verb =
    during === "produce"
      ? "sending to"
      : during === "consume"
        ? "consuming from"
        : during === "topic"
          ? "setting up the topic on"
          : "connecting to";
  const fix = code === "BROKER_UNREACHABLE" ? `: ${START_FIX}` : "";
  return make(code, `Kafka error while ${verb} ${address}: ${detail}${fix}`);
}

export interface ConnectCheckedOptions {
  /** Give up after this long (default 10 s) with an explained BROKER_UNREACHABLE error. */
  timeoutMs?: number;
}

/**
 * `client.connect()` (a kafkajs producer, consumer or admin) that fails fast and human: rejects with an explained
 * KafkaClientError within `timeoutMs`, and on failure/timeout disconnects the client so kafkajs stops retrying in
 * the background.
 */
export async function connectChecked(
  client: { connect(): Promise<void>; disconnect?(): Promise<void> },
  settings: KafkaSettings,
  opts: ConnectCheckedOptions = {},
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  const connecting = client.connect();
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new KafkaClientError(
          "BROKER_UNREACHABLE",
          mask(
            `Kafka broker unreachable at ${settings.brokers.join(",")} (no answer within ${Math.round(timeoutMs / 1000)} s): ${START_FIX}`,
            settings,
          ),
          { brokers: settings.brokers },
        ),
      );
    }, timeoutMs);
  });
  try {
    await Promise.race([connecting, timeout]);
  } catch (err) {
    connecting.catch(() => {}); // the losing connect must not become an unhandled rejection
    await Promise.race([
      client.disconnect?.().catch(() => {}),
      new Promise((r) => setTimeout(r, 1000).unref()),
    ]);
    throw explainKafkaError(err, settings, { during: "connect" });
  } finally {
    clearTimeout(timer);
  }
}
