/** `--foo-bar` / `foo-bar` / `FOO_BAR` -> `WEBLOG_FOO_BAR`: the env variable an app flag is also read from. */
export function envName(flag: string): string {
  const bare = flag.replace(/^-+/, "");
  if (!/^[a-zA-Z][a-zA-Z0-9_-]*$/.test(bare)) throw new TypeError(`envName: not a flag name: ${flag}`);
  return `WEBLOG_${bare.replace(/-/g, "_").toUpperCase()}`;
}

/**
 * The value of the env variable behind a flag: `envFlag("rate")` -> `process.env.WEBLOG_RATE` (undefined when unset
 * or empty). With commander prefer `new Option("--rate <n>").env(envName("rate"))`, which also names the variable in
 * error messages.
 */
export function envFlag(flag: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[envName(flag)];
  return value === undefined || value === "" ? undefined : value;
}
