import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/stack.ts", "src/vitest.ts"],
  // the test runner is the caller's (a peer): never bundled
  external: ["vitest"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
});
