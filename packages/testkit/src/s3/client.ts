import { CreateBucketCommand, HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";

export const S3_REGION = "us-east-1";

export type S3Target = {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
};

export function makeClient(target: S3Target): S3Client {
  // Same as @weblog/s3's createS3Client: keep the SDK's multi-line Node 22 notice out of test output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  return new S3Client({
    endpoint: target.endpoint,
    region: target.region,
    credentials: target.credentials,
    forcePathStyle: true,
  });
}

/**
 * Creates a bucket; one that already exists and is ours is fine. Some servers answer BucketAlreadyExists (not
 * ...OwnedByYou) for their own buckets, so that case is confirmed with HeadBucket, which only succeeds if we can use it.
 */
export async function createBucketIfMissing(client: S3Client, name: string): Promise<void> {
  try {
    await client.send(new CreateBucketCommand({ Bucket: name }));
  } catch (err) {
    const e = err as { name?: string; Code?: string };
    const code = e.name ?? e.Code;
    if (code === "BucketAlreadyOwnedByYou") return;
    if (code === "BucketAlreadyExists") {
      await client.send(new HeadBucketCommand({ Bucket: name }));
      return;
    }
    throw err;
  }
}
