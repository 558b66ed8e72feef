import { existsSync } from "node:fs";
import { join } from "node:path";
import { TestkitError } from "../errors";
import { cacheDir, SETUP_HINT } from "../local/paths";

/** Pinned S3Proxy release (org.gaul:s3proxy on Maven Central), installed by infra/local/s3/setup.sh. */
export const S3PROXY_VERSION = "4.1.0";

/**
 * The directory holding S3Proxy's jars (for `java -cp DIR/*`). Throws a TestkitError that names the fix when the
 * install is missing or was interrupted (setup.sh writes `.complete` last).
 */
export function resolveS3Proxy(): { libDir: string; mainClass: string } {
  const home = join(cacheDir(), `s3proxy-${S3PROXY_VERSION}`);
  const libDir = join(home, "lib");
  if (!existsSync(join(home, ".complete")) || !existsSync(join(libDir, `s3proxy-${S3PROXY_VERSION}.jar`))) {
    throw new TestkitError(
      "NOT_INSTALLED",
      `local S3 server (S3Proxy ${S3PROXY_VERSION}) is not installed in ${home}: ${SETUP_HINT}`,
    );
  }
  return { libDir, mainClass: "org.gaul.s3proxy.Main" };
}
