/** The scan's view of S3 (list + read), over @weblog/s3's paginated listing and object reads. */
import type { S3Client } from "@aws-sdk/client-s3";
import { getObjectBody, type ListedObject, listAllObjects, listLevel } from "@weblog/s3";
import type { ObjectStore } from "./scan";

export function createS3Store(
  client: S3Client,
  bucket: string,
  opts: {
    endpoint?: string | undefined;
    delimiter?: string;
    onPage?: (page: { count: number; total: number }) => void;
    /** SSE-C key sent on every read (--sse-customer-key, or --config's s3.sse.customer.key); never shown. */
    sseCustomerKey?: string | undefined;
  } = {},
): ObjectStore {
  const read = {
    endpoint: opts.endpoint,
    sseCustomerKey: opts.sseCustomerKey,
    sseKeyHint: "--sse-customer-key (or s3.sse.customer.key in --config)",
  };
  const base = { endpoint: opts.endpoint, onPage: opts.onPage };
  return {
    list: (prefix: string, startAfter?: string): AsyncIterable<ListedObject> =>
      listAllObjects(client, bucket, prefix, startAfter === undefined ? base : { ...base, startAfter }),
    level: (prefix: string) =>
      listLevel(client, bucket, prefix, opts.delimiter ?? "/", { endpoint: opts.endpoint }),
    read: (key: string) => getObjectBody(client, bucket, key, read),
  };
}
