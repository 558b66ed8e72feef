/**
 * Errors a command-line tool expects (bad flag, broker unreachable, bucket missing...) carry `expected: true`:
 * `runMain` prints their message as one line and exits with their `exitCode` (2 unless told), without a stack.
 */

/** A bad flag or argument. The message names the flag and the fix, on one line. */
export class UsageError extends Error {
  readonly exitCode = 2;
  readonly expected = true;
  override readonly name = "UsageError";
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts?.cause === undefined ? undefined : { cause: opts.cause });
  }
}

/** Any other failure the user can fix (unreachable service, missing bucket, ...). */
export class ExpectedError extends Error {
  readonly exitCode: number;
  readonly expected = true;
  override readonly name = "ExpectedError";
  constructor(message: string, opts?: { exitCode?: number; cause?: unknown }) {
    super(message, opts?.cause === undefined ? undefined : { cause: opts.cause });
    this.exitCode = opts?.exitCode ?? 2;
  }
}

/**
 * Not a failure: the command has already printed what it had to (e.g. `--help`, `--version`) and wants to exit
 * with `exitCode` without another word.
 */
export class CliExit extends Error {
  readonly expected = true;
  readonly silent = true;
  override readonly name = "CliExit";
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

export interface ExpectedErrorLike {
  message: string;
  expected: true;
  exitCode?: number;
  silent?: boolean;
}

/** True for any error object that declares itself expected (ours, kafka-client's, s3's ...). */
export function isExpectedError(err: unknown): err is Error & ExpectedErrorLike {
  return typeof err === "object" && err !== null && (err as { expected?: unknown }).expected === true;
}

/** An error's message as a single line (newlines and runs of spaces collapsed). */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, " ").trim();
}
