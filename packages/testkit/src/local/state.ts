import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "./paths";

/** One server `pnpm stack up` started: what `status` checks and `down` stops. */
export type StackServer = {
  name: "kafka" | "s3" | "iceberg" | "connect";
  /** What it is, for humans: "Apache Kafka 4.1.1 (KRaft)". */
  what: string;
  /** Process group to signal (the JVM or the S3 server leads its own group). */
  pgid: number;
  /** Address: host:port for Kafka, a URL for the others. */
  address: string;
  dir: string;
  logFile: string;
  /** Kafka Connect's group.id: a worker started again in it finds its connectors and their offsets. */
  groupId?: string;
};

export type StackState = { startedAt: string; servers: StackServer[]; env: Record<string, string> };

/** Where `pnpm stack` keeps its servers' data and its state file: <cache>/stack. */
export function stackDir(): string {
  return join(cacheDir(), "stack");
}

function stateFile(): string {
  return join(stackDir(), "state.json");
}

export function readState(): StackState | undefined {
  const file = stateFile();
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as StackState;
  } catch {
    return undefined;
  }
}

export function writeState(state: StackState): void {
  mkdirSync(stackDir(), { recursive: true });
  writeFileSync(stateFile(), `${JSON.stringify(state, null, 2)}\n`);
}

export function clearState(): void {
  rmSync(stateFile(), { force: true });
}

/** Is a process group still alive (signal 0 to the group)? */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
