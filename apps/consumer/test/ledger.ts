import { type KafkaHandle, type S3Handle, waitFor } from "@weblog/testkit";
import { produce, readObjects, webLogLines } from "./helpers";

export const PARTITIONS = 4;

/** Produced lines per partition, kept in order so S3 can be compared record by record. */
export class Ledger {
  readonly byPartition = new Map<number, string[]>();
  private seed = 100;
  constructor(
    readonly kafka: KafkaHandle,
    readonly topic: string,
  ) {}
  get total() {
    return [...this.byPartition.values()].reduce((n, l) => n + l.length, 0);
  }
  /** `perPartition` new records on every partition. */
  async add(perPartition: number) {
    const lines = webLogLines(perPartition * PARTITIONS, this.seed++);
    const messages = lines.map((value, i) => ({ partition: i % PARTITIONS, value }));
    await produce(this.kafka.bootstrap, this.topic, messages);
    for (const m of messages)
      this.byPartition.set(m.partition, [...(this.byPartition.get(m.partition) ?? []), m.value]);
  }
}

/** Waits until S3 holds at least every produced record of the ledger's topic; returns the objects. */
export async function allInS3(s3: S3Handle, ledger: Ledger, timeoutMs = 40_000) {
  return waitFor(
    `${ledger.total} records in S3`,
    async () => {
      const objects = await readObjects(s3.client(), s3.bucket, ledger.topic);
      return objects.reduce((n, o) => n + o.lines.length, 0) >= ledger.total ? objects : undefined;
    },
    timeoutMs,
  );
}
