import { CompressionTypes } from "kafkajs";
import { describe, expect, it } from "vitest";
import { compressionAvailable, compressionType } from "../src/producer/compression";

describe("compression", () => {
  it("none and gzip are built into kafkajs; snappy is registered by this package", () => {
    expect(compressionType("none")).toBe(CompressionTypes.None);
    expect(compressionType("gzip")).toBe(CompressionTypes.GZIP);
    expect(compressionType("snappy")).toBe(CompressionTypes.Snappy);
    expect(compressionAvailable("gzip")).toBe(true);
    expect(compressionAvailable("snappy")).toBe(true);
  });
  it("a codec kafkajs lacks is a clear BAD_SETTINGS error naming the flag and the usable ones", () => {
    expect(compressionAvailable("lz4")).toBe(false);
    expect(compressionAvailable("zstd")).toBe(false);
    expect(() => compressionType("lz4")).toThrow(
      "--compression: lz4 needs a kafkajs codec that is not installed; use one of none, gzip, snappy",
    );
    expect(() => compressionType("brotli", "WEBLOG_COMPRESSION")).toThrow(
      "WEBLOG_COMPRESSION: 'brotli' is not one of none, gzip, snappy, lz4, zstd",
    );
  });
});
