/**
 * Where the sink's output goes: the seam between the one data path (consume -> classify -> buffer -> cut ->
 * committer.ts) and its two destinations.
 *
 * - objects (`format.class` json / parquet): object-writer.ts (+ multipart.ts, leftovers.ts) PUTs each sealed set
 *   as objects laid out as Confluent's S3 sink lays them out; the Kafka commit after the upload makes it final and
 *   a re-read rebuilds the same keys (README "Exactly once", rules 1-6).
 * - table (`format.class` iceberg): table/ writes each set as Parquet data files of an Apache Iceberg table and
 *   queues them for the next snapshot (consuming goes on); the snapshot's offsets make them final and the table
 *   destination has the Kafka commit follow (README "Exactly once through an Iceberg table").
 *
 * The committer sees only `store`; the batch handler asks `resumeAt` where a partition's reading starts.
 */
import type { ObjectStore } from "./committer";
import type { UploadControl } from "./object-writer";

export type Destination = {
  store: ObjectStore;
  /** Incomplete uploads a crash left for a partition, aborted once it is held (objects only; tables have none). */
  abortLeftovers(topic: string, partition: number, control: UploadControl): Promise<number>;
  /**
   * Tables: the destination's own next offset for a partition (null: none), where reading resumes when it is past
   * the Kafka committed offset (a crash between the table commit and the Kafka commit). Objects: absent.
   */
  resumeAt?(topic: string, partition: number): Promise<bigint | null>;
  /** Tables: at stop, until what is queued is in a snapshot and Kafka followed. Objects: absent. */
  drain?(): Promise<void>;
};
