/**
 * The one base of every error weblog throws. A domain names its failures as a string union (`KafkaErrorCode`,
 * `S3ErrorCode`, `SinkErrorCode`, ...) and extends `WeblogError<ItsCode>`:
 *
 * - `code`: what went wrong, machine-readable, one union per domain;
 * - `retriable`: whether trying the same thing again may succeed (the domain decides, usually per code);
 * - `expected`: the failure was foreseen and its message is one line naming the cause and the fix (true unless
 *   told otherwise); anything thrown that is not an expected WeblogError is a bug;
 * - `cause`: the error this one explains (the SDK's, the network's, another WeblogError), walked by `causes()`.
 *
 * Libraries never decide how a process ends: the code -> exit-code table lives only in `@weblog/cli`'s `runMain`.
 */

/** Set on every WeblogError so `isWeblogError` holds even across two loaded copies of this package (ESM + CJS). */
const BRAND = Symbol.for("@weblog/errors.WeblogError");

export interface WeblogErrorOptions {
  /** The error this one explains. */
  cause?: unknown;
  /** Default: false (the domain passes its own rule). */
  retriable?: boolean;
  /** Default: true; false marks a failure that should be reported as a bug (with its stack). */
  expected?: boolean;
}

export class WeblogError<Code extends string = string> extends Error {
  override name = "WeblogError";
  readonly code: Code;
  readonly retriable: boolean;
  readonly expected: boolean;

  constructor(code: Code, message: string, opts: WeblogErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.retriable = opts.retriable ?? false;
    this.expected = opts.expected ?? true;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** The type guard every package uses instead of looking for an `expected` or `code` property. */
export function isWeblogError(err: unknown): err is WeblogError {
  return err instanceof WeblogError || (typeof err === "object" && err !== null && BRAND in err);
}

/** A WeblogError whose failure was foreseen (one line, no stack). */
export function isExpectedError(err: unknown): err is WeblogError {
  return isWeblogError(err) && err.expected;
}
