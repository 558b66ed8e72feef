import { causes, redactUrlPasswords, WeblogError } from "@weblog/errors";

/**
 * Every failure on the S3 side, as one error type with a string-union `code` (@weblog/cli's runMain decides the
 * exit code a code ends a run with: the user's to fix (2) or the run's (1)).
 *
 * - `BUCKET_MISSING`: the bucket does not exist at the endpoint.
 * - `ACCESS_DENIED`: credentials wrong or not allowed. The message names the endpoint, never the secret.
 * - `UNREACHABLE`: nothing answers at the endpoint (connection refused, DNS, timeout). Retriable.
 * - `THROTTLED`: SlowDown / 503 / 429. Retriable.
 * - `SERVER`: other 5xx / InternalError, or an error without an HTTP status we cannot classify. Retriable.
 * - `NOT_FOUND`: the object (key) does not exist (NoSuchKey). Not retriable.
 * - `REQUEST`: any other 4xx: the request itself is wrong (e.g. InvalidArgument); or the server does not implement
 *   the request (501 NotImplemented, 405 MethodNotAllowed: an S3-compatible server without that operation, see
 *   `isNotImplemented`). Not retriable.
 *
 * No message carries a URL's password (`redactUrlPasswords`, applied to every S3SideError's message).
 */
export type S3ErrorCode =
  | "BUCKET_MISSING"
  | "ACCESS_DENIED"
  | "UNREACHABLE"
  | "THROTTLED"
  | "SERVER"
  | "NOT_FOUND"
  | "REQUEST";

const RETRIABLE: Record<S3ErrorCode, boolean> = {
  BUCKET_MISSING: false,
  ACCESS_DENIED: false,
  UNREACHABLE: true,
  THROTTLED: true,
  SERVER: true,
  NOT_FOUND: false,
  REQUEST: false,
};

export class S3SideError extends WeblogError<S3ErrorCode> {
  override readonly name = "S3SideError";

  constructor(code: S3ErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, redactUrlPasswords(message), { cause: options.cause, retriable: RETRIABLE[code] });
  }
}

export interface S3ErrorContext {
  bucket: string;
  endpoint?: string | undefined;
  /** Set when the failed request was a HeadBucket, whose 404 carries no error code. */
  head?: "bucket";
}

interface SdkLikeError {
  name?: string;
  Code?: string;
  code?: string;
  errno?: string | number;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  cause?: unknown;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "TimeoutError",
  "RequestTimeout",
]);

