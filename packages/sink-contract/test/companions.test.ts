import { describe, expect, it } from "vitest";
import { headersLine, keyLine } from "../src/companions";
import { companionObjectKey, DEFAULT_KEY_LAYOUT, parseCompanionKey, parseObjectKey } from "../src/keys";
import { loadConnectorConfig } from "../src/load";
import { toConnectorConfig } from "../src/write-back";

const JSON_FORMAT = "io.confluent.connect.s3.format.json.JsonFormat";
const parts = {
  topic: "weblogs",
  encodedPartition: "partition=3",
  kafkaPartition: 3,
  startOffset: 120n,
  compression: "none" as const,
};

describe("companion object keys (Confluent's KeyValueHeaderRecordWriterProvider names)", () => {
  it("puts .keys / .headers before the companion format's extension, beside the value object", () => {
    expect(companionObjectKey(parts, "keys", "none")).toBe(
      "topics/weblogs/partition=3/weblogs+3+0000000120.keys.json",
    );
    expect(companionObjectKey({ ...parts, compression: "gzip" }, "headers", "gzip")).toBe(
      "topics/weblogs/partition=3/weblogs+3+0000000120.headers.json.gz",
    );
    // a Parquet value's companions are JSON lines: the value's extension goes, the companion's comes
    expect(companionObjectKey({ ...parts, parquet: "snappy" }, "keys", "none")).toBe(
      "topics/weblogs/partition=3/weblogs+3+0000000120.keys.json",
    );
  });

  it("parses a companion's key back to its view and value object, and no value key as a companion", () => {
    const key = "topics/weblogs/partition=3/weblogs+3+0000000120.headers.json.gz";
    expect(parseCompanionKey(key)).toEqual({ view: "headers", compression: "gzip", value: parts });
    expect(parseCompanionKey("topics/weblogs/partition=3/weblogs+3+0000000120.json")).toBeNull();
    expect(parseObjectKey(key, DEFAULT_KEY_LAYOUT).ok).toBe(false);
  });
});

describe("companion lines (JsonFormat with StringConverter key and headers)", () => {
  it("writes a key as a JSON string, and no line for a record without one", () => {
    expect(keyLine(Buffer.from("203.0.113.9"))).toBe('"203.0.113.9"');
    expect(keyLine(Buffer.from('a"b\n'))).toBe('"a\\"b\\n"');
    expect(keyLine(null)).toBeNull();
  });

  it("writes headers as Confluent's envelope, repeated names in order, and no line without headers", () => {
    expect(
      headersLine({ source: Buffer.from("edge-1"), trace: [Buffer.from("a"), "b"], empty: undefined }),
    ).toBe(
      '{"headers":[{"key":"source","value":"edge-1"},{"key":"trace","value":"a"},{"key":"trace","value":"b"},{"key":"empty","value":null}]}',
    );
    expect(headersLine({})).toBeNull();
    expect(headersLine(undefined)).toBeNull();
  });
});

describe("store.kafka.keys / store.kafka.headers", () => {
  it("load with JsonFormat companions and write back the same keys", () => {
    const { settings } = loadConnectorConfig({
      "store.kafka.keys": "true",
      "keys.format.class": JSON_FORMAT,
      "store.kafka.headers": "true",
      "headers.format.class": JSON_FORMAT,
    });
    expect(settings).toMatchObject({ storeKafkaKeys: true, storeKafkaHeaders: true, keysFormat: "json" });
    const back = toConnectorConfig(settings);
    expect(back).toMatchObject({
      "store.kafka.keys": "true",
      "keys.format.class": JSON_FORMAT,
      "store.kafka.headers": "true",
      "headers.format.class": JSON_FORMAT,
      "key.converter": "org.apache.kafka.connect.storage.StringConverter",
      "header.converter": "org.apache.kafka.connect.storage.StringConverter",
    });
    // off (the default) writes none of them
    expect(toConnectorConfig(loadConnectorConfig({}).settings)["store.kafka.keys"]).toBeUndefined();
  });

  it("refuses companions for an Iceberg table, naming the key", () => {
    expect(() =>
      loadConnectorConfig({
        "format.class": "iceberg",
        "store.kafka.headers": "true",
        "headers.format.class": JSON_FORMAT,
      }),
    ).toThrow(/^store\.kafka\.headers=true: an Iceberg table has no companion objects/);
  });
});
