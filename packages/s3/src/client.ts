/**
 * The one way to build an S3 client for the sink, the verifier and tests.
 *
 * Credentials: explicit ones if given; otherwise the AWS SDK default chain (env, profile, SSO, IMDS, ...). Only when
 * the endpoint is on this machine (localhost / 127.0.0.1 / ::1) and no AWS credentials are set in the environment
 * do we fall back to MinIO's dev credentials minioadmin/minioadmin, so `docker compose up` + our apps work with
 * no setup, and a real AWS endpoint never sees a made-up key.
 */
import { HeadBucketCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { explainS3Error } from "./errors";

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3ClientOptions {
  /** `store.url`: a custom endpoint (MinIO, S3Proxy). Absent = AWS S3 for the region. */
  endpoint?: string | undefined;
  region: string;
  credentials?: S3Credentials | undefined;
  /** A provider (assume-role, ./credentials.ts); wins over `credentials`. */
  credentialProvider?: S3ClientConfig["credentials"] | undefined;
  /** `s3.path.style.access.enabled` (MinIO, S3Proxy need it). */
  pathStyle: boolean;
  /** SDK attempts per request (default 3); callers add their own backoff on top for long outages. */
  maxAttempts?: number;
  /** TCP connect timeout (default 3000 ms): a dead endpoint fails fast instead of hanging. */
  connectionTimeoutMs?: number;
  /** Socket idle timeout per request (default 30000 ms). */
  requestTimeoutMs?: number;
  /** Environment used for the credential rule (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export const MINIO_DEV_CREDENTIALS: Readonly<S3Credentials> = Object.freeze({
  accessKeyId: "minioadmin",
  secretAccessKey: "minioadmin",
});

export type CredentialSource = "explicit" | "assume-role" | "aws-chain" | "minio-dev-fallback";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** True for endpoints on this machine (where the MinIO dev fallback may apply). */
export function isLocalEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    return LOCAL_HOSTS.has(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/** Whether the environment configures AWS credentials in any way the SDK chain reads from env. */
function envHasAwsCredentials(env: NodeJS.ProcessEnv): boolean {
  return Boolean(
    (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) ||
      env.AWS_PROFILE ||
      env.AWS_WEB_IDENTITY_TOKEN_FILE ||
      env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ||
      env.AWS_CONTAINER_CREDENTIALS_FULL_URI,
  );
}

/** Which credentials `createS3Client` will use (for a log line; never the secret itself). */
export function credentialSourceFor(options: S3ClientOptions): CredentialSource {
  if (options.credentialProvider) return "assume-role";
  if (options.credentials) return "explicit";
  const env = options.env ?? process.env;
  if (isLocalEndpoint(options.endpoint) && !envHasAwsCredentials(env)) return "minio-dev-fallback";
  return "aws-chain";
}

export function createS3Client(options: S3ClientOptions): S3Client {
  // On Node 20 the SDK prints a ten-line notice about future releases needing Node 22 on every process's stderr;
  // it would break our one-line errors and structured logs. Set the variable yourself to keep it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const source = credentialSourceFor(options);
  const credentials =
    source === "assume-role"
      ? options.credentialProvider
      : source === "explicit"
        ? options.credentials
        : source === "minio-dev-fallback"
          ? { ...MINIO_DEV_CREDENTIALS }
          : undefined;
  return new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : { followRegionRedirects: true }),
    forcePathStyle: options.pathStyle,
    ...(credentials ? { credentials } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 3000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
    },
  });
}

/**
 * Confirms the bucket exists and the credentials work (HeadBucket). Throws S3SideError (BUCKET_MISSING,
 * ACCESS_DENIED, UNREACHABLE: exit 2; one line naming bucket and endpoint, never a secret).
 */
export async function checkBucket(client: S3Client, bucket: string, endpoint?: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    throw explainS3Error(err, { bucket, endpoint, head: "bucket" });
  }
}
