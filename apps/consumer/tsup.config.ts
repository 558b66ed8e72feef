import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/main.ts"],
  format: ["esm"],
  sourcemap: true,
  clean: true,
  target: "node20",
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __weblogCreateRequire } from 'node:module'; const require = __weblogCreateRequire(import.meta.url);",
  },
  // kafkajs is CommonJS: bundling it (and @weblog/kafka-client, which imports its values by name) lets esbuild do
  // the interop, so plain `node dist/main.js` works whatever the ESM/CJS detection of kafkajs says.
  noExternal: ["kafkajs", "@weblog/kafka-client"],
  // kafka-client's batching producer loads its client (@platformatic/kafka) on first use, which the consumer never
  // makes: left out of the bundle (its WebAssembly helper reads a file beside its own module).
  external: ["@platformatic/kafka"],
});
