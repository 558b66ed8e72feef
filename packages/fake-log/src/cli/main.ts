import type { WebLogRecord } from "@weblog/log-schema";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { version } from "../../package.json";
import { encode, formatCombined } from "../encoders";
import { FakeLogOptionsError } from "../errors";
import { createFakeLog } from "../generator";
import { DEFAULT_OPTIONS, type FakeLogOptions } from "../options";

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Which flag sets which option, to name the flag in error messages. */
const FLAG_OF: Record<string, string> = {
  seed: "--seed",
  startTime: "--start",
  rate: "--rate",
  jitter: "--jitter",
  visitors: "--visitors",
  ipv6Share: "--ipv6-share",
  botShare: "--bot-share",
};

const integer =
  (min: number) =>
  (text: string): number => {
    const n = Number(text);
    if (text.trim() === "" || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected an integer >= ${min}, got ${JSON.stringify(text)}`);
    }
    return n;
  };
const anyInteger = (text: string): number => {
  const n = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected an integer, got ${JSON.stringify(text)}`);
  }
  return n;
};
const number = (text: string): number => {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) {
    throw new InvalidArgumentError(`expected a number, got ${JSON.stringify(text)}`);
  }
  return n;
};

function buildProgram(io: CliIo, errors: string[]): Command {
  return new Command("fake-log")
    .description("Print realistic fake web-access log records (NDJSON or Apache combined format) to stdout.")
    .version(version, "-V, --version")
    .option("-n, --count <n>", "records to print", integer(0), 10)
    .option("-s, --seed <n>", "seed: same seed + same flags = same output (default: random)", anyInteger)
    .addOption(new Option("-f, --format <format>", "output format").choices(["json", "clf"]).default("json"))
    .option("-r, --rate <n>", "records per second of log time", number, DEFAULT_OPTIONS.rate)
    .option(
      "--start <time>",
      "timestamp of the first record, ISO-8601 (default: now; with --seed: 2026-01-01T00:00:00Z, so a seed alone reproduces the output)",
    )
    .option("--jitter <0-1>", "0 = evenly spaced, 1 = Poisson arrivals", number, DEFAULT_OPTIONS.jitter)
    .option("--visitors <n>", "distinct clients (10-1000000)", integer(0), DEFAULT_OPTIONS.visitors)
    .option("--ipv6-share <0-1>", "share of visitors with IPv6 addresses", number, DEFAULT_OPTIONS.ipv6Share)
    .option("--bot-share <0-1>", "share of records from bots", number, DEFAULT_OPTIONS.botShare)
    .addHelpText(
      "after",
      "\nExamples:\n  fake-log --count 5 --seed 42\n  fake-log -n 1000000 --format clf --rate 500 --start 2026-11-25T06:00:00Z > access.log",
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => errors.push(text),
      outputError: (text) => errors.push(text),
    });
}

/** Write `count` records with backpressure. Resolves false if stdout closed early (EPIPE: e.g. piped to `head`). */
async function writeRecords(
  out: NodeJS.WritableStream,
  next: () => WebLogRecord,
  count: number,
  format: (r: WebLogRecord) => string,
): Promise<boolean> {
  let closed = false;
  const onError = (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED") closed = true;
    else throw err;
  };
  out.on("error", onError);
  try {
    const CHUNK = 512;
    for (let written = 0; written < count && !closed; ) {
      const n = Math.min(CHUNK, count - written);
      let text = "";
      for (let i = 0; i < n; i++) text += `${format(next())}\n`;
      written += n;
      if (!out.write(text)) {
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
    }
  } finally {
    // Keep swallowing a late EPIPE from the last write.
    if (!closed) out.off("error", onError);
  }
  return !closed;
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
  const flags = program.opts<{
    count: number;
    seed?: number;
    format: "json" | "clf";
    rate: number;
    start?: string;
    jitter: number;
    visitors: number;
    ipv6Share: number;
    botShare: number;
  }>();
  const options: FakeLogOptions = {
    rate: flags.rate,
    jitter: flags.jitter,
    visitors: flags.visitors,
    ipv6Share: flags.ipv6Share,
    botShare: flags.botShare,
    ...(flags.seed === undefined ? {} : { seed: flags.seed }),
    ...(flags.start === undefined ? {} : { startTime: flags.start }),
  };
  let log: ReturnType<typeof createFakeLog>;
  try {
    log = createFakeLog(options);
  } catch (err) {
    if (err instanceof FakeLogOptionsError) {
      return fail(`error: option '${FLAG_OF[err.field] ?? err.field}': ${err.message}`);
    }
    throw err;
  }
  await writeRecords(io.stdout, log.next, flags.count, flags.format === "clf" ? formatCombined : encode);
  return 0;
}
