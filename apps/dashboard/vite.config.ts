import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The page: preact with JSX compiled by vite's own esbuild (no plugin), bundled into dist/web with its assets, so
// nothing is fetched from a CDN at run time.
export default defineConfig({
  root: fileURLToPath(new URL("./src/web", import.meta.url)),
  base: "./",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: fileURLToPath(new URL("./dist/web", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 200,
  },
});
