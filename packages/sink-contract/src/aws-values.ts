/**
 * The values of Confluent's S3 request keys (s3.ssea.name, s3.acl.canned, s3.credentials.provider.class), in one
 * place for the key table (connector-keys.ts), the settings' types and @weblog/s3's request parameters.
 */

/** `s3.ssea.name`: Confluent accepts "", AES256 and aws:kms (the AWS SDK's SSEAlgorithm names). */
export const SSE_ALGORITHMS = ["AES256", "aws:kms"] as const;
export type SseAlgorithm = (typeof SSE_ALGORITHMS)[number];

/**
 * `s3.acl.canned`: S3's canned ACLs for objects. Confluent's CannedAclValidator also takes log-delivery-write,
 * which S3 defines for buckets only; we refuse it at start rather than have every PUT fail.
 */
export const CANNED_ACLS = [
  "private",
  "public-read",
  "public-read-write",
  "authenticated-read",
  "aws-exec-read",
  "bucket-owner-read",
  "bucket-owner-full-control",
] as const;
export type CannedAcl = (typeof CANNED_ACLS)[number];

/** `s3.credentials.provider.class`: Confluent's class names for the two providers we run (AWS SDK v3's own). */
export const DEFAULT_CHAIN_CLASS = "com.amazonaws.auth.DefaultAWSCredentialsProviderChain";
export const ASSUME_ROLE_CLASS = "io.confluent.connect.s3.auth.AwsAssumeRoleCredentialsProvider";
export type CredentialsProviderKind = "default" | "assume-role";

/** Confluent's tags with `s3.object.tagging=true` (TopicPartitionWriter.tagFile). */
export const CONFLUENT_TAG_KEYS = ["startOffset", "endOffset", "recordCount"] as const;
