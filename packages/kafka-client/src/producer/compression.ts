import type { CompressionTypes as CompressionType } from "kafkajs";
import SnappyCodec from "kafkajs-snappy";
import { KafkaClientError } from "../errors";
import { CompressionCodecs, CompressionTypes } from "../kafkajs";

/**
 * kafkajs ships gzip only. Snappy (pure JS, kafkajs-snappy) is registered here, once, when this package loads, so
 * producers can send it and consumers can read snappy batches written by other clients (kcat, Connect, Java).
 * lz4/zstd codecs need native code or worker threads and are not installed.
 */
(CompressionCodecs as Record<number, unknown>)[CompressionTypes.Snappy] = SnappyCodec;

export const COMPRESSIONS = ["none", "gzip", "snappy", "lz4", "zstd"] as const;
export type CompressionName = (typeof COMPRESSIONS)[number];

const TYPES: Record<CompressionName, CompressionType> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/** True when kafkajs can encode this compression now (gzip is built in; others need a codec registered). */
export function compressionAvailable(name: CompressionName): boolean {
  if (name === "none") return true;
  const factory = (CompressionCodecs as Record<number, (() => unknown) | undefined>)[TYPES[name]];
  if (!factory) return false;
  try {
    factory();
    return true;
  } catch {
    return false;
  }
}

/**
 * The kafkajs CompressionTypes for a name, or a BAD_SETTINGS error naming the flag when kafkajs has no codec for it
 * (gzip is built in, snappy is registered above; lz4/zstd are not available).
 */
export function compressionType(name: string, field = "--compression"): CompressionType {
  if (!(COMPRESSIONS as readonly string[]).includes(name)) {
    throw new KafkaClientError(
      "BAD_SETTINGS",
      `${field}: '${name}' is not one of ${COMPRESSIONS.join(", ")}`,
      {
        field,
      },
    );
  }
  const n = name as CompressionName;
  if (!compressionAvailable(n)) {
    const usable = COMPRESSIONS.filter(compressionAvailable).join(", ");
    throw new KafkaClientError(
      "BAD_SETTINGS",
      `${field}: ${n} needs a kafkajs codec that is not installed; use one of ${usable}`,
      { field },
    );
  }
  return TYPES[n];
}
