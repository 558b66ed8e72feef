import { describe, expect, it } from "vitest";
import { compressionOfKey, encodeRecordLines, readRecordLines } from "../src/body";

describe("object body (JSON lines)", () => {
  it("readRecordLines drops only the final empty line, handles CRLF and empty bodies", () => {
    expect(readRecordLines(Buffer.from("a\nb\n"), "none")).toEqual(["a", "b"]);
    expect(readRecordLines(Buffer.from("a\r\n\nb"), "none")).toEqual(["a", "", "b"]);
    expect(readRecordLines(Buffer.alloc(0), "none")).toEqual([]);
    expect(readRecordLines(encodeRecordLines(["x", "y"], "gzip"), "gzip")).toEqual(["x", "y"]);
    expect(() => readRecordLines(Buffer.from("not gzip"), "gzip")).toThrow();
  });

  it("compressionOfKey follows the extension", () => {
    expect(compressionOfKey("topics/t/partition=0/t+0+0000000000.json.gz")).toBe("gzip");
    expect(compressionOfKey("topics/t/partition=0/t+0+0000000000.json")).toBe("none");
  });
});
