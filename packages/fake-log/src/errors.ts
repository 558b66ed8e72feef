import { WeblogError } from "@weblog/errors";

/** Error codes of @weblog/fake-log. */
export type FakeLogErrorCode = "BAD_OPTION";

/**
 * An option (or argument) is invalid. `field` names it (e.g. "rate", "startTime", "batch(n)"); the message is one
 * line saying what was given and what is accepted. Never retriable: fix the input.
 */
export class FakeLogOptionsError extends WeblogError<FakeLogErrorCode> {
  override readonly name = "FakeLogOptionsError";
  readonly field: string;

  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super("BAD_OPTION", message, options);
    this.field = field;
  }
}
