import { defineConfig } from "tsup";

// ESM only: hyparquet and hyparquet-writer are ES modules.
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
});
