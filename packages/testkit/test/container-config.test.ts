import { describe, expect, it } from "vitest";
import { KAFKA_IMAGE, kafkaContainerEnv } from "../src/kafka/container";
import { MINIO_IMAGE } from "../src/s3/minio-container";

// The Docker backends cannot run on a machine without an engine; this checks the broker configuration they use
// is self-consistent, so a typo in a listener name fails here rather than as a broker that never starts.
function listeners(value: string | undefined): Map<string, string> {
  return new Map(
    (value ?? "").split(",").map((entry) => {
      const [name, rest] = entry.split("://");
      return [name as string, rest as string];
    }),
  );
}

describe("apache/kafka container configuration", () => {
  const env = kafkaContainerEnv("127.0.0.1", 45678);

  it("advertises the client listener as exactly the published host:port", () => {
    expect(listeners(env.KAFKA_ADVERTISED_LISTENERS).get("PLAINTEXT")).toBe("127.0.0.1:45678");
    expect(listeners(env.KAFKA_LISTENERS).get("PLAINTEXT")).toBe("0.0.0.0:9092");
  });

  it("maps every listener to a protocol and never advertises the controller", () => {
    const protocols = listeners(env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP?.replaceAll(":", "://"));
    for (const name of listeners(env.KAFKA_LISTENERS).keys()) expect(protocols.has(name)).toBe(true);
    const advertised = listeners(env.KAFKA_ADVERTISED_LISTENERS);
    expect(advertised.has(env.KAFKA_CONTROLLER_LISTENER_NAMES as string)).toBe(false);
    expect(advertised.has(env.KAFKA_INTER_BROKER_LISTENER_NAME as string)).toBe(true);
  });

  it("runs KRaft combined with a single voter on the controller listener's port", () => {
    expect(env.KAFKA_PROCESS_ROLES).toBe("broker,controller");
    const controllerPort = listeners(env.KAFKA_LISTENERS).get("CONTROLLER")?.split(":")[1];
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${env.KAFKA_NODE_ID}@localhost:${controllerPort}`);
    expect(env.CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe("1");
  });

  it("pins the images", () => {
    expect(KAFKA_IMAGE).toMatch(/^apache\/kafka:\d+\.\d+\.\d+$/);
    expect(MINIO_IMAGE).toMatch(/^minio\/minio:RELEASE\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
  });
});
