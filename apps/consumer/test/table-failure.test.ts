import { IcebergError } from "@weblog/iceberg";
import { S3SideError } from "@weblog/s3";
import { describe, expect, it } from "vitest";
import { SinkError } from "../src/sink/errors";
import { tableFatalOr, whatFailed } from "../src/sink/table/failure";

describe("table failures: what failed, and which stop the sink", () => {
  it("names the catalog for an IcebergError, S3 for anything else, a conflict storm as the commit", () => {
    expect(whatFailed(new IcebergError("CATALOG_UNREACHABLE", "down"))).toBe("Iceberg REST catalog");
    expect(whatFailed(new IcebergError("COMMIT_UNKNOWN", "no answer"))).toBe("Iceberg REST catalog");
    expect(whatFailed(new IcebergError("COMMIT_CONFLICT", "moved on"))).toBe("Iceberg commit");
    expect(whatFailed(new S3SideError("UNREACHABLE", "S3 down"))).toBe("S3");
  });

  it("wraps a failure retrying cannot fix as TABLE_FATAL (its cause kept), leaves retriable ones and SinkErrors", () => {
    const incompatible = new IcebergError("INCOMPATIBLE_TABLE", "not the web-log schema");
    const fatal = tableFatalOr(incompatible) as SinkError;
    expect(fatal).toBeInstanceOf(SinkError);
    expect(fatal.code).toBe("TABLE_FATAL");
    expect(fatal.message).toMatch(/Iceberg REST catalog.*not the web-log schema/);
    expect(fatal.cause).toBe(incompatible);
    const down = new IcebergError("CATALOG_UNREACHABLE", "down");
    expect(tableFatalOr(down)).toBe(down);
    const fenced = new SinkError("FENCED", "given up");
    expect(tableFatalOr(fenced)).toBe(fenced);
  });
});
