import { AuthenticationError, MultipleErrors, NetworkError, ResponseError } from "@platformatic/kafka";
import { exitCodeOf } from "@weblog/cli";
import {
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  KafkaJSSASLAuthenticationError,
} from "kafkajs";
import { describe, expect, it } from "vitest";
import { KafkaClientError } from "../src/errors";
import { explainKafkaError } from "../src/explain";
import { loadKafkaSettings } from "../src/settings";

const settings = loadKafkaSettings({ env: { KAFKA_BROKERS: "127.0.0.1:9092" } });
const saslSettings = loadKafkaSettings({
  env: {
    KAFKA_BROKERS: "k:9093",
    KAFKA_SASL_MECHANISM: "plain",
    KAFKA_SASL_USERNAME: "alice",
    KAFKA_SASL_PASSWORD: "Sup3rS3cret",
  },
});

function sysErr(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

function connErr(inner: NodeJS.ErrnoException, broker: string) {
  return new KafkaJSConnectionError(`Connection error: ${inner.message}`, { broker, code: inner.code });
}

describe("explainKafkaError", () => {
  it("ECONNREFUSED behind retries -> BROKER_UNREACHABLE naming the address and the fix", () => {
    const inner = connErr(sysErr("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:9092"), "127.0.0.1:9092");
    const err = new KafkaJSNumberOfRetriesExceeded(inner, { retryCount: 5, retryTime: 1000 });
    const e = explainKafkaError(err, settings);
    expect(e).toBeInstanceOf(KafkaClientError);
    expect(e.code).toBe("BROKER_UNREACHABLE");
    expect(e.retriable).toBe(true);
    expect(exitCodeOf(e)).toBe(2);
    expect(e.message).toBe(
      "Kafka broker unreachable at 127.0.0.1:9092 (connection refused): start it with `docker compose up -d` or set KAFKA_BROKERS (--brokers) to a running broker",
    );
    expect(e.cause).toBe(err);
  });

  it("a connection timeout and a bare 'No broker available' are unreachable too", () => {
    const t = explainKafkaError(
      new KafkaJSConnectionError("Connection timeout", { broker: "h:1" }),
      settings,
    );
    expect(t.code).toBe("BROKER_UNREACHABLE");
    expect(t.message).toMatch(/^Kafka broker unreachable at h:1 \(connection timed out\)/);
    const n = explainKafkaError(new KafkaJSError("No broker available"), settings);
    expect(n.code).toBe("BROKER_UNREACHABLE");
    expect(n.message).toContain("127.0.0.1:9092");
  });

  it("ENOTFOUND -> DNS naming the host and the fix", () => {
    const inner = connErr(sysErr("ENOTFOUND", "getaddrinfo ENOTFOUND kafka.nowhere"), "kafka.nowhere:9092");
    const e = explainKafkaError(
      new KafkaJSNumberOfRetriesExceeded(inner, { retryCount: 5, retryTime: 1 }),
      settings,
    );
    expect(e.code).toBe("DNS");
    expect(e.message).toMatch(/^Kafka broker host not found: kafka\.nowhere:9092 \(DNS lookup failed\)/);
    expect(e.message).toContain("KAFKA_BROKERS");
    expect(e.message).toContain("docker compose up -d");
  });

  it("SASL failures -> AUTH without the password", () => {
    // kafkajs's d.ts declares a no-argument constructor; the class takes a message like every KafkaJSError.
    const SaslError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;
    const err = new SaslError(
      "SASL PLAIN authentication failed: Authentication failed for alice/Sup3rS3cret",
    );
    const e = explainKafkaError(err, saslSettings);
    expect(e.code).toBe("AUTH");
    expect(e.retriable).toBe(false);
    expect(e.message).toMatch(/^Kafka at k:9093 rejected SASL plain as user 'alice'/);
    expect(e.message).toContain("KAFKA_SASL_PASSWORD");
    expect(e.message).not.toContain("Sup3rS3cret");
    const authz = new KafkaJSProtocolError({
      message: "Not authorized to access topics: [Topic authorization failed]",
      type: "TOPIC_AUTHORIZATION_FAILED",
      code: 29,
      retriable: false,
    } as unknown as string);
    expect(explainKafkaError(authz, saslSettings).message).toMatch(
      /is not authorized for SASL plain as user 'alice'/,
    );
  });

  it("SASL against a listener without SASL says so; a short password masks only the foreign text", () => {
    const illegal = () =>
      new KafkaJSProtocolError({
        message: "Request is not valid given the current SASL state",
        type: "ILLEGAL_SASL_STATE",
        code: 34,
        retriable: false,
      } as unknown as string);
    const e = explainKafkaError(illegal(), saslSettings);
    expect(e.code).toBe("AUTH");
    expect(e.message).toMatch(/^Kafka at k:9093 does not accept SASL plain on this listener \(/);
    expect(e.message).toContain("unset KAFKA_SASL_MECHANISM");
    // A one-letter password used to turn "plain" into "***lain": only what kafkajs says is masked.
    const short = loadKafkaSettings({
      env: {
        KAFKA_BROKERS: "k:9093",
        KAFKA_SASL_MECHANISM: "plain",
        KAFKA_SASL_USERNAME: "u",
        KAFKA_SASL_PASSWORD: "p",
      },
    });
    expect(explainKafkaError(illegal(), short).message).toContain("SASL plain on this listener");
  });

  it("request timeouts: TIMEOUT while producing, unreachable while connecting", () => {
    const err = new KafkaJSRequestTimeoutError("Request Produce(key: 0, version: 7) timed out", {
      broker: "127.0.0.1:9092",
      clientId: "x",
      correlationId: 1,
      createdAt: 0,
      sentAt: 0,
      pendingDuration: 0,
    });
    const p = explainKafkaError(err, settings, { during: "produce" });
    expect(p.code).toBe("TIMEOUT");
    expect(p.message).toMatch(/^Kafka at 127\.0\.0\.1:9092 did not answer in time/);
    expect(explainKafkaError(err, settings).code).toBe("BROKER_UNREACHABLE");
  });

  it("TLS handshake problems point at KAFKA_SSL", () => {
    const inner = sysErr("EPROTO", "write EPROTO ... wrong version number");
    const e = explainKafkaError(connErr(inner, "h:9092"), settings);
    expect(e.code).toBe("AUTH");
    expect(e.message).toContain("KAFKA_SSL");
  });

  it("other errors fall back by activity, one line, and KafkaClientErrors pass through", () => {
    const e = explainKafkaError(new Error("MESSAGE_TOO_LARGE\nsecond line"), settings, { during: "produce" });
    expect(e.code).toBe("PRODUCE");
    expect(e.message).toBe("Kafka error while sending to 127.0.0.1:9092: MESSAGE_TOO_LARGE second line");
    const mine = new KafkaClientError("TOPIC", "x");
    expect(explainKafkaError(mine, settings)).toBe(mine);
  });
});

/**
 * The producer's client (@platformatic/kafka) nests one error per attempt and broker. Its own error classes, shaped as
 * it throws them (seen against a real broker: unreachable.test.ts, apps/producer's SASL test): the address comes out
 * of "Connection to host:port failed." and the broker's answer from past the 20 links a default cause walk reads.
 */
describe("explainKafkaError, @platformatic/kafka's errors", () => {
  const attempts = <T>(n: number, make: () => T) => Array.from({ length: n }, make);

  it("refused on every attempt -> BROKER_UNREACHABLE (connection refused) naming the address", () => {
    const refused = () =>
      new MultipleErrors("Cannot connect to any broker.", [
        new NetworkError("Connection to 10.1.2.3:9094 failed.", {
          cause: sysErr("ECONNREFUSED", "connect ECONNREFUSED 10.1.2.3:9094"),
        }),
      ]);
    const err = new MultipleErrors("metadata failed 6 times.", attempts(6, refused));
    const e = explainKafkaError(err, settings, { during: "connect" });
    expect(e.code).toBe("BROKER_UNREACHABLE");
    expect(e.message).toContain("unreachable at 10.1.2.3:9094 (connection refused)");
    expect(e.brokers).toEqual(["10.1.2.3:9094"]);
  });

  it("SASL on a listener without it, six attempts deep -> AUTH naming the listener, never the password", () => {
    const handshake = () =>
      new MultipleErrors("Cannot connect to any broker.", [
        new NetworkError("Connection to k:9093 failed.", {
          cause: new AuthenticationError("Cannot find a suitable SASL mechanism.", {
            cause: new ResponseError(17, 1, { "/": [34, null] }, undefined),
          }),
        }),
      ]);
    const err = new MultipleErrors("metadata failed 6 times.", attempts(6, handshake));
    const e = explainKafkaError(err, saslSettings, { during: "connect" });
    expect(e.code).toBe("AUTH");
    expect(e.message).toMatch(/^Kafka at k:9093 does not accept SASL plain on this listener/);
    expect(e.message).not.toContain("Sup3rS3cret");
  });

  it("a broker's UNKNOWN_TOPIC_OR_PARTITION answer (apiId) -> TOPIC", () => {
    const err = new MultipleErrors("produce failed 1 times.", [
      new ResponseError(0, 9, { "/responses/0/partitions/0": [3, null] }, undefined),
    ]);
    const e = explainKafkaError(err, settings, { during: "produce" });
    expect(e.code).toBe("TOPIC");
  });
});
