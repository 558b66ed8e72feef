import { GenericContainer, getContainerRuntimeClient, Wait } from "testcontainers";
import { TestkitError } from "../errors";
import { freePort } from "../ports";
import type { KafkaHandle } from "./types";

/** Pinned: apache/kafka (official image, KRaft combined broker+controller). */
export const KAFKA_IMAGE = "apache/kafka:4.1.1";

const CLIENT_PORT = 9092; // PLAINTEXT listener, published on a fixed free host port
const CONTROLLER_PORT = 9093;
const BROKER_PORT = 9094; // inter-broker listener, only used inside the container

/**
 * The broker's configuration (apache/kafka turns KAFKA_* variables into server.properties): clients use PLAINTEXT
 * on 9092, published as `host:hostPort` and advertised as exactly that; BROKER (inter-broker) and CONTROLLER stay
 * inside the container.
 */
export function kafkaContainerEnv(host: string, hostPort: number): Record<string, string> {
  return {
    CLUSTER_ID: "4L6g3nShT-eMCtK--X86sw",
    KAFKA_NODE_ID: "1",
    KAFKA_PROCESS_ROLES: "broker,controller",
    KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${CLIENT_PORT},CONTROLLER://0.0.0.0:${CONTROLLER_PORT},BROKER://0.0.0.0:${BROKER_PORT}`,
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${hostPort},BROKER://localhost:${BROKER_PORT}`,
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,BROKER:PLAINTEXT",
    KAFKA_INTER_BROKER_LISTENER_NAME: "BROKER",
    KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
    KAFKA_CONTROLLER_QUORUM_VOTERS: `1@localhost:${CONTROLLER_PORT}`,
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
    KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: "1",
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
    KAFKA_AUTO_CREATE_TOPICS_ENABLE: "true",
    KAFKA_NUM_PARTITIONS: "4",
    KAFKA_LOG_DIRS: "/tmp/kraft-combined-logs",
  };
}

/**
 * A single-node Apache Kafka in KRaft mode. The client listener is published on a host port chosen free up front
 * and advertised as exactly that `host:port`, so the address kafkajs learns from metadata is reachable from the
 * host (the usual trap with a random mapped port). Auto topic creation on, 4 partitions by default (like the
 * mock), replication factor 1 for the internal topics.
 */
export async function startKafkaContainer(): Promise<KafkaHandle> {
  const runtime = await getContainerRuntimeClient();
  // "localhost" can resolve to ::1 first on Node 20; the published port is surely on 127.0.0.1
  const runtimeHost = runtime.info.containerRuntime.host;
  const host = runtimeHost === "localhost" ? "127.0.0.1" : runtimeHost;
  const hostPort = await freePort();
  let container: Awaited<ReturnType<GenericContainer["start"]>>;
  try {
    container = await new GenericContainer(KAFKA_IMAGE)
      .withExposedPorts({ container: CLIENT_PORT, host: hostPort })
      .withEnvironment(kafkaContainerEnv(host, hostPort))
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .withStartupTimeout(120_000)
      .start();
  } catch (err) {
    throw new TestkitError(
      "CONTAINER_START_FAILED",
      `could not start ${KAFKA_IMAGE} on host port ${hostPort}: ${(err as Error).message?.split("\n")[0]}`,
      { cause: err },
    );
  }
  const bootstrap = `${host}:${hostPort}`;
  let stopping: Promise<void> | undefined;
  return {
    bootstrap,
    brokers: [bootstrap],
    backend: "testcontainers",
    server: `${KAFKA_IMAGE} (KRaft, container)`,
    stop() {
      stopping ??= container.stop().then(() => undefined);
      return stopping;
    },
  };
}
