import { existsSync } from "node:fs";
import { join } from "node:path";
import { TestkitError } from "../errors";
import { cacheDir } from "../local/paths";

/** Pinned moto release (PyPI `moto[server]`), installed in a venv of its own by infra/local/moto/setup.sh. */
export const MOTO_VERSION = "5.2.6";

/**
 * The venv's Python that runs moto's server (`python -m moto.server`). Throws a TestkitError that names the fix
 * when the install is missing or was interrupted (setup.sh writes `.complete` last).
 */
export function resolveMoto(): { python: string; home: string } {
  const home = join(cacheDir(), `moto-${MOTO_VERSION}`);
  const python = join(home, "bin", "python3");
  if (!existsSync(join(home, ".complete")) || !existsSync(python)) {
    throw new TestkitError(
      "NOT_INSTALLED",
      `local S3 server (moto ${MOTO_VERSION}) is not installed in ${home}: run \`bash scripts/setup.sh\` (makes its venv once with pip)`,
    );
  }
  return { python, home };
}
