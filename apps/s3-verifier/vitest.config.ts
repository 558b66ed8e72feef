import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // s3rver (the test S3 here, in the test process) builds ListObjectsV2 continuation tokens with DES, which
    // OpenSSL 3 only provides with the legacy provider; without it every truncated listing page is a 500.
    execArgv: ["--openssl-legacy-provider"],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
