import { defineConfig } from "tsup";

// The server (Node). The page (src/web) is built by vite into dist/web, which this must not clean.
export default defineConfig({
  entry: ["src/server/main.ts"],
  format: ["esm"],
  sourcemap: true,
  clean: false,
  target: "node20",
  banner: { js: "#!/usr/bin/env node" },
});
