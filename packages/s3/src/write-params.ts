/**
 * The request parameters every object the sink writes carries, from Confluent's keys (sink-contract's settings):
 * server-side encryption (`s3.ssea.name`, `s3.sse.kms.key.id`, `s3.sse.customer.key`), the canned ACL
 * (`s3.acl.canned`) and the tags (`s3.object.tagging`). Which request needs which (S3's rules, as Confluent's
 * S3OutputStream sends them):
 * - PutObject and CreateMultipartUpload: all of them;
 * - UploadPart and CompleteMultipartUpload: the SSE-C headers only (S3 needs the customer key on every part).
 * Pure; the SDK computes the SSE-C key's MD5 header.
 */
import type {
  CompleteMultipartUploadCommandInput,
  CreateMultipartUploadCommandInput,
  PutObjectCommandInput,
  UploadPartCommandInput,
} from "@aws-sdk/client-s3";
import type { CannedAcl, SinkSettings } from "@weblog/sink-contract";

export type ObjectEncryption =
  | { kind: "AES256" }
  | { kind: "aws:kms"; keyId?: string }
  /** SSE-C: the 256-bit key, base64 (never logged). */
  | { kind: "SSE-C"; key: string };

export interface ObjectWriteParams {
  encryption?: ObjectEncryption;
  cannedAcl?: CannedAcl;
  /** Tags every object gets (`s3.object.tagging.key.value.pairs`); per-object tags are added by `withTags`. */
  tags?: Record<string, string>;
  /** `s3.object.tagging`: add Confluent's startOffset / endOffset / recordCount per object. */
  offsetTags?: boolean;
}

/** The parameters sink-contract's settings ask for (empty when none of the keys is set). */
export function writeParamsOf(
  s: Pick<
    SinkSettings,
    "sseAlgorithm" | "sseKmsKeyId" | "sseCustomerKey" | "cannedAcl" | "objectTagging" | "objectTaggingPairs"
  >,
): ObjectWriteParams {
  const out: ObjectWriteParams = {};
  if (s.sseAlgorithm === "aws:kms") {
    out.encryption = s.sseKmsKeyId ? { kind: "aws:kms", keyId: s.sseKmsKeyId } : { kind: "aws:kms" };
  } else if (s.sseAlgorithm === "AES256") {
    // Confluent: AES256 with a customer key is SSE-C (S3 refuses both headers together)
    out.encryption = s.sseCustomerKey ? { kind: "SSE-C", key: s.sseCustomerKey } : { kind: "AES256" };
  }
  if (s.cannedAcl) out.cannedAcl = s.cannedAcl;
  if (s.objectTagging) {
    out.offsetTags = true;
    if (s.objectTaggingPairs?.length) {
      out.tags = Object.fromEntries(
        s.objectTaggingPairs.map((pair) => {
          const at = pair.indexOf(":");
          return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
        }),
      );
    }
  }
  return out;
}

/** Confluent's tags for one object: its first and last record's offsets and its record count. */
export function offsetTags(
  startOffset: bigint,
  endOffset: bigint,
  recordCount: number,
): Record<string, string> {
  return { startOffset: String(startOffset), endOffset: String(endOffset), recordCount: String(recordCount) };
}

type CreateParams = Pick<
  PutObjectCommandInput & CreateMultipartUploadCommandInput,
  "ServerSideEncryption" | "SSEKMSKeyId" | "SSECustomerAlgorithm" | "SSECustomerKey" | "ACL" | "Tagging"
>;

function sseC(p: ObjectWriteParams): Pick<UploadPartCommandInput, "SSECustomerAlgorithm" | "SSECustomerKey"> {
  if (p.encryption?.kind !== "SSE-C") return {};
  // a valid base64 256-bit key goes as is; the SDK's ssec middleware adds ...-customer-key-MD5 from its bytes
  return { SSECustomerAlgorithm: "AES256", SSECustomerKey: p.encryption.key };
}

/** For PutObject and CreateMultipartUpload: encryption, ACL and `tags` (x-amz-tagging, URL-encoded). */
export function createParams(p: ObjectWriteParams, tags: Record<string, string> = {}): CreateParams {
  const out: CreateParams = { ...sseC(p) };
  const e = p.encryption;
  if (e?.kind === "AES256") out.ServerSideEncryption = "AES256";
  if (e?.kind === "aws:kms") {
    out.ServerSideEncryption = "aws:kms";
    if (e.keyId) out.SSEKMSKeyId = e.keyId;
  }
  if (p.cannedAcl) out.ACL = p.cannedAcl;
  const all = { ...p.tags, ...tags };
  if (Object.keys(all).length > 0) out.Tagging = new URLSearchParams(all).toString();
  return out;
}

/** For UploadPart: the SSE-C headers (nothing otherwise). */
export const uploadPartParams = (p: ObjectWriteParams) => sseC(p);

/** For CompleteMultipartUpload: the SSE-C headers (nothing otherwise). */
export const completeParams = (
  p: ObjectWriteParams,
): Pick<CompleteMultipartUploadCommandInput, "SSECustomerAlgorithm" | "SSECustomerKey"> => sseC(p);
