/**
 * How a process ends, decided in one place. Libraries name their failures with codes (`WeblogError.code`) and
 * never an exit code; this table maps a code to the exit code of a run it ends:
 *
 * - 2: the input or the environment is wrong and the user fixes it (a bad flag, a broker that does not answer, a
 *   missing bucket, refused credentials, a bad connector key);
 * - 1: the run itself failed (S3 kept failing server-side, a bad record with errors.tolerance=none, the sink lost its
 *   partitions, a child process failed); the verifier's discrepancies are 1 too (its main returns it).
 *
 * A code means the same in every domain (a `TIMEOUT` is a timeout in kafka-client and in the testkit). The exit
 * code of an error is that of the first code along its cause chain (outermost first) that the table knows: a
 * wrapper without its own row (the sink's `S3_FATAL`) ends the run as the S3 error it carries; none known: 2.
 */
import { causes, isWeblogError, type WeblogError } from "@weblog/errors";

export const EXIT_CODES: Readonly<Record<string, 1 | 2>> = {
  // @weblog/cli
  USAGE: 2,
  ENVIRONMENT: 2,
  FAILED: 1,
  // @weblog/kafka-client: every failure is the broker's address, its settings or its credentials
  BAD_SETTINGS: 2,
  BROKER_UNREACHABLE: 2,
  DNS: 2,
  AUTH: 2,
  TOPIC: 2,
  PRODUCE: 2,
  CONSUME: 2,
  TIMEOUT: 2,
  // @weblog/sink-contract: a connector key, flag or setting is wrong (BAD_RECORD below is its PartitionError's too)
  BAD_CONFIG: 2,
  // @weblog/s3: access is the user's; a server or request failure is the run's
  BUCKET_MISSING: 2,
  ACCESS_DENIED: 2,
  UNREACHABLE: 2,
  THROTTLED: 1,
  SERVER: 1,
  NOT_FOUND: 1,
  REQUEST: 1,
  // the sink (apps/consumer); S3_FATAL has no row: it ends the run as the S3 error it wraps
  BAD_RECORD: 1,
  KAFKA_FATAL: 1,
  FENCED: 1,
  KEY_SETTINGS_CHANGED: 2,
  DLQ_REFUSED: 2,
  // @weblog/fake-log
  BAD_OPTION: 2,
};

/** The exit code a run ends with when `err` (an expected WeblogError) ends it. */
export function exitCodeOf(err: WeblogError): number {
  for (const e of causes(err)) {
    if (isWeblogError(e) && Object.hasOwn(EXIT_CODES, e.code)) return EXIT_CODES[e.code] as number;
  }
  return 2;
}
