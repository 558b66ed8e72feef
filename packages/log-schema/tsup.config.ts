import { mkdir, writeFile } from "node:fs/promises";
import { defineConfig, type Options } from "tsup";
import { webLogJsonSchema } from "./src/schema";

const common: Options = {
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  target: "node20",
};

export default defineConfig([
  {
    ...common,
    entry: ["src/index.ts"],
    clean: true,
    // Ship the JSON Schema as a file too (`@weblog/log-schema/weblog-record.schema.json`) for non-JS tools.
    async onSuccess() {
      await mkdir("dist", { recursive: true });
      await writeFile("dist/weblog-record.schema.json", `${JSON.stringify(webLogJsonSchema, null, 2)}\n`);
    },
  },
  {
    // `@weblog/log-schema/format`: the encoders alone, without TypeBox, for small bundles (fake-log's CLI).
    // A separate build so its .d.ts is self-contained (no shared declaration chunk).
    ...common,
    entry: ["src/format.ts"],
    clean: false,
  },
]);
