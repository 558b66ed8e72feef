/**
 * Per-record details a format needs but a record does not carry (client port, response size, processing times, a
 * process id). They are a pure function of the record (a 32-bit FNV-1a hash of its fields), so a format is a pure
 * function too: the same record always gives the same line, and formatting draws nothing from the randomizer.
 */
import type { WebLogRecord } from "@weblog/log-schema";

export function recordHash(r: WebLogRecord): number {
  let h = 0x811c9dc5;
  // Address, time and URL tell the records of a stream apart (the user agent adds little but costs most).
  const { ip, timestamp, url } = r;
  for (let i = 0; i < ip.length; i++) h = Math.imul(h ^ ip.charCodeAt(i), 0x01000193);
  for (let i = 11; i < 23; i++) h = Math.imul(h ^ timestamp.charCodeAt(i), 0x01000193);
  for (let i = 0; i < url.length; i++) h = Math.imul(h ^ url.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ r.status_code, 0x01000193);
  // Final avalanche (murmur3 fmix32), so every bit depends on every input bit.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A value in [0, 1) from bits `shift..shift+15` of the hash (independent-looking draws from one hash). */
export function part(hash: number, shift: number): number {
  return (((hash >>> shift) | (hash << (32 - shift))) & 0xffff) / 65536;
}

/** Response body size in bytes: 0 for 204/304 and HEAD, small for redirects and errors, larger for pages/assets. */
export function responseBytes(r: WebLogRecord, hash: number): number {
  if (r.status_code === 204 || r.status_code === 304 || r.method === "HEAD") return 0;
  const u = part(hash, 3);
  if (r.status_code >= 300 && r.status_code < 400) return 150 + Math.floor(u * 200);
  if (r.status_code >= 400) return 200 + Math.floor(u * 1500);
  return 500 + Math.floor(u * u * 120_000);
}

/** Request size in bytes (headers and, for writes, a body). */
export function requestBytes(r: WebLogRecord, hash: number): number {
  const body =
    r.method === "POST" || r.method === "PUT" || r.method === "PATCH"
      ? 80 + Math.floor(part(hash, 9) * 900)
      : 0;
  return 180 + r.url.length + r.user_agent.length + body;
}

/** Ephemeral client port 1024-65535. */
export function clientPort(hash: number): number {
  return 1024 + Math.floor(part(hash, 17) * 64_512);
}
