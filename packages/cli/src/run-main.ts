import { isExpectedError } from "@weblog/errors";
import { CommanderError } from "commander";
import { fromCommanderError } from "./command";
import { CliExit, oneLine } from "./errors";
import { exitCodeOf } from "./exit-codes";
import { redactText } from "./redact";

export interface RunMainOptions {
  /** Defaults to process.argv.slice(2). */
  argv?: string[];
  /** Defaults to flushing stdout/stderr then process.exit. */
  exit?: (code: number) => void;
  /** Defaults to process.stderr. */
  stderr?: { write(chunk: string): unknown };
}

function flushAndExit(code: number): void {
  let pending = 2;
  const done = () => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
  setTimeout(() => process.exit(code), 2000).unref(); // never hang on a stuck pipe
}

/**
 * The entry point of every app: strips a leading "--" (pnpm passes it through), runs `main`, exits with its code
 * (0 when it returns nothing).
 * - An expected `WeblogError` (UsageError, ExpectedError, KafkaClientError, S3SideError, SinkError, a commander
 *   parse error ...) prints "<name>: <message>" as one line on stderr and exits with the code `exit-codes.ts` gives
 *   its code (2 for bad input); never a stack, at any WEBLOG_LOG_LEVEL. `CliExit` (after --help) exits silently.
 * - Anything else is a bug: "<name>: unexpected error" plus the stack, exit 1.
 * Returns a promise that settles after the exit function was called (useful with an injected `exit`).
 */
export function runMain(
  name: string,
  // biome-ignore lint/suspicious/noConfusingVoidType: an async main may just return nothing (exit 0)
  main: (argv: string[]) => Promise<number | undefined | void> | number | undefined | void,
  opts: RunMainOptions = {},
): Promise<void> {
  const argv = [...(opts.argv ?? process.argv.slice(2))];
  if (argv[0] === "--") argv.shift();
  const exit = opts.exit ?? flushAndExit;
  const stderr = opts.stderr ?? process.stderr;
  return Promise.resolve()
    .then(() => main(argv))
    .then(
      (code) => exit(typeof code === "number" ? code : 0),
      (caught: unknown) => {
        const err = caught instanceof CommanderError ? fromCommanderError(caught) : caught;
        if (err instanceof CliExit) {
          exit(err.exitCode);
          return;
        }
        if (isExpectedError(err)) {
          // Never a stack, at any log level: the line names the cause and the fix; a stack is for bugs.
          // ... and never a URL's password, whichever package wrote the message (the shared rule, redact.ts).
          stderr.write(`${name}: ${oneLine(redactText(err.message))}\n`);
          exit(exitCodeOf(err));
          return;
        }
        const detail = caught instanceof Error ? (caught.stack ?? caught.message) : String(caught);
        stderr.write(`${name}: unexpected error (a bug; please report it)\n${detail}\n`);
        exit(1);
      },
    );
}
