/**
 * Object keys exactly as Confluent's S3 sink writes them:
 *
 *   <topics.dir><dir.delim><topic><dir.delim><encodedPartition><dir.delim><topic><file.delim><kafkaPartition><file.delim><startOffset padded>.json[.gz]
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

export type Compression = "none" | "gzip";

export interface ObjectKeyParts {
  topic: string;
  /** The partitioner's path, e.g. `partition=3` or `year=2026/month=11/day=25/hour=06`. */
  encodedPartition: string;
  kafkaPartition: number;
  /** Offset of the first record in the object. */
  startOffset: bigint;
  compression: Compression;
}

export function fileExtension(compression: Compression): string {
  return compression === "gzip" ? ".json.gz" : ".json";
}

export function formatObjectKey(parts: ObjectKeyParts, layout: KeyLayout = DEFAULT_KEY_LAYOUT): string {
  const { directoryDelim: d, fileDelim: f } = layout;
  const offset = parts.startOffset.toString().padStart(layout.offsetPadWidth, "0");
  const file = `${parts.topic}${f}${parts.kafkaPartition}${f}${offset}${fileExtension(parts.compression)}`;
  const dirs = [layout.topicsDir, parts.topic, parts.encodedPartition].filter((s) => s.length > 0);
  return [...dirs, file].join(d);
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

  let compression: Compression;
  let stem: string;
  if (file.endsWith(".json.gz")) {
    compression = "gzip";
    stem = file.slice(0, -".json.gz".length);
  } else if (file.endsWith(".json")) {
    compression = "none";
    stem = file.slice(0, -".json".length);
  } else {
    return { ok: false, reason: "file name does not end in .json or .json.gz" };
  }

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
    },
  };
}
