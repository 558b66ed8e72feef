import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { TestkitError } from "../errors";

/** The Apache Kafka release the local stack runs: infra/local/pom.xml's kafka.version (a test keeps them equal). */
export const KAFKA_VERSION = "4.1.1";

/** Where fetched jars and plugins live, outside the repo: `WEBLOG_CACHE_DIR`, else ~/.cache/weblog. */
export function cacheDir(): string {
  return process.env.WEBLOG_CACHE_DIR?.trim() || join(homedir(), ".cache", "weblog");
}

/** The fix every "not installed" error names. */
export const SETUP_HINT = "run `bash scripts/setup.sh` (fetches them once with mvn)";

/**
 * The directory holding Kafka's jars (broker + Connect runtime), checked: fails with the path and the fix when
 * infra/local/fetch.sh has not run (its stamp file marks a complete fetch).
 */
export function kafkaLibsDir(version = KAFKA_VERSION): string {
  const home = join(cacheDir(), `kafka-${version}`);
  const libs = join(home, "libs");
  const complete = existsSync(join(home, ".complete")) && existsSync(libs);
  if (!complete || !readdirSync(libs).some((f) => f.startsWith(`kafka_2.13-${version}`))) {
    throw new TestkitError(
      "NOT_INSTALLED",
      `Apache Kafka ${version} jars not found in ${libs}: ${SETUP_HINT}`,
    );
  }
  return libs;
}
