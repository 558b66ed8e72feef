import { WeblogError } from "@weblog/errors";

export type TestkitErrorCode =
  | "NO_KAFKA_BACKEND"
  | "NO_S3_BACKEND"
  | "KCAT_NOT_FOUND"
  | "KCAT_FAILED"
  | "MOCK_START_FAILED"
  | "CONTAINER_START_FAILED"
  | "NOT_INSTALLED"
  | "JAVA_MISSING"
  | "START_FAILED"
  | "S3_START_FAILED"
  | "UNSUPPORTED"
  | "TIMEOUT"
  | "INVALID_OPTION";

/** Every failure of the harness: one line that says what is missing and how to get it. */
export class TestkitError extends WeblogError<TestkitErrorCode> {
  override readonly name = "TestkitError";

  constructor(code: TestkitErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export const KCAT_MISSING_HINT =
  "kcat not found: apt-get install kcat, or set KAFKA_BROKERS, or start Docker";
