/**
 * The speed-ups in patches/kafkajs@2.2.4.patch (see the README, "kafkajs patch") change how kafkajs computes, never
 * what it writes: the record batch CRC is still CRC-32C, the grouping still puts each message on its partitioner's
 * partition in call order. (Every produce test against the broker also holds the CRC: the broker rejects a batch
 * whose CRC is wrong with CORRUPT_MESSAGE.)
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const crc32C = require("kafkajs/src/protocol/recordBatch/crc32C/crc32C.js") as (b: Buffer) => number;
const groupMessagesPerPartition = require("kafkajs/src/producer/groupMessagesPerPartition.js") as (a: {
  topic: string;
  partitionMetadata: { partitionId: number }[];
  messages: { value: string; partition?: number }[];
  partitioner: (a: { message: { value: string; partition?: number } }) => number;
}) => Record<number, { value: string }[]>;
interface KafkajsEncoder {
  writeVarIntBytes(v: string): KafkajsEncoder;
  writeUVarInt(v: number): KafkajsEncoder;
  writeVarInt(v: number): KafkajsEncoder;
  buffer: Buffer;
}
const Encoder = require("kafkajs/src/protocol/encoder.js") as new (size?: number) => KafkajsEncoder;

/** The textbook bitwise CRC-32C (reflected polynomial 0x82F63B78): slow and obviously right. */
function bitwiseCrc32C(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Deterministic pseudo-random bytes of any length (no Math.random: a failure reproduces). */
function bytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let block = Buffer.alloc(0);
  for (let i = 0; i < n; i++) {
    if (i % 32 === 0) block = createHash("sha256").update(`${seed}:${i}`).digest();
    out[i] = block[i % 32] as number;
  }
  return out;
}

describe("patched kafkajs", () => {
  it("crc32C is CRC-32C: the standard check value and the bitwise definition at every length mod 8", () => {
    expect(crc32C(Buffer.from("123456789"))).toBe(0xe3069283);
    expect(crc32C(Buffer.alloc(0))).toBe(0);
    for (let n = 1; n <= 70; n++) expect(crc32C(bytes(n, n))).toBe(bitwiseCrc32C(bytes(n, n)));
    const big = bytes(100_003, 7);
    expect(crc32C(big)).toBe(bitwiseCrc32C(big));
  });

  it("groupMessagesPerPartition keeps every message, on its partition, in call order", () => {
    const messages = Array.from({ length: 1000 }, (_, i) => ({ value: `m${i}`, partition: (i * 7) % 3 }));
    const groups = groupMessagesPerPartition({
      topic: "t",
      partitionMetadata: [{ partitionId: 0 }, { partitionId: 1 }, { partitionId: 2 }],
      messages,
      partitioner: ({ message }) => message.partition as number,
    });
    expect(Object.keys(groups)).toEqual(["0", "1", "2"]);
    for (const p of [0, 1, 2]) {
      expect(groups[p]?.map((m) => m.value)).toEqual(
        messages.filter((m) => m.partition === p).map((m) => m.value),
      );
    }
    expect(
      groupMessagesPerPartition({ topic: "t", partitionMetadata: [], messages, partitioner: () => 0 }),
    ).toEqual({});
  });

  it("an Encoder's buffer holds only what was written (its memory is not zero-filled)", () => {
    for (const size of [1, 16, 511, 5000]) {
      const e = new Encoder(size);
      e.writeVarIntBytes("x".repeat(600));
      expect(e.buffer.length).toBe(2 + 600); // varint 600 = 2 bytes
      expect(e.buffer.subarray(2).toString()).toBe("x".repeat(600));
    }
  });

  it("varints are LEB128 as before (unsigned, and zig-zag for signed), written into the buffer in place", () => {
    expect([...new Encoder(1).writeUVarInt(0).buffer]).toEqual([0]);
    expect([...new Encoder(1).writeUVarInt(300).buffer]).toEqual([0xac, 0x02]);
    expect([...new Encoder(1).writeUVarInt(0xffffffff).buffer]).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect([...new Encoder(1).writeVarInt(-1).buffer]).toEqual([0x01]);
    expect([...new Encoder(1).writeVarInt(-65).buffer]).toEqual([0x81, 0x01]);
    const e = new Encoder(2);
    for (let i = 0; i < 100; i++) e.writeUVarInt(2 ** 28 + i); // 5 bytes each, the buffer grows 2 -> 512 bytes
    expect(e.buffer.length).toBe(500);
    expect([...e.buffer.subarray(495)]).toEqual([0x80 + 99, 0x80, 0x80, 0x80, 0x01]);
  });
});
