import { exitCodeOf } from "@weblog/cli";
import { describe, expect, it } from "vitest";
import { KafkaClientError } from "../src/errors";
import { checkBrokerAddress, describeSettings, loadKafkaSettings } from "../src/settings";

function badSettings(fn: () => unknown): KafkaClientError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KafkaClientError);
    const e = err as KafkaClientError;
    expect(e.code).toBe("BAD_SETTINGS");
    expect(exitCodeOf(e)).toBe(2);
    expect(e.expected).toBe(true);
    expect(e.message).not.toContain("\n");
    return e;
  }
  throw new Error("expected a BAD_SETTINGS error");
}

describe("loadKafkaSettings", () => {
  it("defaults to the compose stack's broker", () => {
    const s = loadKafkaSettings({ env: {} });
    expect(s).toEqual({
      brokers: ["localhost:9092"],
      clientId: "weblog",
      ssl: false,
      connectionTimeoutMs: 3000,
      requestTimeoutMs: 30000,
    });
  });

  it("reads env and lets flags override it", () => {
    const env = { KAFKA_BROKERS: "a:9092, b:9093", KAFKA_CLIENT_ID: "envid", KAFKA_SSL: "true" };
    expect(loadKafkaSettings({ env })).toMatchObject({
      brokers: ["a:9092", "b:9093"],
      clientId: "envid",
      ssl: true,
    });
    const s = loadKafkaSettings({ env, flags: { brokers: "c:1", ssl: false, clientId: "flagid" } });
    expect(s).toMatchObject({ brokers: ["c:1"], clientId: "flagid", ssl: false });
    expect(loadKafkaSettings({ env: {}, flags: { brokers: ["x:1,y:2", "x:1"] } }).brokers).toEqual([
      "x:1",
      "y:2",
    ]);
    expect(loadKafkaSettings({ env: {}, flags: { brokers: "[::1]:9092" } }).brokers).toEqual(["[::1]:9092"]);
  });

  it("names the flag or env variable of a bad broker list and the fix", () => {
    expect(badSettings(() => loadKafkaSettings({ env: {}, flags: { brokers: "localhost" } })).message).toBe(
      "--brokers: 'localhost' has no port; give host:port, e.g. localhost:9092",
    );
    const e = badSettings(() => loadKafkaSettings({ env: { KAFKA_BROKERS: "a:9092,b:99999" } }));
    expect(e.message).toBe("KAFKA_BROKERS: 'b:99999' has port 99999; ports go from 1 to 65535");
    expect(e.field).toBe("KAFKA_BROKERS");
    expect(badSettings(() => loadKafkaSettings({ env: { KAFKA_BROKERS: " , " } })).message).toMatch(
      /^KAFKA_BROKERS: no broker/,
    );
    expect(checkBrokerAddress("PLAINTEXT://h:9092")).toMatch(/has a scheme/);
    expect(checkBrokerAddress("bad host:1")).toMatch(/not host:port/);
    expect(checkBrokerAddress("kafka-1.internal:9092")).toBeUndefined();
  });

  it("suggests '<host>:9092' only when the portless address is a host name", () => {
    expect(checkBrokerAddress("kafka-1.internal")).toBe(
      "'kafka-1.internal' has no port; give host:port, e.g. kafka-1.internal:9092",
    );
    expect(checkBrokerAddress("[::1]")).toBe("'[::1]' has no port; give host:port, e.g. [::1]:9092");
    // Not a host name: suggesting "not a host:9092" would be wrong advice.
    expect(checkBrokerAddress("not a host")).toBe(
      "'not a host' is not host:port (a host name or IP, then :port), e.g. localhost:9092",
    );
    expect(checkBrokerAddress("bad_host!")).not.toContain("bad_host!:9092");
  });

  it("validates KAFKA_SSL and timeouts", () => {
    expect(badSettings(() => loadKafkaSettings({ env: { KAFKA_SSL: "maybe" } })).message).toBe(
      "KAFKA_SSL: 'maybe' is not true or false",
    );
    expect(loadKafkaSettings({ env: { KAFKA_SSL: "0" } }).ssl).toBe(false);
    expect(
      badSettings(() => loadKafkaSettings({ env: {}, flags: { connectionTimeoutMs: "fast" } })).message,
    ).toMatch(/^--connection-timeout-ms: 'fast' must be an integer/);
    expect(loadKafkaSettings({ env: { KAFKA_REQUEST_TIMEOUT_MS: "5000" } }).requestTimeoutMs).toBe(5000);
  });

  it("SASL needs a known mechanism, a username and a password", () => {
    const ok = loadKafkaSettings({
      env: {
        KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
        KAFKA_SASL_USERNAME: "alice",
        KAFKA_SASL_PASSWORD: "hunter2",
      },
    });
    expect(ok.sasl).toEqual({ mechanism: "scram-sha-512", username: "alice", password: "hunter2" });
    expect(badSettings(() => loadKafkaSettings({ env: { KAFKA_SASL_MECHANISM: "gssapi" } })).message).toBe(
      "KAFKA_SASL_MECHANISM: 'gssapi' is not one of plain, scram-sha-256, scram-sha-512",
    );
    expect(
      badSettings(() =>
        loadKafkaSettings({ env: { KAFKA_SASL_MECHANISM: "plain", KAFKA_SASL_PASSWORD: "pw" } }),
      ).message,
    ).toBe("--sasl-username / KAFKA_SASL_USERNAME: SASL plain needs a username");
    const noPw = badSettings(() =>
      loadKafkaSettings({ env: {}, flags: { saslMechanism: "plain", saslUsername: "u" } }),
    );
    expect(noPw.message).toBe("--sasl-password / KAFKA_SASL_PASSWORD: SASL plain needs a password");
    const noMech = badSettings(() =>
      loadKafkaSettings({ env: { KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD: "secretpw" } }),
    );
    expect(noMech.message).toMatch(
      /^--sasl-mechanism \/ KAFKA_SASL_MECHANISM: a SASL username\/password was given/,
    );
    expect(noMech.message).not.toContain("secretpw");
  });
});

describe("describeSettings", () => {
  it("describes everything but the password", () => {
    const s = loadKafkaSettings({
      env: {
        KAFKA_BROKERS: "k1:9093,k2:9093",
        KAFKA_SSL: "true",
        KAFKA_SASL_MECHANISM: "scram-sha-256",
        KAFKA_SASL_USERNAME: "alice",
        KAFKA_SASL_PASSWORD: "hunter2-very-secret",
      },
    });
    const text = describeSettings(s);
    expect(text).toBe("brokers k1:9093,k2:9093, client id weblog, TLS on, SASL scram-sha-256 as alice");
    expect(text).not.toContain("hunter2");
    expect(describeSettings(loadKafkaSettings({ env: {} }))).toBe(
      "brokers localhost:9092, client id weblog, TLS off, no SASL",
    );
  });
});
