/**
 * `s3-verifier --iceberg-table ns.table`: the checks of a bucket, made on an Apache Iceberg table the sink wrote
 * (--format iceberg), from the table's own metadata and Kafka, with our readers but none of the sink's code:
 * - every Kafka record below the table's offset for its partition is in the table's live data files exactly once,
 *   and no record at or past it is (multiset of record lines per topic; a tombstone has no row);
 * - no data file is named twice by the current snapshot (its rows would count twice);
 * - the offsets the snapshots carry never move backwards along the snapshot chain, and Kafka's committed offset
 *   never leads the table's (it may lag it: a crash after the table commit, before the Kafka commit);
 * - orphan files (uploaded, in no snapshot, older than an hour) are listed.
 * With --iceberg-offsets kafka (a table another writer fills, e.g. Apache Iceberg's Kafka Connect sink, whose
 * snapshots carry its control topic's offsets, not the data topic's), the offsets come from Kafka instead: the
 * group's committed offset per partition (Apache's sink commits it in the transaction that hands its data files to
 * the coordinator, so once the table has caught up the two agree); the offset-chain checks then do not apply.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import {
  createRestCatalog,
  getFile,
  listOrphanFiles,
  liveDataFiles,
  offsetsAt,
  type TableMetadata,
} from "@weblog/iceberg";
import { decodeObjectBody } from "@weblog/object-format";
import type { KafkaSession } from "../kafka";
import type { VerifierOptions } from "../options";

export type TableFinding = { kind: string; detail: string; fatal: boolean };

export type TableReport = {
  table: string;
  snapshotId: string | null;
  snapshots: number;
  files: number;
  orphans: string[];
  totals: { records: number; expected: number; missing: number; duplicateRecords: number };
  offsets: Record<string, { table: number | null; kafkaCommitted: number | null; high: number }>;
  findings: TableFinding[];
  verdict: string;
};

/** Offsets never move backwards from a snapshot to its child (pure). */
export function backwardsOffsets(metadata: TableMetadata, group: string, topic: string): string[] {
  const snaps = metadata.snapshots ?? [];
  const out: string[] = [];
  for (const s of snaps) {
    const parent = s["parent-snapshot-id"];
    if (!parent) continue;
    const mine = offsetsAt(snaps, s["snapshot-id"], group).get(topic) ?? new Map<number, number>();
    const before = offsetsAt(snaps, parent, group).get(topic) ?? new Map<number, number>();
    for (const [p, o] of before) {
      const now = mine.get(p);
      if (now === undefined || now < o)
        out.push(`snapshot ${s["snapshot-id"]}: partition ${p} went from ${o} to ${now ?? "none"}`);
    }
  }
  return out;
}

