import { TestkitError } from "../errors";
import { launchWatched, signalGroup, tailOf, type WatchedProcess } from "../process/watched";
import { requireJava } from "./java";

export { signalGroup, tailOf };

export type JvmOptions = {
  /** Main class and its arguments. */
  mainClass: string;
  args: string[];
  /** Classpath entries (a directory of jars is given as `dir/*`). */
  classpath: string[];
  /** -Xmx in MiB. */
  heapMiB: number;
  /** stdout and stderr of the JVM go here (appended). */
  logFile: string;
  /** Extra JVM options (-D...). */
  jvmOptions?: string[];
  env?: NodeJS.ProcessEnv;
  /** A temporary directory the watchdog removes once the JVM is gone because its parent died (not for detached). */
  removeWhenOrphaned?: string;
  /**
   * Outlive this process (`pnpm stack up`): no watchdog, stdin ignored, unref'd. Otherwise the JVM dies with this
   * process, however it ends.
   */
  detached?: boolean;
};

export type Jvm = WatchedProcess;

/** Small-footprint defaults: serial GC, C1 only (start-up matters more than peak speed here), no perf data. */
const BASE_OPTS = [
  "-XX:+UseSerialGC",
  "-XX:TieredStopAtLevel=1",
  "-XX:-UsePerfData",
  "-Djava.awt.headless=true",
];

/** A JVM under `launchWatched()`'s watchdog (../process/watched.ts): it dies with this process unless detached. */
export function launchJvm(options: JvmOptions): Jvm {
  const java = requireJava();
  const argv = [
    java,
    `-Xms${Math.min(64, options.heapMiB)}m`,
    `-Xmx${options.heapMiB}m`,
    ...BASE_OPTS,
    ...(options.jvmOptions ?? []),
    "-cp",
    options.classpath.join(":"),
    options.mainClass,
    ...options.args,
  ];
  try {
    return launchWatched({
      argv,
      logFile: options.logFile,
      env: options.env,
      removeWhenOrphaned: options.removeWhenOrphaned,
      detached: options.detached,
    });
  } catch (err) {
    if (err instanceof TestkitError && err.code === "START_FAILED") {
      throw new TestkitError("START_FAILED", `could not start ${options.mainClass} (${java})`);
    }
    throw err;
  }
}
