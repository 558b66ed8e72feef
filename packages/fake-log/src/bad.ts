/**
 * Broken records on purpose (kinds and mix in data/bad.ts), made from a good record so they look like the stream
 * they hide in. For `json`:
 * - not-json: the line cut short (`{"ip":"1.2.3.4","timest`), or a combined-log line where JSON is expected;
 * - wrong-types: status_code as a string, ip as a number or timestamp as epoch ms;
 * - missing-fields: one to three of the six fields dropped;
 * - oversized: url or user_agent far past log-schema's limit;
 * - invalid-utf8: the JSON line as bytes with an invalid UTF-8 sequence inside the user agent (a Uint8Array);
 * - empty-values: "" for ip, url or user_agent, or `{}`;
 * - tombstone: null (a Kafka tombstone; only the producer can send it).
 * Text formats get the same kinds on their line: cut short (not-json, missing-fields), letters for the status
 * (wrong-types), an oversized url, invalid bytes, an empty line, null.
 */
import type { WebLogRecord } from "@weblog/log-schema";
import { formatCombined } from "@weblog/log-schema/format";
import { type BadKind, OVERSIZED_LENGTH } from "./data/bad";
import type { Randomizer } from "./randomizer";

export type BadValue = string | Uint8Array | null;

const encoder = new TextEncoder();

/** Bytes of `text` with 0xC3 0x28 (a lead byte without its continuation) spliced in at `at`. */
function withInvalidUtf8(text: string, at: number): Uint8Array {
  const head = encoder.encode(text.slice(0, at));
  const tail = encoder.encode(text.slice(at));
  const out = new Uint8Array(head.length + 2 + tail.length);
  out.set(head, 0);
  out[head.length] = 0xc3;
  out[head.length + 1] = 0x28;
  out.set(tail, head.length + 2);
  return out;
}

const FIELDS = ["ip", "timestamp", "method", "url", "status_code", "user_agent"] as const;

function badJson(kind: BadKind, r: WebLogRecord, line: string, random: Randomizer): BadValue {
  switch (kind) {
    case "not-json":
      return random.chance(0.5) ? line.slice(0, 1 + random.int(line.length - 2)) : formatCombined(r);
    case "wrong-types": {
      const which = random.int(3);
      const broken: Record<string, unknown> = { ...r };
      if (which === 0) broken.status_code = String(r.status_code);
      else if (which === 1) broken.ip = Number(r.ip.replace(/\D/g, "").slice(0, 12) || "0");
      else broken.timestamp = Date.parse(r.timestamp);
      return JSON.stringify(broken);
    }
    case "missing-fields": {
      const broken: Record<string, unknown> = { ...r };
      const drop = 1 + random.int(3);
      for (let i = 0; i < drop; i++) delete broken[FIELDS[random.int(FIELDS.length)]!];
      if (Object.keys(broken).length === 6) delete broken.status_code;
      return JSON.stringify(broken);
    }
    case "oversized":
      return random.chance(0.5)
        ? JSON.stringify({
            ...r,
            url: `${r.url}${r.url.includes("?") ? "&" : "?"}q=${"a".repeat(OVERSIZED_LENGTH)}`,
          })
        : JSON.stringify({ ...r, user_agent: `${r.user_agent} ${"x".repeat(OVERSIZED_LENGTH)}` });
    case "invalid-utf8": {
      const at = line.lastIndexOf('"user_agent":"') + 15;
      return withInvalidUtf8(line, at);
    }
    case "empty-values": {
      const which = random.int(4);
      if (which === 3) return "{}";
      const field = (["ip", "url", "user_agent"] as const)[which]!;
      return JSON.stringify({ ...r, [field]: "" });
    }
    case "tombstone":
      return null;
  }
}

function badText(
  kind: BadKind,
  r: WebLogRecord,
  line: string,
  format: (r: WebLogRecord) => string,
  random: Randomizer,
): BadValue {
  switch (kind) {
    case "not-json":
    case "missing-fields":
      return line.slice(0, 1 + random.int(Math.max(1, Math.floor(line.length / 2))));
    case "wrong-types": {
      const broken = line.replace(` ${r.status_code} `, " OK ");
      return broken === line ? line.slice(0, Math.floor(line.length / 3)) : broken; // apache-error has no status
    }
    case "oversized":
      return format({
        ...r,
        url: `${r.url}${r.url.includes("?") ? "&" : "?"}q=${"a".repeat(OVERSIZED_LENGTH)}`,
      });
    case "invalid-utf8":
      return withInvalidUtf8(line, Math.floor(line.length / 2));
    case "empty-values":
      return "";
    case "tombstone":
      return null;
  }
}

/** The broken value of `kind` for record `r` (its good line is `line` in format `formatName`). */
export function makeBad(
  kind: BadKind,
  r: WebLogRecord,
  line: string,
  formatName: string,
  format: (r: WebLogRecord) => string,
  random: Randomizer,
): BadValue {
  return formatName === "json" ? badJson(kind, r, line, random) : badText(kind, r, line, format, random);
}
