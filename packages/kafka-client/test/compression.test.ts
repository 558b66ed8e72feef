import { CompressionTypes } from "kafkajs";
import { describe, expect, it } from "vitest";
import { compressionAvailable, compressionType } from "../src/producer/compression";

describe("compression", () => {
  it("none and gzip are built into kafkajs", () => {
    expect(compressionType("none")).toBe(CompressionTypes.None);
    expect(compressionType("gzip")).toBe(CompressionTypes.GZIP);
    expect(compressionAvailable("gzip")).toBe(true);
  });
  it("a codec kafkajs lacks is a clear BAD_SETTINGS error naming the flag and the usable ones", () => {
    expect(compressionAvailable("snappy")).toBe(false);
    expect(() => compressionType("snappy")).toThrow(
      "--compression: snappy needs a kafkajs codec that is not installed; use one of none, gzip",
    );
    expect(() => compressionType("brotli", "WEBLOG_COMPRESSION")).toThrow(
      "WEBLOG_COMPRESSION: 'brotli' is not one of none, gzip, snappy, lz4, zstd",
    );
  });
});
