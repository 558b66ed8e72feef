import { logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import { kafkajsLogCreator } from "../src/client";

describe("kafkajsLogCreator", () => {
  it("never passes kafkajs's stack traces on, at any level (expected failures are one line; stacks are for bugs)", () => {
    const seen: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
    const at =
      (level: string) =>
      (fields: object, msg?: string): void => {
        seen.push({ level, fields: fields as Record<string, unknown>, msg: msg ?? "" });
      };
    const logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
    const log = kafkajsLogCreator(logger as never)(logLevel.DEBUG);
    const stack =
      "Error: connect ECONNREFUSED 127.0.0.1:1\n    at TCPConnectWrap.afterConnect (node:net:1611:16)";
    log({
      namespace: "Connection",
      level: logLevel.ERROR,
      label: "ERROR",
      log: {
        timestamp: "t",
        logger: "kafkajs",
        message: "Connection error: connect ECONNREFUSED",
        broker: "127.0.0.1:1",
        stack,
      },
    });
    log({
      namespace: "Runner",
      level: logLevel.ERROR,
      label: "ERROR",
      log: { timestamp: "t", logger: "kafkajs", message: "something odd", stack },
    });
    expect(seen).toHaveLength(2);
    for (const s of seen) {
      expect(JSON.stringify(s)).not.toContain("    at ");
      expect(s.fields).not.toHaveProperty("stack");
    }
    expect(seen[0]?.fields).toMatchObject({ broker: "127.0.0.1:1", kafkajs: "error" });
  });

  it("an error answer kafkajs also throws to the caller is debug, not a warning before the one-line error", () => {
    const seen: { level: string; msg: string }[] = [];
    const at = (level: string) => (_fields: object, msg?: string) => seen.push({ level, msg: msg ?? "" });
    const logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
    const log = kafkajsLogCreator(logger as never)(logLevel.DEBUG);
    const entry = (message: string, error: string) => ({
      namespace: "Connection",
      level: logLevel.ERROR,
      label: "ERROR",
      log: { timestamp: "t", logger: "kafkajs", message, broker: "b:1", error },
    });
    log(
      entry(
        "Response Metadata(key: 3, version: 6)",
        "The request attempted to perform an operation on an invalid topic",
      ),
    );
    log(
      entry(
        "Response SaslHandshake(key: 17, version: 1)",
        "Request is not valid given the current SASL state",
      ),
    );
    log({
      namespace: "",
      level: logLevel.WARN,
      label: "WARN",
      log: {
        timestamp: "t",
        logger: "kafkajs",
        message:
          'KafkaJS v2.0.0 switched default partitioner. To retain the same partitioning behavior as in previous versions, create the producer with the option "createPartitioner: Partitioners.LegacyPartitioner".',
      },
    });
    log(entry("something odd", "no idea"));
    expect(seen.map((s) => s.level)).toEqual(["debug", "debug", "debug", "warn"]);
  });
});
