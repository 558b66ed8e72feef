/** `s3://bucket/key` <-> bucket + key (the table's location and its files' paths are such URIs). */
import { IcebergError } from "./errors";

export type S3Location = { bucket: string; key: string };

export function parseS3Uri(uri: string): S3Location {
  const m = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) {
    throw new IcebergError(
      "INCOMPATIBLE_TABLE",
      `table location ${uri} is not on S3 (s3://bucket/...): set the catalog's warehouse to an s3:// location`,
    );
  }
  return { bucket: m[1] as string, key: (m[2] as string).replace(/\/$/, "") };
}
