import { mkdir, writeFile } from "node:fs/promises";
import { defineConfig } from "tsup";
import { webLogJsonSchema } from "./src/schema";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  // Ship the JSON Schema as a file too (`@weblog/log-schema/weblog-record.schema.json`) for non-JS tools.
  async onSuccess() {
    await mkdir("dist", { recursive: true });
    await writeFile("dist/weblog-record.schema.json", `${JSON.stringify(webLogJsonSchema, null, 2)}\n`);
  },
});