/** The first network error code (ECONNREFUSED, TimeoutError ...) along the cause chain. */
function networkCode(err: unknown): string | undefined {
  for (const e of causes(err) as SdkLikeError[]) {
    for (const candidate of [e.code, e.name, typeof e.errno === "string" ? e.errno : undefined]) {
      if (candidate !== undefined && NETWORK_CODES.has(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * Describes where we talked to, for messages and logs: the custom endpoint (a password in it masked:
 * `http://user:***@host`), or "AWS S3" when none.
 */
export function describeEndpoint(endpoint: string | undefined): string {
  return endpoint && endpoint.length > 0
    ? redactUrlPasswords(endpoint)
    : "AWS S3 (default endpoint for the region)";
}

const NOT_IMPLEMENTED_NAMES = new Set(["NotImplemented", "MethodNotAllowed"]);

/**
 * True when S3 answered that it does not implement the request: HTTP 501 (NotImplemented) or 405
 * (MethodNotAllowed), anywhere along the cause chain. An S3-compatible server without an operation (s3rver and
 * some gateways lack ListMultipartUploads) answers so every time: retrying cannot help.
 */
export function isNotImplemented(err: unknown): boolean {
  for (const e of causes(err) as SdkLikeError[]) {
    const status = e.$metadata?.httpStatusCode;
    if (status === 501 || status === 405) return true;
    if (NOT_IMPLEMENTED_NAMES.has(e.name ?? e.Code ?? "")) return true;
  }
  return false;
}

/**
 * A bucket that existed when the run started and is gone now (`BUCKET_MISSING` from a request mid-run) gets its own
 * line: it vanished while running, and objects the run already committed may be gone with it. Any other error is
 * returned unchanged.
 */
export function bucketVanished(err: S3SideError, ctx: S3ErrorContext): S3SideError {
  if (err.code !== "BUCKET_MISSING") return err;
  return new S3SideError(
    "BUCKET_MISSING",
    `bucket '${ctx.bucket}' at ${describeEndpoint(ctx.endpoint)} vanished while the sink was running (it existed at start): objects already committed to it may be gone; check the bucket's history before trusting the offsets committed, recreate it (or set S3_BUCKET) and start again`,
    { cause: err },
  );
}

/**
 * Turns whatever the AWS SDK (or the network) threw into an `S3SideError` with a one-line message that names the
 * bucket / endpoint and the fix. Never includes credentials. An `S3SideError` passes through unchanged.
 */
export function explainS3Error(err: unknown, ctx: S3ErrorContext): S3SideError {
  if (err instanceof S3SideError) return err;
  const e = (err ?? {}) as SdkLikeError;
  const where = describeEndpoint(ctx.endpoint);
  const name = e.name ?? e.Code ?? "";
  const status = e.$metadata?.httpStatusCode;

  const net = networkCode(err);
  if (net !== undefined) {
    return new S3SideError(
      "UNREACHABLE",
      `S3 endpoint ${where} is unreachable (${net}): start it with \`docker compose up -d\` or set S3_ENDPOINT`,
      { cause: err },
    );
  }
  // A HEAD has no error body: HeadBucket's 404 says only "NotFound"; checkBucket passes `head: "bucket"`.
  if (name === "NoSuchBucket" || (ctx.head === "bucket" && status === 404)) {
    return new S3SideError(
      "BUCKET_MISSING",
      `bucket '${ctx.bucket}' does not exist at ${where}: create it (docker compose up creates 'weblogs') or set S3_BUCKET`,
      { cause: err },
    );
  }
  if (
    name === "InvalidAccessKeyId" ||
    name === "SignatureDoesNotMatch" ||
    name === "AccessDenied" ||
    name === "Forbidden" ||
    name === "InvalidToken" ||
    name === "ExpiredToken" ||
    name === "CredentialsProviderError" ||
    status === 403
  ) {
    const why =
      name === "CredentialsProviderError"
        ? "no credentials found"
        : name === "AccessDenied" || name === "Forbidden" || (status === 403 && name === "")
          ? "access denied"
          : `credentials rejected (${name || status})`;
    return new S3SideError(
      "ACCESS_DENIED",
      `S3 at ${where} refused bucket '${ctx.bucket}': ${why}; set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or an AWS profile) for this endpoint`,
      { cause: err },
    );
  }
  if (isNotImplemented(err)) {
    return new S3SideError(
      "REQUEST",
      `S3 at ${where} does not implement this request (${name || "NotImplemented"}, HTTP ${status ?? "?"}) for bucket '${ctx.bucket}': an S3-compatible server without this operation; not retried`,
      { cause: err },
    );
  }
  if (
    name === "SlowDown" ||
    name === "Throttling" ||
    name === "ThrottlingException" ||
    status === 503 ||
    status === 429
  ) {
    return new S3SideError(
      "THROTTLED",
      `S3 at ${where} is throttling requests (${name || status}); retrying`,
      {
        cause: err,
      },
    );
  }
  if ((status !== undefined && status >= 500) || name === "InternalError" || name === "ServiceUnavailable") {
    return new S3SideError(
      "SERVER",
      `S3 at ${where} failed with ${name || "a server error"} (HTTP ${status ?? "?"})`,
      {
        cause: err,
      },
    );
  }
  const detail = (e.message ?? String(err)).split("\n")[0];
  if (name === "NoSuchKey" || (status === 404 && name !== "NoSuchBucket")) {
    return new S3SideError(
      "NOT_FOUND",
      `object not found in bucket '${ctx.bucket}' at ${where}: ${name || "404"}`,
      { cause: err },
    );
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return new S3SideError(
      "REQUEST",
      `S3 at ${where} rejected a request for bucket '${ctx.bucket}': ${name || `HTTP ${status}`}: ${detail}`,
      { cause: err },
    );
  }
  return new S3SideError(
    "SERVER",
    `S3 request to ${where} failed for bucket '${ctx.bucket}': ${name || "error"}: ${detail}`,
    { cause: err },
  );
}

/**
 * S3's refusal of a read for its SSE-C key: `missing` (400 InvalidRequest "The object was stored using a form of
 * Server Side Encryption. The correct parameters must be provided to retrieve the object.") or `wrong` (a key was
 * sent: 403 AccessDenied, "The calculated MD5 hash of the key did not match the hash that was provided." or 400 on
 * a HEAD); null for any other error.
 */
export function sseCustomerKeyRefusal(err: unknown, keySent: boolean): "missing" | "wrong" | null {
  const e = (err ?? {}) as SdkLikeError;
  const status = e.$metadata?.httpStatusCode;
  const text = `${e.name ?? e.Code ?? ""} ${e.message ?? ""}`;
  if (!keySent && status === 400 && /Server Side Encryption|customer[- ]provided|SSE-?C/i.test(text))
    return "missing";
  if (
    keySent &&
    (status === 403 || status === 400) &&
    /MD5 hash of the key|customer|encryption key/i.test(text)
  )
    return "wrong";
  return null;
}

/**
 * The one line for a read S3 refused for its SSE-C key (see sseCustomerKeyRefusal), naming `hint` (how a user
 * gives the key, e.g. "--sse-customer-key"), never the key; null when `err` is not such a refusal.
 */
export function explainSseCustomerKeyRefusal(
  err: unknown,
  o: { bucket: string; key: string; keySent: boolean; hint?: string | undefined },
): S3SideError | null {
  const refusal = sseCustomerKeyRefusal(err, o.keySent);
  if (refusal === null) return null;
  const how = o.hint ?? "the SSE-C key it was written with";
  return new S3SideError(
    "REQUEST",
    refusal === "missing"
      ? `${o.key} in bucket '${o.bucket}' is encrypted with a customer key (SSE-C): S3 returns it only with that key; give it with ${how}`
      : `${o.key} in bucket '${o.bucket}': S3 refused the SSE-C key given (not the key the object was written with); give the right one with ${how}`,
    { cause: err },
  );
}
