import { defineConfig } from "tsup";

/**
 * The published package is standalone: @weblog/log-schema and @weblog/errors (private, workspace-only),
 * @faker-js/faker and commander are bundled in (the bundled WeblogError still passes @weblog/errors' `isWeblogError`,
 * which checks a `Symbol.for` brand rather than the class identity), so it has no runtime dependencies and the faker version that shapes seeded output is fixed
 * by the build (determinism across installs). Tree-shaking keeps only faker's en locale.
 */
const bundled = [
  "@weblog/log-schema",
  "@weblog/log-schema/format",
  "@weblog/errors",
  "@faker-js/faker",
  "commander",
];

export default defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: { resolve: ["@weblog/log-schema", "@weblog/log-schema/format", "@weblog/errors"] },
    sourcemap: false,
    clean: true,
    target: "node20",
    noExternal: bundled,
  },
  {
    entry: ["src/cli.ts"],
    format: ["esm"],
    // commander is CommonJS and require()s node builtins: give the ESM bundle a real `require`.
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);',
    },
    sourcemap: false,
    target: "node20",
    noExternal: bundled,
  },
]);
