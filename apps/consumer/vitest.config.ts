import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // One file at a time: each starts a broker, an S3 server and sink processes on a small shared machine.
    fileParallelism: false,
  },
});
