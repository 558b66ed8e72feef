import { createHash } from "node:crypto";
import type { SinkSettings } from "@weblog/sink-contract";

/**
 * The settings that decide an object's key or bytes, carried in the sink's offset commits (the commit's metadata
 * string), so a restart can tell whether the object a crash may have left past the committed offset would be
 * rewritten at the same key (README "Exactly once": rule 2 holds only while these stay the same).
 *
 * Metadata, one JSON object (well under Kafka's 4096-byte `offset.metadata.max.bytes`):
 * `{"weblog":1,"fp":"<12 hex>","clean":<bool>,"keys":{"<setting>":"<value>",...}}`. `clean` is true only on the
 * commits of a graceful stop: after them that process uploads nothing more for the partition, so no object lies
 * past the committed offset and the key settings may change. Pure functions, no I/O.
 */

/** Setting name (the connector's key) -> value, in a fixed order: the readable summary. */
export type KeySettings = Record<string, string>;

/** What a commit's metadata said, when it is ours. */
export interface CommitStamp {
  fingerprint: string;
  clean: boolean;
  /** Absent when the summary was too long to carry. */
  keys?: KeySettings;
}

const MAX_METADATA = 1000;

/**
 * Everything that goes into a key or into the bytes of an object: the bucket it lands in, `topics.dir`, the
 * delimiters, the zero-pad width, the compression, the format (Parquet only, with its codec: a JSON sink's stamp stays
 * what it was before Parquet existed) and the partitioner with its keys. Not `store.url` (one store
 * has several names: `minio:9000` inside compose, `localhost:9000` outside), and not `flush.size` or the rotation
 * settings (they only move where an object ends; the re-read overwrites the same key).
 */
export function keySettingsOf(s: SinkSettings): KeySettings {
  const keys: KeySettings = {
    "s3.bucket.name": s.bucket,
    "topics.dir": s.topicsDir,
    "directory.delim": s.directoryDelim,
    "file.delim": s.fileDelim,
    "filename.offset.zero.pad.width": String(s.offsetPadWidth),
    "s3.compression.type": s.compression,
    "partitioner.class": s.partitioner.kind,
  };
  if (s.format === "parquet") {
    keys["format.class"] = "ParquetFormat";
    keys["parquet.codec"] = s.parquetCodec;
  }
  const p = s.partitioner;
  if (p.kind === "field") keys["partition.field.name"] = p.fields.join(",");
  if (p.kind === "time") {
    keys["path.format"] = p.pathFormat;
    keys["partition.duration.ms"] = String(p.partitionDurationMs);
    keys.timezone = s.timezone;
    keys["timestamp.extractor"] = p.timestampExtractor;
    if (p.timestampExtractor === "RecordField") keys["timestamp.field"] = p.timestampField;
  }
  return keys;
}

/** A compact, stable fingerprint of the key settings (12 hex digits of SHA-256 over their canonical JSON). */
export function fingerprintOf(keys: KeySettings): string {
  const canonical = JSON.stringify(Object.entries(keys).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return createHash("sha256").update(canonical).digest("hex").slice(0, 12);
}

/** The metadata string for a commit made with `keys`; `clean` only for the commits of a graceful stop. */
export function commitMetadata(keys: KeySettings, clean: boolean): string {
  const full = JSON.stringify({ weblog: 1, fp: fingerprintOf(keys), clean, keys });
  return full.length <= MAX_METADATA ? full : JSON.stringify({ weblog: 1, fp: fingerprintOf(keys), clean });
}

/** Reads a commit's metadata; null when it is not ours (empty, Kafka Connect's, another tool's, garbled). */
export function parseCommitMetadata(text: string | null | undefined): CommitStamp | null {
  if (!text) return null;
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  const v = o as { weblog?: unknown; fp?: unknown; clean?: unknown; keys?: unknown };
  if (v === null || typeof v !== "object" || v.weblog !== 1 || typeof v.fp !== "string") return null;
  const stamp: CommitStamp = { fingerprint: v.fp, clean: v.clean === true };
  if (v.keys && typeof v.keys === "object" && !Array.isArray(v.keys)) {
    const keys: KeySettings = {};
    for (const [k, val] of Object.entries(v.keys as Record<string, unknown>)) keys[k] = String(val);
    stamp.keys = keys;
  }
  return stamp;
}

export type StampCheck =
  | { ok: true; changed: string[] }
  /** `changed`: "<setting> <old> -> <new>" for every differing setting (empty when the old summary is unknown). */
  | { ok: false; changed: string[] };

/** The settings that differ, as "<name> '<old>' -> '<new>'" (a setting absent on one side shows as (none)). */
export function changedSettings(before: KeySettings, now: KeySettings): string[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(now)])];
  return names
    .filter((n) => before[n] !== now[n])
    .map(
      (n) =>
        `${n} ${before[n] === undefined ? "(none)" : `'${before[n]}'`} -> ${now[n] === undefined ? "(none)" : `'${now[n]}'`}`,
    );
}

/**
 * May a sink with `now` take over from the commit that left `committed`? Yes when the commit is not ours (no
 * stamp: nothing to compare), when it was made with the same key settings, or when it was a graceful stop's (nothing
 * lies past it). No when the settings differ and the writer did not stop gracefully: the object it may have left
 * past the committed offset has a key the new settings never write, so its records would be written twice.
 * `ok: true` with `changed` non-empty: the settings changed after a graceful stop (worth a log line).
 */
export function checkStamp(now: KeySettings, committed: string | null | undefined): StampCheck {
  const stamp = parseCommitMetadata(committed);
  if (!stamp || stamp.fingerprint === fingerprintOf(now)) return { ok: true, changed: [] };
  const changed = stamp.keys ? changedSettings(stamp.keys, now) : [];
  return { ok: stamp.clean, changed };
}

/** The one-line refusal for a partition whose committed offset was written with other key settings, uncleanly. */
export function keySettingsChangedMessage(
  topic: string,
  partition: number,
  group: string,
  changed: readonly string[],
): string {
  const what = changed.length > 0 ? changed.join(", ") : "settings that decide object keys";
  return `key settings changed since the last commit of ${topic}/${partition} in group ${group} (${what}), and the sink that made it did not stop gracefully: an object it uploaded past that commit may be in S3 under the old key, and these settings would write its records again under a new one. Start once more with the old settings and stop it with SIGTERM (it uploads and commits everything), then change them; or use a new --group (it reads the topics again from the start)`;
}

/** One committed offset's metadata, as admin.fetchOffsets returns it. */
export interface CommittedStamp {
  topic: string;
  partition: number;
  metadata: string | null;
}

/**
 * The assigned partitions' committed metadata against the running settings: the first refusal (one line), and the
 * partitions whose settings changed after a graceful stop (allowed; worth a log line).
 */
export function checkAssignment(
  now: KeySettings,
  group: string,
  assigned: ReadonlySet<string>,
  committed: readonly CommittedStamp[],
): { refusal: string | null; changedAfterCleanStop: { partition: string; changed: string[] }[] } {
  const changedAfterCleanStop: { partition: string; changed: string[] }[] = [];
  for (const c of committed) {
    const id = `${c.topic}|${c.partition}`;
    if (!assigned.has(id)) continue;
    const check = checkStamp(now, c.metadata);
    if (!check.ok) {
      return {
        refusal: keySettingsChangedMessage(c.topic, c.partition, group, check.changed),
        changedAfterCleanStop,
      };
    }
    if (check.changed.length > 0)
      changedAfterCleanStop.push({ partition: `${c.topic}/${c.partition}`, changed: check.changed });
  }
  return { refusal: null, changedAfterCleanStop };
}
