/**
 * A lean PutObject for many small objects: the same request the SDK's PutObjectCommand sends (same URL, SigV4
 * signature by the client's own signer, same body, content type, user metadata, SSE / ACL / tagging headers), sent
 * through the client's own HTTP handler (its sockets, timeouts, abort), but without the SDK's per-request
 * middleware stack. Measured (apps/consumer README "Bench", small objects): the stack (resolving and sorting the
 * middleware, endpoint rules, user agent, flexible checksum, retry bookkeeping) costs ~250-500 us of CPU per PUT
 * against ~50-100 us for the signed request alone, which on a busy 2-core machine is what held the sink below
 * bare PUTs of the same objects.
 *
 * Only the happy path is lean. Anything but a 2xx answer, or a failure before one, is handed to the SDK path
 * (`putObjectBody`, the same PUT again), so errors, redirects, clock-skew correction and their one-line
 * explanations stay exactly the SDK's. An abort is not retried: it rejects as the SDK's would (AbortError).
 * The lean path is off (always the SDK) for what it does not speak: SSE-C (its key MD5), an endpoint whose rules
 * ask for another signing scheme than SigV4 (S3 Express, multi-region access points) or extra headers; and it turns
 * itself off for the client once S3 refused it with a 3xx / 4xx that the SDK's PUT then got past, three times in a
 * row (the SDK knows something the lean request does not: a region redirect, a header the bucket wants), so a
 * misconfiguration costs three extra requests, not one per object. 5xx answers and network failures do not count.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { type Compression, contentTypeOf } from "@weblog/sink-contract";
import { putObjectBody } from "./objects";
import type { createParams } from "./write-params";

export interface PutOptions {
  endpoint?: string | undefined;
  abortSignal?: AbortSignal | undefined;
  metadata?: Record<string, string> | undefined;
  contentType?: string | undefined;
  params?: ReturnType<typeof createParams> | undefined;
}

/** One PutObject of `body` at `key`; rejects as putObjectBody does (S3SideError, or the abort). */
export type ObjectPut = (
  key: string,
  body: Uint8Array,
  compression: Compression,
  o: PutOptions,
) => Promise<void>;

/** Where the bucket's objects live and how requests to it are signed (resolved once, by the SDK's endpoint rules). */
interface Target {
  protocol: string;
  hostname: string;
  port: number | undefined;
  /** The path before the key ("/bucket" path-style, "" virtual-hosted). */
  base: string;
  signingRegion: string;
}

/** Like the SDK's extendedEncodeURIComponent: a key's segments, each percent-encoded ('/' kept). */
const encodeKey = (key: string) =>
  key
    .split("/")
    .map((s) =>
      encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join("/");

/** The params' headers as S3 names them, or null when one needs more than a header (SSE-C: its key MD5). */
function paramHeaders(params: PutOptions["params"]): Record<string, string> | null {
  const h: Record<string, string> = {};
  if (!params) return h;
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (k === "ServerSideEncryption") h["x-amz-server-side-encryption"] = String(v);
    else if (k === "SSEKMSKeyId") h["x-amz-server-side-encryption-aws-kms-key-id"] = String(v);
    else if (k === "ACL") h["x-amz-acl"] = String(v);
    else if (k === "Tagging") h["x-amz-tagging"] = String(v);
    else return null;
  }
  return h;
}

