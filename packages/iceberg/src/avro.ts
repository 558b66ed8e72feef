/**
 * Avro object container files, the format of Iceberg manifests and manifest lists, through avsc's types.
 *
 * The container framing (magic, metadata, sync marker, blocks) is written here rather than by avsc's BlockEncoder
 * stream for two reasons: Iceberg readers resolve columns by the `field-id` attributes of the writer's schema, which
 * avsc's types do not keep (the header carries the schema JSON exactly as given), and every Avro `long` (snapshot
 * ids are random 63-bit numbers) must be a bigint, which needs avsc's type registry. Synchronous and whole-buffer:
 * manifests are small.
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";
import avro from "avsc";
import { IcebergError } from "./errors";

/** `long` as bigint, both ways (avsc's default refuses values beyond 2^53). */
const BigLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (n: unknown) => BigInt(n as string),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === "bigint",
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

/** An avsc type for `schema` whose longs are bigints. */
export function avroType(schema: object): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, { registry: { long: BigLong } });
}

const HEADER = avro.Type.forSchema({
  type: "record",
  name: "org.apache.avro.file.Header",
  fields: [
    { name: "magic", type: { type: "fixed", name: "Magic", size: 4 } },
    { name: "meta", type: { type: "map", values: "bytes" } },
    { name: "sync", type: { type: "fixed", name: "Sync", size: 16 } },
  ],
});
const MAGIC = Buffer.from("Obj\x01", "latin1");
const LONG = avro.Type.forSchema("long");

/**
 * One container file: `schema` (written to the header as given, field ids included), `metadata` (Iceberg's
 * key-value properties), the records in one deflate block.
 */
export function encodeAvroFile(
  schema: object,
  metadata: Record<string, string>,
  records: readonly unknown[],
): Buffer {
  const type = avroType(schema);
  const sync = Buffer.from(Array.from({ length: 16 }, () => Math.floor(Math.random() * 256)));
  const meta: Record<string, Buffer> = {
    "avro.schema": Buffer.from(JSON.stringify(schema)),
    "avro.codec": Buffer.from("deflate"),
  };
  for (const [k, v] of Object.entries(metadata)) meta[k] = Buffer.from(v);
  const parts: Buffer[] = [HEADER.toBuffer({ magic: MAGIC, meta, sync })];
  if (records.length > 0) {
    const block = deflateRawSync(Buffer.concat(records.map((r) => type.toBuffer(r))));
    parts.push(LONG.toBuffer(records.length), LONG.toBuffer(block.length), block, sync);
  }
  return Buffer.concat(parts);
}

export type AvroFile = { metadata: Record<string, string>; records: Record<string, unknown>[] };

/** A container file (null or deflate codec, as Java's writers produce) -> its metadata and records. */
export function decodeAvroFile(body: Buffer, what: string): AvroFile {
  try {
    const head = HEADER.decode(body, 0) as {
      value: { magic: Buffer; meta: Record<string, Buffer>; sync: Buffer };
      offset: number;
    };
    if (head.offset < 0 || !head.value.magic.equals(MAGIC)) throw new Error("not an Avro container file");
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(head.value.meta)) metadata[k] = v.toString("utf8");
    const codec = metadata["avro.codec"] ?? "null";
    if (codec !== "null" && codec !== "deflate") throw new Error(`Avro codec ${codec} is not supported`);
    const type = avroType(JSON.parse(metadata["avro.schema"] ?? "null"));
    const records: Record<string, unknown>[] = [];
    let pos = head.offset;
    while (pos < body.length) {
      const count = LONG.decode(body, pos) as { value: number; offset: number };
      const size = LONG.decode(body, count.offset) as { value: number; offset: number };
      const raw = body.subarray(size.offset, size.offset + size.value);
      const data = codec === "deflate" ? inflateRawSync(raw) : raw;
      let at = 0;
      for (let i = 0; i < count.value; i++) {
        const rec = type.decode(data, at) as { value: Record<string, unknown>; offset: number };
        if (rec.offset < 0) throw new Error("truncated block");
        records.push(rec.value);
        at = rec.offset;
      }
      pos = size.offset + size.value + 16;
    }
    return { metadata, records };
  } catch (err) {
    throw new IcebergError("BAD_METADATA", `${what} is not a readable Avro file: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
