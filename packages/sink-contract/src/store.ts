/**
 * What names a store and a bucket, shared by the sink's settings and the verifier's flags so both accept the same
 * values: S3 bucket names, http(s) endpoints, and the verifier's "aws" (AWS S3 itself, no custom endpoint).
 */

/** S3 bucket names: 3-63 of lowercase letters, digits, '.', '-', starting and ending with a letter or digit. */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const BUCKET_NAME_HINT = "is not a valid S3 bucket name (3-63 lowercase letters, digits, '.', '-')";

/** An http(s) URL with a host (what `store.url` and the verifier's `--endpoint` take). */
export const STORE_URL = /^https?:\/\/[^\s/?#]+(?:[/?#]\S*)?$/;
export const STORE_URL_HINT = "is not an http(s) URL (e.g. http://localhost:9000)";

/** Kafka topic names (letters, digits, '.', '_', '-'; at most 249). */
export const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

export function isBucketName(name: string): boolean {
  return BUCKET_NAME.test(name);
}

/** True for an http(s) URL that `new URL` accepts too (the pattern alone lets "http://a b" through nothing). */
export function isStoreUrl(url: string): boolean {
  if (!STORE_URL.test(url)) return false;
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

/** An endpoint as users give it: "" or "aws" (any case) mean AWS S3 itself, i.e. no custom endpoint. */
export function endpointOrAws(endpoint: string | undefined): string | undefined {
  if (endpoint === undefined) return undefined;
  const t = endpoint.trim();
  return t === "" || t.toLowerCase() === "aws" ? undefined : endpoint;
}