/** The bucket's endpoint by the client's own endpoint rules; null when the lean path does not apply. */
async function resolveTarget(client: S3Client, bucket: string): Promise<Target | null> {
  const c = client.config;
  if (c.bucketEndpoint) return null;
  const custom = c.isCustomEndpoint && c.endpoint ? await c.endpoint() : undefined;
  const endpointUrl = custom
    ? `${custom.protocol}//${custom.hostname}${custom.port ? `:${custom.port}` : ""}${custom.path ?? ""}`
    : undefined;
  const resolved = c.endpointProvider({
    Bucket: bucket,
    Region: await c.region(),
    UseFIPS: await c.useFipsEndpoint(),
    UseDualStack: await c.useDualstackEndpoint(),
    ForcePathStyle: c.forcePathStyle,
    Accelerate: c.useAccelerateEndpoint,
    ...(endpointUrl ? { Endpoint: endpointUrl } : {}),
  });
  const scheme = (
    resolved.properties?.authSchemes as { name?: string; signingRegion?: string }[] | undefined
  )?.[0];
  if (scheme?.name !== "sigv4" || !scheme.signingRegion) return null;
  if (resolved.headers && Object.keys(resolved.headers).length > 0) return null;
  const url = resolved.url;
  if (url.search) return null;
  return {
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    base: url.pathname.replace(/\/+$/, ""),
    signingRegion: scheme.signingRegion,
  };
}

const SDK_WINS = 3;

const isAbort = (err: unknown, signal: AbortSignal | undefined) =>
  signal?.aborted === true || (err as { name?: unknown } | null)?.name === "AbortError";

/**
 * A PutObject function for `bucket` over `client`: lean when it applies (above), else putObjectBody. The endpoint
 * and signer are resolved at the first PUT and kept (the client's config does not change).
 */
export function createObjectPut(client: S3Client, bucket: string): ObjectPut {
  type Signer = { sign(request: unknown, o: Record<string, unknown>): Promise<unknown> };
  let lean: Promise<{ target: Target; signer: Signer } | null> | undefined;
  const prepare = async () => {
    const target = await resolveTarget(client, bucket);
    if (!target) return null;
    const signer = (await client.config.signer({
      name: "sigv4",
      signingName: "s3",
      signingRegion: target.signingRegion,
      properties: {},
    })) as unknown as Signer;
    return { target, signer };
  };

  /** Lean 3xx/4xx answers in a row that the SDK's PUT then got past; at SDK_WINS the lean path is off. */
  let sdkWins = 0;
  return async (key, body, compression, o) => {
    const headers = paramHeaders(o.params);
    lean ??= prepare().catch(() => null);
    const ready = headers && sdkWins < SDK_WINS ? await lean : null;
    if (!ready || !headers) return putObjectBody(client, bucket, key, body, compression, o);
    const { target, signer } = ready;
    for (const [k, v] of Object.entries(o.metadata ?? {})) headers[`x-amz-meta-${k.toLowerCase()}`] = v;
    headers["content-type"] = o.contentType ?? contentTypeOf(compression);
    headers["content-length"] = String(body.byteLength);
    headers.host = target.port ? `${target.hostname}:${target.port}` : target.hostname;
    let refused = false;
    try {
      const request = await signer.sign(
        {
          method: "PUT",
          protocol: target.protocol,
          hostname: target.hostname,
          ...(target.port ? { port: target.port } : {}),
          path: `${target.base}/${encodeKey(key)}`,
          query: {},
          headers,
          body,
        },
        {
          signingDate: new Date(Date.now() + (client.config.systemClockOffset ?? 0)),
          signingRegion: target.signingRegion,
          signingService: "s3",
        },
      );
      const handler = client.config.requestHandler as unknown as {
        handle(r: unknown, o: { abortSignal?: AbortSignal }): Promise<{ response: LeanResponse }>;
      };
      const { response } = await handler.handle(request, o.abortSignal ? { abortSignal: o.abortSignal } : {});
      response.body?.resume?.(); // an empty body on 200; read to its end so the socket goes back to the pool
      if (response.statusCode >= 200 && response.statusCode < 300) {
        sdkWins = 0;
        return;
      }
      refused = response.statusCode < 500;
    } catch (err) {
      if (isAbort(err, o.abortSignal)) throw err;
    }
    // Not a 2xx (or no answer): the SDK's PUT, whose answer or error (explained) is the one that counts.
    await putObjectBody(client, bucket, key, body, compression, o);
    if (refused) sdkWins += 1;
  };
}

interface LeanResponse {
  statusCode: number;
  body?: { resume?: () => void };
}
