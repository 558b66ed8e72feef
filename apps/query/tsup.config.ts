import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/main.ts"],
  format: ["esm"],
  sourcemap: true,
  clean: true,
  target: "node20",
  banner: { js: "#!/usr/bin/env node" },
  // DuckDB is a native addon (prebuilt .node file from npm): loaded from node_modules, never bundled.
  external: ["@duckdb/node-api"],
});