export async function verifyTable(
  opts: VerifierOptions & { icebergTable: string },
  client: S3Client,
  session: KafkaSession,
): Promise<TableReport> {
  const topic = opts.topics[0] as string;
  const group = opts.group as string;
  const parts = opts.icebergTable.split(".");
  const name = parts.pop() as string;
  const catalog = createRestCatalog({ uri: opts.icebergCatalogUri });
  const { metadata } = await catalog.loadTable({ namespace: parts, name });
  const storage = { client, endpoint: opts.endpoint };
  const current = metadata["current-snapshot-id"] === "-1" ? null : (metadata["current-snapshot-id"] ?? null);
  const fromKafka = opts.icebergOffsets === "kafka";
  const kafka = await session.readState([topic]);
  const partitions = kafka.topics[0]?.partitions ?? [];
  const tableOffsets = fromKafka
    ? new Map(partitions.flatMap((p) => (p.committed === null ? [] : [[p.partition, Number(p.committed)]])))
    : (offsetsAt(metadata.snapshots ?? [], current, group).get(topic) ?? new Map<number, number>());
  const findings: TableFinding[] = [];

  const files = await liveDataFiles(storage, metadata);
  const seen = new Map<string, number>();
  for (const f of files) seen.set(f, (seen.get(f) ?? 0) + 1);
  for (const [f, n] of seen)
    if (n > 1)
      findings.push({ kind: "file-committed-twice", detail: `${f} is named ${n} times`, fatal: true });

  const rows = new Map<string, number>();
  let records = 0;
  for (const f of files) {
    const lines = await decodeObjectBody(await getFile(storage, f), { format: "parquet", codec: "snappy" });
    records += lines.length;
    for (const l of lines) rows.set(l, (rows.get(l) ?? 0) + 1);
  }

  const ends = new Map(partitions.map((p) => [p.partition, p.high]));
  const values = await session.readAllValues(topic, ends);
  const offsets: TableReport["offsets"] = {};
  const expected = new Map<string, number>();
  let expectedCount = 0;
  for (const p of partitions) {
    const t = tableOffsets.get(p.partition);
    for (const { offset, value } of values.get(p.partition) ?? []) {
      if (t === undefined || offset >= BigInt(t) || value === null) continue;
      expected.set(value, (expected.get(value) ?? 0) + 1);
      expectedCount += 1;
    }
    const committed = p.committed === null ? null : Number(p.committed);
    offsets[String(p.partition)] = {
      table: fromKafka ? null : (t ?? null),
      kafkaCommitted: committed,
      high: Number(p.high),
    };
    if (!fromKafka && committed !== null && committed > (t ?? 0))
      findings.push({
        kind: "kafka-leads-table",
        detail: `partition ${p.partition}: Kafka committed ${committed}, the table holds ${t ?? "nothing"}`,
        fatal: false,
      });
  }
  let missing = 0;
  let duplicateRecords = 0;
  for (const [line, n] of expected) missing += Math.max(0, n - (rows.get(line) ?? 0));
  for (const [line, n] of rows) duplicateRecords += Math.max(0, n - (expected.get(line) ?? 0));
  if (missing > 0)
    findings.push({
      kind: "missing",
      detail: `${missing} records below the table's offsets are not in it`,
      fatal: true,
    });
  if (duplicateRecords > 0)
    findings.push({
      kind: "duplicate",
      detail: `${duplicateRecords} rows more than Kafka holds below the table's offsets`,
      fatal: true,
    });
  for (const b of fromKafka ? [] : backwardsOffsets(metadata, group, topic))
    findings.push({ kind: "offsets-backwards", detail: b, fatal: true });

  const orphans = (await listOrphanFiles(storage, metadata)).map((o) => o.path);
  const bad = findings.filter((f) => f.fatal);
  return {
    table: opts.icebergTable,
    snapshotId: current,
    snapshots: metadata.snapshots?.length ?? 0,
    files: files.length,
    orphans,
    totals: { records, expected: expectedCount, missing, duplicateRecords },
    offsets,
    findings,
    verdict:
      bad.length === 0
        ? `OK: ${records} records, each Kafka record below the ${fromKafka ? "group's committed" : "table's"} offsets exactly once`
        : `FAIL: ${bad.map((f) => f.kind).join(", ")}`,
  };
}

export function renderTableText(r: TableReport): string {
  const lines = [
    `Iceberg table ${r.table}: snapshot ${r.snapshotId ?? "none"} (${r.snapshots} snapshots), ${r.files} live data files, ${r.totals.records} records`,
    ...Object.entries(r.offsets).map(
      ([p, o]) =>
        `  partition ${p}: table ${o.table ?? "-"}, Kafka committed ${o.kafkaCommitted ?? "-"}, high watermark ${o.high}`,
    ),
    ...r.findings.map((f) => `  ${f.fatal ? "FAIL" : "note"} ${f.kind}: ${f.detail}`),
    `  orphan files (in no snapshot, older than 1 h): ${r.orphans.length}`,
    r.verdict,
  ];
  return lines.join("\n");
}
