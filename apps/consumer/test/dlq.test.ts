import kafkajs, { Kafka, logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import { createDlq, type DeadLetter } from "../src/sink/dlq";
import { dlqRefusalOf, explainDlqRefusal } from "../src/sink/dlq-failure";
import { SinkError } from "../src/sink/errors";

const letter = (offset: number): DeadLetter => ({
  topic: "weblogs",
  partition: offset % 2,
  offset: String(offset),
  key: null,
  value: Buffer.from("not json"),
  reason: "NOT_JSON",
  message: "not JSON",
});

describe("dlq", () => {
  // The DLQ queue is shared by every partition's batch. A batch must not go on to commit past its bad records
  // while they are still inside a send another batch started (and that may fail).
  it("flush() waits for a send another flush started, and fails with it (letters back in the queue)", async () => {
    // A real kafkajs producer that was never connected: kafkajs refuses every send (no broker involved).
    const kafka = new Kafka({ clientId: "dlq-test", brokers: ["127.0.0.1:1"], logLevel: logLevel.NOTHING });
    const dlq = createDlq({ producer: kafka.producer(), topic: "t-dlq", connectorName: "c" });
    dlq.add(letter(1));
    dlq.add(letter(2));
    const first = dlq.flush(); // partition 1's batch takes the whole queue, send in flight
    const second = dlq.flush(); // partition 0's batch: its letter is in that send, the queue is empty
    const results = await Promise.allSettled([first, second]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(dlq.pending).toBe(2);
    expect(dlq.sent).toBe(0);
    // Nothing queued and nothing in flight: resolves at once.
    const empty = createDlq({ producer: kafka.producer(), topic: "t-dlq", connectorName: "c" });
    await expect(empty.flush()).resolves.toBeUndefined();
  });
});

describe("dlq refusals (dlq-failure.ts)", () => {
  // kafkajs's own error classes, shaped as kafkajs throws them (a protocol error inside its retry wrapper).
  // (kafkajs's typings declare the constructor as taking an Error; at run time it reads type/code/retriable from it.)
  const protocol = (type: string, code: number) =>
    new kafkajs.KafkaJSProtocolError(
      Object.assign(new Error(`${type} from the broker`), { type, code, retriable: false }),
    );

  it("names a refusal for good along kafkajs's chain; anything else stays retriable (null)", () => {
    const wrapped = new kafkajs.KafkaJSNumberOfRetriesExceeded(protocol("MESSAGE_TOO_LARGE", 10), {
      retryCount: 5,
      retryTime: 1000,
    });
    expect(dlqRefusalOf(wrapped)).toEqual({ kind: "too-large", type: "MESSAGE_TOO_LARGE" });
    expect(dlqRefusalOf(protocol("TOPIC_AUTHORIZATION_FAILED", 29))?.kind).toBe("unauthorized");
    expect(dlqRefusalOf(protocol("UNKNOWN_TOPIC_OR_PARTITION", 3))?.kind).toBe("missing");
    expect(dlqRefusalOf(protocol("NOT_LEADER_FOR_PARTITION", 6))).toBeNull();
    expect(dlqRefusalOf(new kafkajs.KafkaJSConnectionError("Connection error: ECONNREFUSED"))).toBeNull();
  });

  it("one line naming the record, the limit and the fix", () => {
    const l = letter(7);
    const err = explainDlqRefusal(
      { kind: "too-large", type: "MESSAGE_TOO_LARGE" },
      l,
      2_000_000,
      "t-dlq",
      { exists: true, maxMessageBytes: 1048588 },
      protocol("MESSAGE_TOO_LARGE", 10),
    );
    expect(err).toBeInstanceOf(SinkError);
    expect(err.code).toBe("DLQ_REFUSED");
    expect(err.message).not.toContain("\n");
    expect(err.message).toMatch(
      /^bad record weblogs\/1@7 \(NOT_JSON\) .* 2000000 bytes.*max\.message\.bytes=1048588/,
    );
    expect(err.message).toMatch(/errors\.tolerance=none/);
    const denied = explainDlqRefusal(
      { kind: "unauthorized", type: "TOPIC_AUTHORIZATION_FAILED" },
      l,
      10,
      "t-dlq",
      {},
      protocol("TOPIC_AUTHORIZATION_FAILED", 29),
    );
    expect(denied.message).toMatch(/WRITE .*'t-dlq' \(TOPIC_AUTHORIZATION_FAILED\).*Grant/);
  });
});
