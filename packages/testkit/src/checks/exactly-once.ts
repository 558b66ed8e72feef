/** The records one object holds, with the Kafka partition its key names. */
export interface ObjectRecords {
  kafkaPartition: number;
  /** The object's record lines, in the object's order. */
  lines: readonly string[];
}

/**
 * Checks that what landed (objects in offset order) holds every expected record exactly once and in order, per
 * Kafka partition (`expected`: partition -> the lines produced to it, in offset order). Returns the problems, one
 * line each (a count that differs, the first record that differs); [] when all is well.
 */
export function compareExactlyOnce(
  objects: readonly ObjectRecords[],
  expected: ReadonlyMap<number, readonly string[]>,
): string[] {
  const problems: string[] = [];
  for (const [partition, lines] of expected) {
    const got = objects.filter((o) => o.kafkaPartition === partition).flatMap((o) => o.lines);
    if (got.length !== lines.length)
      problems.push(`partition ${partition}: ${got.length} records in S3, produced ${lines.length}`);
    const shared = Math.min(got.length, lines.length);
    for (let i = 0; i < shared; i++) {
      if (got[i] !== lines[i]) {
        problems.push(
          `partition ${partition} record #${i} differs: ${got[i]?.slice(0, 60)} vs ${lines[i]?.slice(0, 60)}`,
        );
        break;
      }
    }
  }
  return problems;
}
