import { existsSync, readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { validate, WEB_LOG_FIELDS, webLogJsonSchema } from "../src/index";

describe("webLogJsonSchema", () => {
  it("is plain JSON (no TypeBox symbols) with every field required", () => {
    expect(JSON.parse(JSON.stringify(webLogJsonSchema))).toEqual(webLogJsonSchema);
    expect(Object.getOwnPropertySymbols(webLogJsonSchema)).toEqual([]);
    expect(webLogJsonSchema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(webLogJsonSchema.required).toEqual([...WEB_LOG_FIELDS]);
    expect(webLogJsonSchema.additionalProperties).toBe(false);
  });

  it("compiles in Ajv strict mode and agrees with validate() on good and bad records", () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    const check = ajv.compile(webLogJsonSchema);
    const base = {
      ip: "192.0.2.1",
      timestamp: "2024-02-29T10:00:00.000Z",
      method: "HEAD",
      url: "/a?b=c",
      status_code: 304,
      user_agent: "Googlebot/2.1",
    };
    const variants: Record<string, unknown>[] = [
      base,
      { ...base, ip: "::ffff:10.0.0.1" },
      { ...base, ip: "10.0.0.256" },
      { ...base, timestamp: "2023-02-29T10:00:00.000Z" },
      { ...base, method: "FETCH" },
      { ...base, url: "/a b" },
      { ...base, status_code: 600 },
      { ...base, status_code: 200.5 },
      { ...base, user_agent: "" },
      { ...base, more: 1 },
    ];
    for (const v of variants) expect(check(v), JSON.stringify(v)).toBe(validate(v).ok);
  });

  it("is written to dist/weblog-record.schema.json by the build", (ctx) => {
    const file = new URL("../dist/weblog-record.schema.json", import.meta.url);
    // turbo runs the build before the tests; a bare `vitest run` on an unbuilt package says so instead of passing
    if (!existsSync(file)) ctx.skip("dist/ not built: run `pnpm --filter @weblog/log-schema build` first");
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(webLogJsonSchema);
  });
});
