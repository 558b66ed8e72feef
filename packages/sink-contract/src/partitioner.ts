/**
 * Confluent's partitioners: they decide the `encodedPartition` directory of each record's object key.
 *
 * - Default: `partition=<kafka partition>`.
 * - Field: `<field>=<value>` for each of `partition.field.name`, joined by `directory.delim`.
 * - TimeBased (and Hourly/Daily presets): the record's timestamp (record-time.ts), floored to `partition.duration.ms`
 *   in the settings' `timezone`,
 *   formatted with the Joda-style `path.format` (the subset users write: `YYYY yyyy MM dd HH mm ss` and quoted
 *   literals; other pattern letters are rejected when the partitioner is created).
 */
import { badConfig, PartitionError } from "./errors";
import { checkTimezone, compilePathFormat, zoneOffsetMs } from "./path-format";
import { readPath, toEpochMs } from "./record-time";
import type { PartitionerSettings, TimestampExtractor } from "./settings";

export interface PartitionInput {
  kafkaPartition: number;
  /** The record's JSON value (already parsed). Needed by Field and RecordField. */
  record?: unknown;
  /** The Kafka message timestamp (ms). Needed by `timestamp.extractor=Record`. */
  kafkaTimestampMs?: number;
  /** Wall clock (ms) for `Wallclock`; defaults to Date.now(). */
  nowMs?: number;
}

export interface Partitioner {
  /** The directory part for this record; throws PartitionError for a record that cannot be placed. */
  encodePartition(input: PartitionInput): string;
}

export interface PartitionerOptions {
  /** `directory.delim` used between Field partitioner segments (default `/`). */
  directoryDelim?: string;
  /** `timezone` (IANA) of the time-based partitioner (default UTC): the settings' one `timezone`. */
  timezone?: string;
}

export function createPartitioner(
  settings: PartitionerSettings,
  options: PartitionerOptions = {},
): Partitioner {
  const delim = options.directoryDelim ?? "/";
  switch (settings.kind) {
    case "default":
      return { encodePartition: ({ kafkaPartition }) => `partition=${kafkaPartition}` };
    case "field": {
      if (settings.fields.length === 0) {
        throw badConfig(
          "partition.field.name",
          "partition.field.name: give at least one field for FieldPartitioner",
        );
      }
      const fields = settings.fields;
      return {
        encodePartition: ({ record }) =>
          fields
            .map((field) => {
              const value = readPath(record, field);
              if (value === undefined || value === null || typeof value === "object") {
                throw new PartitionError(
                  `record has no scalar field '${field}' for FieldPartitioner (partition.field.name)`,
                  { field },
                );
              }
              return `${field}=${String(value)}`;
            })
            .join(delim),
      };
    }
    case "time": {
      const format = compilePathFormat(settings.pathFormat);
      const duration = settings.partitionDurationMs;
      if (!Number.isInteger(duration) || duration <= 0) {
        throw badConfig(
          "partition.duration.ms",
          `partition.duration.ms: ${duration} is not a positive integer (e.g. 3600000 for hourly directories)`,
        );
      }
      const zone = checkTimezone(options.timezone ?? "UTC", "timezone");
      const extract = timestampExtractor(settings.timestampExtractor, settings.timestampField);
      return {
        encodePartition: (input) => {
          const ts = extract(input);
          const offset = zoneOffsetMs(ts, zone);
          const localFloored = Math.floor((ts + offset) / duration) * duration;
          // localFloored's UTC fields are the wall-clock fields in `zone`.
          return format(new Date(localFloored));
        },
      };
    }
  }
}

function timestampExtractor(kind: TimestampExtractor, field: string): (input: PartitionInput) => number {
  switch (kind) {
    case "Wallclock":
      return (input) => input.nowMs ?? Date.now();
    case "Record":
      return (input) => {
        if (input.kafkaTimestampMs === undefined || !Number.isFinite(input.kafkaTimestampMs)) {
          throw new PartitionError("the Kafka message has no timestamp (timestamp.extractor=Record)");
        }
        return input.kafkaTimestampMs;
      };
    case "RecordField":
      return (input) => {
        const raw = readPath(input.record, field);
        const ms = toEpochMs(raw);
        if (ms === undefined) {
          throw new PartitionError(
            `record field '${field}' is ${raw === undefined ? "missing" : `not a timestamp (${JSON.stringify(raw)})`}: timestamp.extractor=RecordField needs an ISO-8601 string or epoch milliseconds`,
            { field },
          );
        }
        return ms;
      };
  }
}

export { compilePathFormat, readPath, zoneOffsetMs };
