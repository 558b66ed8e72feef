import { Kafka, logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import { createDlq, type DeadLetter } from "../src/sink/dlq";

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
