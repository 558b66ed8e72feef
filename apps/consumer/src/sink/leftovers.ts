import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type S3Client } from "@aws-sdk/client-s3";

/**
 * Aborts every incomplete multipart upload under `prefix` (the leftovers of a crash mid-upload; they are never
 * visible objects, but S3 bills their parts until aborted). Returns how many were aborted.
 */
export async function abortLeftoverUploads(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<number> {
  let aborted = 0;
  let KeyMarker: string | undefined;
  let UploadIdMarker: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const listed = await client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker, UploadIdMarker }),
    );
    for (const u of listed.Uploads ?? []) {
      if (!u.Key || !u.UploadId) continue;
      await client.send(
        new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }),
      );
      aborted += 1;
    }
    if (!listed.IsTruncated) break;
    KeyMarker = listed.NextKeyMarker;
    UploadIdMarker = listed.NextUploadIdMarker;
  }
  return aborted;
}
