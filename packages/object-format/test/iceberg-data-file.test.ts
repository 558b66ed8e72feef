import { createFakeLog } from "@weblog/fake-log";
import { encode } from "@weblog/log-schema";
import { parquetMetadata } from "hyparquet";
import { describe, expect, it } from "vitest";
import { decodeObjectBody, encodeIcebergDataFile } from "../src/index";

const lines = createFakeLog({ seed: 7 })
  .batch(500)
  .map((r) => encode(r));

describe("encodeIcebergDataFile", () => {
  it("writes Iceberg's field ids 1-6 and a microsecond UTC timestamp, and keeps every record", async () => {
    const body = await encodeIcebergDataFile(lines, "snappy");
    const meta = parquetMetadata(Uint8Array.from(body).buffer);
    const columns = meta.schema.slice(1);
    expect(columns.map((c) => [c.name, c.field_id])).toEqual([
      ["ip", 1],
      ["timestamp", 2],
      ["method", 3],
      ["url", 4],
      ["status_code", 5],
      ["user_agent", 6],
    ]);
    expect(columns[1]?.logical_type).toEqual({ type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" });
    expect(await decodeObjectBody(body, { format: "parquet", codec: "snappy" })).toEqual(lines);
  });
});
