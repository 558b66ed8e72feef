import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { TestkitError } from "../errors";

const checked = new Set<string>();

/** `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` on PATH. */
export function javaBinary(): string {
  const home = process.env.JAVA_HOME?.trim();
  return home ? join(home, "bin", "java") : "java";
}

/** The major version in `java -version` output ("17.0.15" -> 17, "1.8.0_402" -> 8), or undefined. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m?.[1]) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] ? Number(m[2]) : first;
}

/**
 * The java binary, checked once per process: present and at least Java 17 (Kafka 4.x's minimum for the broker and
 * Connect). Fails with what was found and the fix.
 */
export function requireJava(): string {
  const bin = javaBinary();
  if (checked.has(bin)) return bin;
  const run = spawnSync(bin, ["-version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    throw new TestkitError(
      "JAVA_MISSING",
      code === "ENOENT"
        ? `java not found (${bin}): install a JDK 17+ (bash scripts/setup.sh does, with apt-get) or set JAVA_HOME`
        : `${bin} -version failed: ${run.error.message}`,
      { cause: run.error },
    );
  }
  const out = `${run.stderr ?? ""}${run.stdout ?? ""}`;
  const major = parseJavaMajor(out);
  if (major === undefined || major < 17) {
    throw new TestkitError(
      "JAVA_MISSING",
      `${bin} is Java ${major ?? "of unknown version"}; Kafka 4.x needs 17+: set JAVA_HOME to a JDK 17+`,
    );
  }
  checked.add(bin);
  return bin;
}
