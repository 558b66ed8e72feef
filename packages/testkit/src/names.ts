import { randomUUID } from "node:crypto";

/**
 * A name nobody else in this run uses: `${prefix}-${8 hex chars}`. Lower-case letters, digits and hyphens only,
 * so it is valid as a Kafka topic, a consumer group and an S3 bucket name (keep the prefix short for buckets:
 * 3-63 characters).
 */
export function uniqueName(prefix: string): string {
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const id = randomUUID().replace(/-/g, "").slice(0, 8);
  return clean ? `${clean}-${id}` : `t-${id}`;
}
