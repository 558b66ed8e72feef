/** The scan's view of S3 (list + read), over @weblog/s3's paginated listing and object reads. */
import type { S3Client } from "@aws-sdk/client-s3";
import { getObjectBody, listAllObjects } from "@weblog/s3";
import type { ListedObject, ObjectStore } from "./scan";

export function createS3Store(
  client: S3Client,
  bucket: string,
  opts: { endpoint?: string | undefined; onPage?: (page: { count: number; total: number }) => void } = {},
): ObjectStore {
  return {
    async *list(prefix: string): AsyncIterable<ListedObject> {
      for await (const o of listAllObjects(client, bucket, prefix, {
        endpoint: opts.endpoint,
        onPage: opts.onPage,
      })) {
        yield { key: o.key, size: o.size, lastModifiedMs: o.lastModified ? o.lastModified.getTime() : null };
      }
    },
    read: (key: string) => getObjectBody(client, bucket, key, { endpoint: opts.endpoint }),
  };
}
