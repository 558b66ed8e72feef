import { describe, expect, it } from "vitest";
import { kindOfKey } from "../src/fetch";

describe("which keys the query reads", () => {
  it("the sink's value objects, never their companion objects (store.kafka.keys / headers hold no records)", () => {
    expect(kindOfKey("topics/w/partition=0/w+0+0000000000.json")).toBe("json");
    expect(kindOfKey("topics/w/partition=0/w+0+0000000000.json.gz")).toBe("json");
    expect(kindOfKey("topics/w/partition=0/w+0+0000000000.snappy.parquet")).toBe("parquet");
    expect(kindOfKey("topics/w/partition=0/w+0+0000000000.keys.json")).toBeNull();
    expect(kindOfKey("topics/w/partition=0/w+0+0000000000.headers.json.gz")).toBeNull();
  });
});
