/**
 * Object keys exactly as Confluent's S3 sink writes them:
 *
 *   <topics.dir><dir.delim><topic><dir.delim><encodedPartition><dir.delim><topic><file.delim><kafkaPartition><file.delim><startOffset padded><extension>
 *
 * The extension says the body's format: `.json` / `.json.gz` (JsonFormat, `s3.compression.type`), or for
 * ParquetFormat the codec's Hadoop extension then `.parquet` (`parquet.codec`): `.snappy.parquet`, `.gz.parquet`,
 * `.zstd.parquet`, `.parquet` (none), as Confluent names them.
 *
 * e.g. `topics/weblogs/partition=3/weblogs+3+0000000120.json`. This file is the only place that builds or
 * parses such a key; the sink writes with `formatObjectKey`, the verifier reads with `parseObjectKey`.
 */

export interface KeyLayout {
  /** `topics.dir` (Confluent default `topics`). */
  topicsDir: string;
  /** `directory.delim` (default `/`). */
  directoryDelim: string;
  /** `file.delim` (default `+`). */
  fileDelim: string;
  /** `filename.offset.zero.pad.width` (default 10). */
  offsetPadWidth: number;
}

export const DEFAULT_KEY_LAYOUT: Readonly<KeyLayout> = Object.freeze({
  topicsDir: "topics",
  directoryDelim: "/",
  fileDelim: "+",
  offsetPadWidth: 10,
});

/** `s3.compression.type` (JSON lines). */
export type Compression = "none" | "gzip";

/** `parquet.codec` (ParquetFormat). */
export type ParquetCodec = "snappy" | "gzip" | "zstd" | "none";

/** Hadoop's extension of each Parquet codec (CompressionCodecName.getExtension), before `.parquet`. */
const PARQUET_CODEC_EXTENSION: Readonly<Record<ParquetCodec, string>> = {
  snappy: ".snappy",
  gzip: ".gz",
  zstd: ".zstd",
  none: "",
};

export interface ObjectKeyParts {
  topic: string;
  /** The partitioner's path, e.g. `partition=3` or `year=2026/month=11/day=25/hour=06`. */
  encodedPartition: string;
  kafkaPartition: number;
  /** Offset of the first record in the object. */
  startOffset: bigint;
  /** JSON lines' compression (`none` for a Parquet object). */
  compression: Compression;
  /** Set for a Parquet object: its codec. Absent for JSON lines. */
  parquet?: ParquetCodec;
}

/** `.json`, `.json.gz`, or for Parquet `.snappy.parquet`, `.gz.parquet`, `.zstd.parquet`, `.parquet`. */
export function fileExtension(compression: Compression, parquet?: ParquetCodec): string {
  if (parquet !== undefined) return `${PARQUET_CODEC_EXTENSION[parquet]}.parquet`;
  return compression === "gzip" ? ".json.gz" : ".json";
}

/** The body's format and codec from a file name's ending; null when it is none of ours. */
function formatOfFileName(
  file: string,
): { stem: string; compression: Compression; parquet?: ParquetCodec } | null {
  if (file.endsWith(".json.gz")) return { stem: file.slice(0, -".json.gz".length), compression: "gzip" };
  if (file.endsWith(".json")) return { stem: file.slice(0, -".json".length), compression: "none" };
  if (!file.endsWith(".parquet")) return null;
  const base = file.slice(0, -".parquet".length);
  for (const codec of ["snappy", "gzip", "zstd"] as const) {
    const ext = PARQUET_CODEC_EXTENSION[codec];
    if (base.endsWith(ext)) return { stem: base.slice(0, -ext.length), compression: "none", parquet: codec };
  }
  return { stem: base, compression: "none", parquet: "none" };
}

export function formatObjectKey(parts: ObjectKeyParts, layout: KeyLayout = DEFAULT_KEY_LAYOUT): string {
  const { directoryDelim: d, fileDelim: f } = layout;
  const offset = parts.startOffset.toString().padStart(layout.offsetPadWidth, "0");
  const file = `${parts.topic}${f}${parts.kafkaPartition}${f}${offset}${fileExtension(parts.compression, parts.parquet)}`;
  const dirs = [layout.topicsDir, parts.topic, parts.encodedPartition].filter((s) => s.length > 0);
  return [...dirs, file].join(d);
}

/** A companion object's view (`store.kafka.keys` / `store.kafka.headers`). */
export type CompanionView = "keys" | "headers";

