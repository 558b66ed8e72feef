/**
 * The cost of store.kafka.keys / store.kafka.headers (issue 24): the sink on the same records (each with a key and
 * two headers) with the keys off (the common case, the baseline), keys on, and keys + headers on. Each companion is
 * one more object per value object, uploaded before it, so the cost is mostly PUTs and their latency. Two rounds of
 * every leg (the machine is shared): each leg's faster run.
 */
import { createFakeLog } from "@weblog/fake-log";
import { ensureTopic } from "@weblog/kafka-client";
import { encode } from "@weblog/log-schema";
import type { SinkSettings } from "@weblog/sink-contract";
import type { KafkaHandle } from "@weblog/testkit";
import { kafkaOf, PARTITIONS, uid } from "./legs";

export type CompanionLeg = (
  topic: string,
  n: number,
  extra: Partial<SinkSettings>,
) => Promise<{ ms: number; objects: number }>;

async function produceWithKeys(h: KafkaHandle, topic: string, lines: string[]) {
  await ensureTopic(kafkaOf(h), { topic, partitions: PARTITIONS });
  const producer = kafkaOf(h).producer();
  await producer.connect();
  try {
    for (let i = 0; i < lines.length; i += 2000) {
      await producer.send({
        topic,
        acks: -1,
        messages: lines.slice(i, i + 2000).map((value, j) => ({
          partition: (i + j) % PARTITIONS,
          value,
          key: `10.0.${(i + j) % 256}.${(i + j) % 251}`,
          headers: { source: "edge-1", "trace-id": `t-${i + j}` },
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Rows: leg, records/s, objects written, ratio to the keys-off leg of the same run. */
export async function companionRows(h: KafkaHandle, n: number, sinkLeg: CompanionLeg): Promise<string[][]> {
  const topic = `bench-companions-${uid()}`;
  const lines = createFakeLog({ seed: 24 })
    .batch(n)
    .map((r) => encode(r));
  await produceWithKeys(h, topic, lines);
  const legs: [string, Partial<SinkSettings>][] = [
    ["sink, keys off", {}],
    ["sink, store.kafka.keys", { storeKafkaKeys: true, keysFormat: "json" }],
    [
      "sink, store.kafka.keys + headers",
      { storeKafkaKeys: true, keysFormat: "json", storeKafkaHeaders: true, headersFormat: "json" },
    ],
  ];
  const best = new Map<string, { ms: number; objects: number }>();
  for (let round = 0; round < 2; round++) {
    for (const [name, extra] of legs) {
      const r = await sinkLeg(topic, n, extra);
      const prev = best.get(name);
      if (!prev || r.ms < prev.ms) best.set(name, r);
    }
  }
  const rate = (ms: number) => n / (ms / 1000);
  const off = best.get("sink, keys off") as { ms: number };
  return legs.map(([name, extra]) => {
    const r = best.get(name) as { ms: number; objects: number };
    const companions = (extra.storeKafkaKeys ? 1 : 0) + (extra.storeKafkaHeaders ? 1 : 0);
    return [
      name,
      Math.round(rate(r.ms)).toLocaleString("en-US"),
      `${r.objects} + ${r.objects * companions}`,
      (rate(r.ms) / rate(off.ms)).toFixed(2),
    ];
  });
}
