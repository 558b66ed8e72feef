/**
 * The command line's own failures. Like every weblog error they extend `WeblogError`; `runMain` prints an expected
 * one as one line and picks the exit code from its code (`exit-codes.ts`), without a stack.
 */
import { WeblogError } from "@weblog/errors";

/**
 * - `USAGE`: a bad flag or argument (exit 2);
 * - `ENVIRONMENT`: something the user fixes outside the command line: a service unreachable, a bucket missing, a
 *   build missing (exit 2);
 * - `FAILED`: the run itself failed (a child process exited non-zero, a delivery deadline passed) (exit 1);
 * - `EXIT`: not a failure, see `CliExit`.
 */
export type CliErrorCode = "USAGE" | "ENVIRONMENT" | "FAILED" | "EXIT";

/** A bad flag or argument. The message names the flag and the fix, on one line. */
export class UsageError extends WeblogError<"USAGE"> {
  override readonly name = "UsageError";
  constructor(message: string, opts?: { cause?: unknown }) {
    super("USAGE", message, opts);
  }
}

/** Any other failure the user can fix (`ENVIRONMENT`, the default), or a failed run (`FAILED`). */
export class ExpectedError extends WeblogError<"ENVIRONMENT" | "FAILED"> {
  override readonly name = "ExpectedError";
  constructor(message: string, opts?: { code?: "ENVIRONMENT" | "FAILED"; cause?: unknown }) {
    super(opts?.code ?? "ENVIRONMENT", message, opts);
  }
}

/**
 * Not a failure: the command has already printed what it had to (e.g. `--help`, `--version`) and wants to exit
 * with `exitCode` without another word. (The one error that carries a number: it is the command line's own.)
 */
export class CliExit extends WeblogError<"EXIT"> {
  override readonly name = "CliExit";
  readonly silent = true;
  constructor(readonly exitCode: number) {
    super("EXIT", `exit ${exitCode}`);
  }
}

/** An error's message as a single line (newlines and runs of spaces collapsed). */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, " ").trim();
}