/**
 * The companion object beside a value object, as Confluent's KeyValueHeaderRecordWriterProvider names it: the value
 * key without its extension, `.keys` / `.headers`, then the companion format's extension (JsonFormat: `.json`, or
 * `.json.gz` with s3.compression.type=gzip, whatever the value's format), e.g.
 * `topics/weblogs/partition=3/weblogs+3+0000000120.keys.json` beside `...0000000120.snappy.parquet`.
 */
export function companionObjectKey(
  parts: ObjectKeyParts,
  view: CompanionView,
  compression: Compression,
  layout: KeyLayout = DEFAULT_KEY_LAYOUT,
): string {
  const value = formatObjectKey(parts, layout);
  const stem = value.slice(0, value.length - fileExtension(parts.compression, parts.parquet).length);
  return `${stem}.${view}${fileExtension(compression)}`;
}

/**
 * A companion object's key: its view, its body's compression and the value object's parts (with the value's format
 * left as JSON: a companion does not say it), or null when `key` is not a companion's (a value object's, or none).
 */
export function parseCompanionKey(
  key: string,
  layout: KeyLayout = DEFAULT_KEY_LAYOUT,
): { view: CompanionView; compression: Compression; value: ObjectKeyParts } | null {
  for (const view of ["keys", "headers"] as const) {
    for (const compression of ["gzip", "none"] as const) {
      const ending = `.${view}${fileExtension(compression)}`;
      if (!key.endsWith(ending)) continue;
      const parsed = parseObjectKey(`${key.slice(0, -ending.length)}.json`, layout);
      return parsed.ok ? { view, compression, value: parsed.parts } : null;
    }
  }
  return null;
}

/** The prefix under which every object of `topic` lives (for listing). */
export function topicPrefix(topic: string, layout: KeyLayout = DEFAULT_KEY_LAYOUT): string {
  return (
    [layout.topicsDir, topic].filter((s) => s.length > 0).join(layout.directoryDelim) + layout.directoryDelim
  );
}

/** The prefix under which every topic lives: `topics.dir` + the directory delimiter (`topics/`), or "". */
export function topicsDirPrefix(layout: KeyLayout = DEFAULT_KEY_LAYOUT): string {
  return layout.topicsDir.length > 0 ? layout.topicsDir + layout.directoryDelim : "";
}

export type ParseKeyResult = { ok: true; parts: ObjectKeyParts } | { ok: false; reason: string };

/**
 * Parses a key written by our sink or by Confluent's, for any partitioner. Never throws: a key that does not
 * follow the layout comes back with the reason, so a verifier can report it and go on.
 */
export function parseObjectKey(key: string, layout: KeyLayout = DEFAULT_KEY_LAYOUT): ParseKeyResult {
  const { directoryDelim: d, fileDelim: f } = layout;
  const prefix = layout.topicsDir.length > 0 ? layout.topicsDir + d : "";
  if (!key.startsWith(prefix)) return { ok: false, reason: `does not start with topics.dir "${prefix}"` };
  const lastDelim = key.lastIndexOf(d);
  const file = lastDelim >= 0 ? key.slice(lastDelim + d.length) : key;
  const dir = lastDelim >= 0 ? key.slice(prefix.length, lastDelim) : "";

  const format = formatOfFileName(file);
  if (format === null)
    return { ok: false, reason: "file name does not end in .json, .json.gz or [.<codec>].parquet" };
  const { stem, compression } = format;

  const offsetAt = stem.lastIndexOf(f);
  const partitionAt = offsetAt > 0 ? stem.lastIndexOf(f, offsetAt - 1) : -1;
  if (offsetAt < 0 || partitionAt <= 0) {
    return { ok: false, reason: `file name is not <topic>${f}<partition>${f}<offset>` };
  }
  const topic = stem.slice(0, partitionAt);
  const partitionText = stem.slice(partitionAt + f.length, offsetAt);
  const offsetText = stem.slice(offsetAt + f.length);
  if (!/^\d+$/.test(partitionText))
    return { ok: false, reason: `Kafka partition "${partitionText}" is not a number` };
  if (!/^\d+$/.test(offsetText)) return { ok: false, reason: `start offset "${offsetText}" is not a number` };

  const topicDir = topic + d;
  if (!(dir + d).startsWith(topicDir)) {
    return { ok: false, reason: `directory "${dir}" does not start with the topic "${topic}"` };
  }
  const encodedPartition = dir.slice(topicDir.length);
  return {
    ok: true,
    parts: {
      topic,
      encodedPartition,
      kafkaPartition: Number(partitionText),
      startOffset: BigInt(offsetText),
      compression,
      ...(format.parquet !== undefined ? { parquet: format.parquet } : {}),
    },
  };
}
