import { CommanderError } from "commander";
import { FakeLogOptionsError } from "../errors";
import { createFakeLog, type FakeLog, type FakeMessage } from "../generator";
import { realtime } from "../realtime";
import { buildProgram, type CliIo, FLAG_OF, type Flags, optionsOf } from "./program";

export type { CliIo };

interface Budget {
  count: number;
  bytes: number;
  /** Stop at the first message delivered at or after this log time (epoch ms). */
  until: number;
}

/** Counts stdout going away (EPIPE: e.g. piped to `head`) as a normal end. */
function watchClose(out: NodeJS.WritableStream): { closed: () => boolean; done: () => void } {
  let closed = false;
  const onError = (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED") closed = true;
    else throw err;
  };
  out.on("error", onError);
  return {
    closed: () => closed,
    // Keep swallowing a late EPIPE from the last write.
    done: () => {
      if (!closed) out.off("error", onError);
    },
  };
}

async function drain(out: NodeJS.WritableStream): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = () => {
      out.off("drain", done);
      out.off("close", done);
      out.off("error", done);
      resolve();
    };
    out.on("drain", done);
    out.on("close", done);
    out.on("error", done);
  });
}

const NEWLINE = Buffer.from("\n");

/** Appends one message as a line; returns its byte length. Bytes values (invalid UTF-8) go out as they are. */
function addLine(parts: (string | Uint8Array)[], m: FakeMessage, countBytes: boolean): number {
  const v = m.value ?? "";
  if (typeof v === "string") {
    parts.push(`${v}\n`);
    return countBytes ? Buffer.byteLength(v) + 1 : 0;
  }
  parts.push(v, NEWLINE);
  return v.length + 1;
}

function flushParts(out: NodeJS.WritableStream, parts: (string | Uint8Array)[]): boolean {
  if (parts.length === 0) return true;
  const ok = parts.every((p) => typeof p === "string")
    ? out.write(parts.join(""))
    : out.write(Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : p))));
  parts.length = 0;
  return ok;
}

/** Write messages within the budget, with backpressure. Returns the bytes written. */
async function writeAll(
  out: NodeJS.WritableStream,
  next: () => Promise<FakeMessage | undefined>,
  budget: Budget,
  chunk: number,
  countBytes: boolean,
) {
  const watch = watchClose(out);
  let bytes = 0;
  let written = 0;
  let late = 0;
  const bad: Record<string, number> = {};
  const incidents: Record<string, number> = {};
  try {
    const parts: (string | Uint8Array)[] = [];
    outer: while (written < budget.count && !watch.closed()) {
      for (let i = 0; i < chunk && written < budget.count; i++) {
        const m = await next();
        if (m === undefined || m.deliveredAt >= budget.until) break outer;
        const before = parts.length;
        const size = addLine(parts, m, countBytes);
        if (countBytes && bytes + size > budget.bytes) {
          parts.length = before;
          break outer;
        }
        bytes += size;
        written++;
        if (m.delayMs > 0) late++;
        if (m.bad !== undefined) bad[m.bad] = (bad[m.bad] ?? 0) + 1;
        if (m.incident !== undefined) incidents[m.incident] = (incidents[m.incident] ?? 0) + 1;
      }
      if (!flushParts(out, parts)) await drain(out);
    }
    flushParts(out, parts);
  } finally {
    watch.done();
  }
  return { written, bytes, late, bad, incidents };
}

/** Run the CLI; resolves to the exit code (0 ok, 2 bad usage). Never prints a stack for bad input. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const errors: string[] = [];
  const args = argv[0] === "--" ? argv.slice(1) : [...argv];
  const program = buildProgram(io, errors);
  const fail = (message: string): number => {
    io.stderr.write(`fake-log: ${message.replace(/\s*\n\s*/g, " ").trim()} (see fake-log --help)\n`);
    return 2;
  };
  try {
    program.parse(args, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return 0;
      return fail(errors.join(" ") || err.message);
    }
    throw err;
  }
  const flags = program.opts<Flags>();
  if (flags.badKinds?.includes("tombstone")) {
    return fail(
      "error: option '--bad-kinds': tombstone is a null Kafka value, stdout cannot carry it (use the producer's --bad-kinds)",
    );
  }
  if (flags.speed !== undefined && !(flags.speed > 0)) {
    return fail(
      `error: option '--speed': must be a number > 0 (log seconds per wall second), got ${flags.speed}`,
    );
  }
  let log: FakeLog;
  try {
    log = createFakeLog(optionsOf(flags));
  } catch (err) {
    if (err instanceof FakeLogOptionsError) {
      const flag = FLAG_OF[err.field] ?? (err.field.startsWith("incidents[") ? "--incident" : err.field);
      return fail(`error: option '${flag}': ${err.message}`);
    }
    throw err;
  }
  const limited = flags.bytes !== undefined || flags.duration !== undefined;
  const budget: Budget = {
    count: flags.count ?? (limited ? Number.POSITIVE_INFINITY : 10),
    bytes: flags.bytes ?? Number.POSITIVE_INFINITY,
    until:
      flags.duration === undefined ? Number.POSITIVE_INFINITY : log.options.startTime + flags.duration * 1000,
  };
  let result: Awaited<ReturnType<typeof writeAll>>;
  const countBytes = flags.bytes !== undefined || flags.summary === true;
  if (flags.speed === undefined) {
    result = await writeAll(io.stdout, async () => log.message(), budget, 512, countBytes);
  } else {
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    const it = realtime(log, { speed: flags.speed, signal: controller.signal });
    try {
      result = await writeAll(
        io.stdout,
        async () => (await it.next()).value ?? undefined,
        budget,
        1,
        countBytes,
      );
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      await it.return(undefined);
    }
  }
  if (flags.summary) {
    const summary = {
      records: result.written,
      bytes: result.bytes,
      late: result.late,
      bad: Object.values(result.bad).reduce((a, b) => a + b, 0),
      badKinds: result.bad,
      incidents: result.incidents,
      seed: log.seed,
      start: new Date(log.options.startTime).toISOString(),
    };
    io.stderr.write(`${JSON.stringify(summary)}\n`);
  }
  return 0;
}
