import { existsSync } from "node:fs";
import { join } from "node:path";
import { TestkitError } from "../errors";
import { cacheDir, SETUP_HINT } from "../local/paths";

/** Apache Iceberg release of the local REST catalog (infra/local/iceberg/pom.xml's iceberg.version). */
export const ICEBERG_VERSION = "1.10.0";

/**
 * The local Iceberg REST catalog's classpath (its jars + the compiled launcher), installed by
 * infra/local/iceberg/fetch.sh. Throws NOT_INSTALLED naming the fix when it is missing or was interrupted.
 */
export function resolveIcebergRest(): { classpath: string[]; mainClass: string } {
  const home = join(cacheDir(), "iceberg-rest");
  const lib = join(home, "lib");
  const classes = join(home, "classes");
  if (
    !existsSync(join(home, ".complete")) ||
    !existsSync(join(classes, "Launcher.class")) ||
    !existsSync(join(lib, `iceberg-core-${ICEBERG_VERSION}-tests.jar`))
  ) {
    throw new TestkitError(
      "NOT_INSTALLED",
      `local Iceberg REST catalog (Apache Iceberg ${ICEBERG_VERSION}) is not installed in ${home}: ${SETUP_HINT}`,
    );
  }
  return { classpath: [classes, join(lib, "*")], mainClass: "Launcher" };
}
