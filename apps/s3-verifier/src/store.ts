/** The scan's view of S3 (list + read), over @weblog/s3's paginated listing and object reads. */
import type { S3Client } from "@aws-sdk/client-s3";
import { getObjectBody, type ListedObject, listAllObjects } from "@weblog/s3";
import type { ObjectStore } from "./scan";

export function createS3Store(
  client: S3Client,
  bucket: string,
  opts: { endpoint?: string | undefined; onPage?: (page: { count: number; total: number }) => void } = {},
): ObjectStore {
  return {
    list: (prefix: string): AsyncIterable<ListedObject> =>
      listAllObjects(client, bucket, prefix, { endpoint: opts.endpoint, onPage: opts.onPage }),
    read: (key: string) => getObjectBody(client, bucket, key, { endpoint: opts.endpoint }),
  };
}
